package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestCreateGetRoundTrip(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	in := jobs.Job{
		File:      "/home/ann/Invoices/März Rechnung 2024.pdf",
		Kind:      jobs.KindExtract,
		Webhook:   jobs.WebhookSvix,
		ClientRef: "8d7c4f8e-1b7e-4a1b-9c57-3f6f2a0d9e11",
		Size:      123456,
		Options: jobs.Options{
			Kind:     jobs.KindExtract,
			Webhook:  jobs.WebhookSvix,
			Channels: []string{"team-a", "team-b"},
			Metadata: json.RawMessage(`{"client_ref":"8d7c4f8e","n":3}`),
			Priority: true,
			Parse:    jobs.ParseOptions{PageStart: 2, PageEnd: 9, TableFormat: "html", ChunkMode: "page"},
			Extract: jobs.ExtractOptions{
				Schema:       json.RawMessage(`{"type":"object","properties":{"total":{"type":"number"}}}`),
				SystemPrompt: "Be precise.",
			},
			Split: jobs.SplitOptions{Descriptions: []jobs.SplitDescription{{Name: "a", Description: "b"}}, Rules: "r"},
		},
	}
	before := time.Now().UTC().Truncate(time.Millisecond)
	out := mustCreate(t, s, in)[0]
	if out.ID == 0 || out.Status != jobs.StatusQueued || out.CreatedAt.Before(before) || !out.UpdatedAt.Equal(out.CreatedAt) || out.CompletedAt != nil {
		t.Fatalf("Create returned %+v", out)
	}
	if out.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt not UTC: %v", out.CreatedAt.Location())
	}
	got, err := s.Get(ctx, out.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, out) {
		t.Fatalf("Get = %+v\nwant  %+v", got, out)
	}
	if !reflect.DeepEqual(got.Options, in.Options) {
		t.Fatalf("Options did not round-trip:\n got %+v\nwant %+v", got.Options, in.Options)
	}
	tl, err := s.Timeline(ctx, out.ID)
	if err != nil || len(tl) != 1 || tl[0].From != "" || tl[0].To != jobs.StatusQueued || tl[0].JobID != out.ID {
		t.Fatalf("Timeline after create = %+v, %v", tl, err)
	}

	// Given times are kept (at millisecond precision, in UTC).
	old := testJob(2)
	old.CreatedAt = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*3600))
	o := mustCreate(t, s, old)[0]
	g, _ := s.Get(ctx, o.ID)
	if want := time.Date(2024, 5, 6, 5, 8, 9, 123000000, time.UTC); !g.CreatedAt.Equal(want) || g.CreatedAt.Location() != time.UTC {
		t.Fatalf("CreatedAt = %v, want %v", g.CreatedAt, want)
	}

	if _, err := s.Get(ctx, 9999); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("Get(missing) err = %v, want ErrNotFound", err)
	}
}

func TestCreateDefaultsAndValidation(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := testJob(1)
	j.Kind, j.Webhook = "", ""
	j.Options = jobs.Options{Kind: jobs.KindSplit, Webhook: jobs.WebhookDirect}
	out := mustCreate(t, s, j)[0]
	if out.Kind != jobs.KindSplit || out.Webhook != jobs.WebhookDirect {
		t.Fatalf("kind/webhook not taken from Options: %+v", out)
	}

	noRef := testJob(2)
	noRef.ClientRef = ""
	if _, err := s.Create(ctx, []jobs.Job{noRef}); err == nil {
		t.Error("Create without a client reference succeeded")
	}
	bad := testJob(3)
	bad.Kind, bad.Options.Kind = "ocr", "ocr"
	if _, err := s.Create(ctx, []jobs.Job{bad}); err == nil {
		t.Error("Create with an invalid kind succeeded")
	}
	// A batch is all or nothing: the duplicate client reference in the
	// second job rolls back the first.
	dup := testJob(4)
	dup.ClientRef = out.ClientRef
	if _, err := s.Create(ctx, []jobs.Job{testJob(5), dup}); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("Create with a duplicate client reference: err = %v", err)
	}
	if n, _ := s.Count(ctx, jobs.Query{}); n != 1 {
		t.Fatalf("Count = %d after a failed batch, want 1", n)
	}
	// RetryOf must name an existing job (foreign keys are on).
	r := testJob(6)
	r.RetryOf = 777
	if _, err := s.Create(ctx, []jobs.Job{r}); err == nil {
		t.Error("Create with RetryOf of a missing job succeeded")
	}
	r.RetryOf = out.ID
	if got := mustCreate(t, s, r)[0]; got.RetryOf != out.ID {
		t.Fatalf("RetryOf = %d", got.RetryOf)
	}
}

func TestUpdateRankRulesAndFinality(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]

	if _, ch := mustUpdate(t, s, j.ID, jobs.StatusUploading, Patch{Detail: "uploading 1 MB"}); !ch {
		t.Fatal("queued -> uploading not applied")
	}
	got, ch := mustUpdate(t, s, j.ID, jobs.StatusPending, Patch{JobID: ptr("rj-1"), Detail: "submitted"})
	if !ch || got.Status != jobs.StatusPending || got.JobID != "rj-1" {
		t.Fatalf("-> pending = %+v, %v", got, ch)
	}
	if byRID, err := s.GetByJobID(ctx, "rj-1"); err != nil || byRID.ID != j.ID {
		t.Fatalf("GetByJobID = %+v, %v", byRID, err)
	}
	if _, err := s.GetByJobID(ctx, "nope"); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("GetByJobID(missing) err = %v", err)
	}
	mustUpdate(t, s, j.ID, jobs.StatusRunning, Patch{})

	// Lower rank: ignored, nothing written.
	got, ch = mustUpdate(t, s, j.ID, jobs.StatusPending, Patch{Pages: ptr(5)})
	if ch || got.Status != jobs.StatusRunning || got.Pages != 0 {
		t.Fatalf("running -> pending = %+v, changed %v; want ignored", got, ch)
	}
	// Same status with a patch: applied, no timeline row.
	got, ch = mustUpdate(t, s, j.ID, jobs.StatusRunning, Patch{Pages: ptr(12)})
	if !ch || got.Pages != 12 {
		t.Fatalf("running + pages = %+v, %v", got, ch)
	}
	// Same status, same values: nothing to do.
	if _, ch = mustUpdate(t, s, j.ID, jobs.StatusRunning, Patch{Pages: ptr(12)}); ch {
		t.Fatal("an identical patch reported a change")
	}

	done, ch := mustUpdate(t, s, j.ID, jobs.StatusCompleted, Patch{StudioLink: ptr("https://studio/x"), Detail: "webhook"})
	if !ch || done.CompletedAt == nil || done.StudioLink != "https://studio/x" {
		t.Fatalf("-> completed = %+v, %v", done, ch)
	}
	// Final: nothing changes it, not even a patch or another final status.
	for _, to := range []jobs.Status{jobs.StatusFailed, jobs.StatusCancelled, jobs.StatusCompleted, jobs.StatusRunning} {
		got, ch := mustUpdate(t, s, j.ID, to, Patch{Error: ptr("late"), Pages: ptr(99), Result: []byte("{}")})
		if ch || got.Status != jobs.StatusCompleted || got.Error != "" || got.Pages != 12 {
			t.Fatalf("completed -> %s = %+v, changed %v; want unchanged", to, got, ch)
		}
	}
	if _, err := s.Result(ctx, j.ID); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("a final job took a late result: %v", err)
	}
	stored, _ := s.Get(ctx, j.ID)
	if !reflect.DeepEqual(stored, done) {
		t.Fatalf("stored = %+v\nwant     %+v", stored, done)
	}

	tl, err := s.Timeline(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	var path []string
	for _, tr := range tl {
		path = append(path, string(tr.From)+">"+string(tr.To)+":"+tr.Detail)
	}
	want := []string{">queued:", "queued>uploading:uploading 1 MB", "uploading>pending:submitted", "pending>running:", "running>completed:webhook"}
	if !reflect.DeepEqual(path, want) {
		t.Fatalf("timeline = %q\nwant       %q", path, want)
	}

	if _, _, err := s.Update(ctx, 4242, jobs.StatusFailed, Patch{}); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("Update(missing) err = %v, want ErrNotFound", err)
	}
	if _, _, err := s.Update(ctx, j.ID, jobs.Status("done"), Patch{}); err == nil {
		t.Fatal("Update to an invalid status succeeded")
	}
}

func TestUpdateFailedKeepsError(t *testing.T) {
	s, _ := newTestStore(t)
	j := mustCreate(t, s, testJob(1))[0]
	got, ch := mustUpdate(t, s, j.ID, jobs.StatusFailed, Patch{Error: ptr("upload: 413 too large")})
	if !ch || got.Error != "upload: 413 too large" || got.CompletedAt == nil {
		t.Fatalf("-> failed = %+v", got)
	}
}

// TestUpdateRaceOneWinner is the webhook-vs-poll race, 100 ways.
func TestUpdateRaceOneWinner(t *testing.T) {
	s, _ := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]
	mustUpdate(t, s, j.ID, jobs.StatusRunning, Patch{JobID: ptr("rj")})

	const n = 100
	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make([]bool, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			to := jobs.StatusCompleted
			if i%3 == 0 {
				to = jobs.StatusFailed
			}
			_, results[i], errs[i] = s.Update(ctx, j.ID, to, Patch{Detail: "racer", Result: []byte(`{"ok":true}`)})
		}(i)
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("racer %d: %v", i, errs[i])
		}
		if results[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Fatalf("%d racers saw changed=true, want exactly 1", winners)
	}
	tl, _ := s.Timeline(ctx, j.ID)
	finals := 0
	for _, tr := range tl {
		if tr.To.Final() {
			finals++
		}
	}
	if finals != 1 {
		t.Fatalf("timeline has %d final transitions, want 1", finals)
	}
}

func TestResultCompressedOutsideListing(t *testing.T) {
	s, path := newTestStore(t)
	ctx := context.Background()
	j := mustCreate(t, s, testJob(1))[0]
	var buf bytes.Buffer
	buf.WriteString(`{"result":{"chunks":[`)
	for i := 0; i < 5000; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"content":"Lorem ipsum dolor sit amet, ünïcode ✓","page":` + strconv.Itoa(i%40) + `}`)
	}
	buf.WriteString(`]}}`)
	result := buf.Bytes()

	if _, err := s.Result(ctx, j.ID); !errors.Is(err, jobs.ErrNotFound) {
		t.Fatalf("Result before any = %v, want ErrNotFound", err)
	}
	if _, ch := mustUpdate(t, s, j.ID, jobs.StatusCompleted, Patch{Result: result}); !ch {
		t.Fatal("completion not applied")
	}
	got, err := s.Result(ctx, j.ID)
	if err != nil || !bytes.Equal(got, result) {
		t.Fatalf("Result round trip: %d bytes, %v; want %d bytes", len(got), err, len(result))
	}
	var blob []byte
	if err := s.r.QueryRow(`SELECT compressed FROM results WHERE job = ?`, j.ID).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if len(blob) < 2 || blob[0] != 0x1f || blob[1] != 0x8b || len(blob)*5 > len(result) {
		t.Fatalf("stored blob is %d bytes (from %d), not gzip-compressed", len(blob), len(result))
	}

	// Listing must not touch results: with the table renamed away, List,
	// Get and Count still work while Result fails.
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`ALTER TABLE results RENAME TO results_away`); err != nil {
		t.Fatal(err)
	}
	if js, err := s.List(ctx, jobs.Query{}); err != nil || len(js) != 1 {
		t.Fatalf("List without results table = %v, %v", js, err)
	}
	if _, err := s.List(ctx, jobs.Query{Search: "report", Statuses: []jobs.Status{jobs.StatusCompleted, jobs.StatusFailed}}); err != nil {
		t.Fatalf("search without results table: %v", err)
	}
	if _, err := s.Get(ctx, j.ID); err != nil {
		t.Fatalf("Get without results table: %v", err)
	}
	if _, err := s.Result(ctx, j.ID); err == nil {
		t.Fatal("Result worked without its table: the test is not measuring anything")
	}
}

func TestUnfinishedOldestFirst(t *testing.T) {
	s, _ := newTestStore(t)
	js := mustCreate(t, s, testJob(1), testJob(2), testJob(3), testJob(4), testJob(5))
	mustUpdate(t, s, js[0].ID, jobs.StatusCompleted, Patch{})
	mustUpdate(t, s, js[1].ID, jobs.StatusRunning, Patch{})
	mustUpdate(t, s, js[2].ID, jobs.StatusCancelled, Patch{})
	mustUpdate(t, s, js[3].ID, jobs.StatusUploading, Patch{})
	got, err := s.Unfinished(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, j := range got {
		ids = append(ids, j.ID)
	}
	if want := []int64{js[1].ID, js[3].ID, js[4].ID}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Unfinished ids = %v, want %v", ids, want)
	}
}
