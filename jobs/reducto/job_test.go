package reducto_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func TestGetJob(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.EscapedPath() {
		case "/job/done":
			writeJSON(w, 200, `{"status":"Completed","progress":100,"reason":null,"type":"Parse","num_pages":3,"total_pages":3,
				"duration":1.5,"created_at":"2026-04-01T10:00:00.123456","result":{"job_id":"done","result":{"type":"full","chunks":[]}}}`)
		case "/job/fail":
			writeJSON(w, 200, `{"status":"Failed","reason":"bad pdf","result":null,"created_at":"2026-04-01T10:00:00Z"}`)
		case "/job/odd":
			writeJSON(w, 200, `{"status":"Thinking","created_at":"yesterday"}`)
		case "/job/a%2Fb":
			writeJSON(w, 200, `{"status":"Idle"}`)
		default:
			t.Errorf("unexpected path %q", r.URL.EscapedPath())
			writeJSON(w, 404, `{"detail":"no"}`)
		}
	})
	ctx := context.Background()
	j, err := e.c.GetJob(ctx, "done")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 4, 1, 10, 0, 0, 123456000, time.UTC)
	if j.Status != reducto.JobCompleted || *j.Progress != 100 || *j.NumPages != 3 || j.Type != "Parse" ||
		j.CreatedAt == nil || !j.CreatedAt.Equal(want) || !strings.Contains(string(j.Result), `"chunks"`) {
		t.Errorf("job = %+v", j)
	}
	j, err = e.c.GetJob(ctx, "fail")
	if err != nil || j.Status != reducto.JobFailed || j.Reason != "bad pdf" || j.Result != nil || j.CreatedAt == nil {
		t.Errorf("failed job = %+v, %v", j, err)
	}
	j, err = e.c.GetJob(ctx, "odd")
	if err != nil || j.Status != "Thinking" || reducto.IsTerminal(j.Status) || j.CreatedAt != nil {
		t.Errorf("odd job = %+v, %v (an unknown status is still running)", j, err)
	}
	if j, err = e.c.GetJob(ctx, "a/b"); err != nil || j.Status != reducto.JobIdle {
		t.Errorf("escaped id: %+v, %v", j, err)
	}
	if _, err := e.c.GetJob(ctx, ""); err == nil {
		t.Error("empty id accepted")
	}
	for _, s := range []string{reducto.JobCompleted, reducto.JobFailed, reducto.JobCancelled} {
		if !reducto.IsTerminal(s) {
			t.Errorf("%s not terminal", s)
		}
	}
	for _, s := range []string{reducto.JobPending, reducto.JobIdle, reducto.JobInProgress, reducto.JobCompleting, ""} {
		if reducto.IsTerminal(s) {
			t.Errorf("%q terminal", s)
		}
	}
}

func TestListJobs(t *testing.T) {
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/jobs" {
			t.Errorf("path %s", r.URL.Path)
		}
		if q.Get("cursor") == "" {
			if q.Get("limit") != "500" || q.Get("exclude_configs") != "" {
				t.Errorf("first page query %q", r.URL.RawQuery)
			}
			cfg, _ := json.Marshal(`{"input":"reducto://x","async":{"metadata":{"ref":"u-7"}}}`)
			writeJSON(w, 200, `{"jobs":[{"job_id":"j1","status":"InProgress","type":"Parse","raw_config":`+string(cfg)+
				`,"created_at":"2026-04-01T10:00:00+02:00","num_pages":null,"total_pages":null,"duration":null,"source":{"x":1}}],"next_cursor":"c2"}`)
			return
		}
		if q.Get("cursor") != "c2" || q.Get("exclude_configs") != "true" {
			t.Errorf("second page query %q", r.URL.RawQuery)
		}
		writeJSON(w, 200, `{"jobs":[{"job_id":"j0","status":"Completed","type":"Split","raw_config":null,"created_at":null,"num_pages":2,"total_pages":2,"duration":3}],"next_cursor":null}`)
	})
	ctx := context.Background()
	p, err := e.c.ListJobs(ctx, reducto.ListJobsParams{Limit: 900})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Jobs) != 1 || p.NextCursor == nil || *p.NextCursor != "c2" || p.Jobs[0].CreatedAt == nil {
		t.Fatalf("page 1 = %+v", p)
	}
	if md := string(p.Jobs[0].AsyncMetadata()); md != `{"ref":"u-7"}` {
		t.Errorf("AsyncMetadata = %s", md)
	}
	p, err = e.c.ListJobs(ctx, reducto.ListJobsParams{Cursor: "c2", ExcludeConfigs: true})
	if err != nil || len(p.Jobs) != 1 || p.NextCursor != nil || p.Jobs[0].AsyncMetadata() != nil || *p.Jobs[0].NumPages != 2 {
		t.Fatalf("page 2 = %+v, %v", p, err)
	}
}

func TestAsyncMetadataForms(t *testing.T) {
	for cfg, want := range map[string]string{
		`{"async":{"metadata":{"a":1}}}`:                 `{"a":1}`,
		`{"async":{"metadata":null},"metadata":"top"}`:   `"top"`,
		`{"webhook":{"mode":"svix","metadata":{"b":2}}}`: `{"b":2}`,
		`{"input":"x"}`: "",
		`not json`:      "",
	} {
		if got := string(reducto.ListedJob{RawConfig: cfg}.AsyncMetadata()); got != want {
			t.Errorf("AsyncMetadata(%s) = %q, want %q", cfg, got, want)
		}
	}
}

func TestCancelConfigureWebhookDelete(t *testing.T) {
	var seen []string
	portal := `"https://app.svix.com/app-portal/login/x"`
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.EscapedPath())
		switch r.URL.Path {
		case "/cancel/j1":
			writeJSON(w, 200, `{"whatever":true}`)
		case "/configure_webhook":
			writeJSON(w, 200, portal)
		case "/upload/reducto://f1", "/job/j1":
			writeJSON(w, 202, `{}`)
		default:
			writeJSON(w, 404, `{"detail":"Not Found"}`)
		}
	})
	ctx := context.Background()
	if err := e.c.Cancel(ctx, "j1"); err != nil {
		t.Fatal(err)
	}
	if err := e.c.Cancel(ctx, "nope"); !reducto.IsGone(err) {
		t.Errorf("cancel unknown job: %v", err)
	}
	u, err := e.c.ConfigureWebhook(ctx)
	if err != nil || u != "https://app.svix.com/app-portal/login/x" {
		t.Errorf("ConfigureWebhook = %q, %v", u, err)
	}
	portal = `https://app.svix.com/bare`
	if u, err := e.c.ConfigureWebhook(ctx); err != nil || u != portal {
		t.Errorf("bare ConfigureWebhook = %q, %v", u, err)
	}
	portal = `{"oops":1}`
	if _, err := e.c.ConfigureWebhook(ctx); err == nil {
		t.Error("an object was taken for the portal URL")
	}
	if err := e.c.DeleteUpload(ctx, "reducto://f1"); err != nil {
		t.Errorf("DeleteUpload: %v", err)
	}
	if err := e.c.DeleteJob(ctx, "j1"); err != nil {
		t.Errorf("DeleteJob: %v", err)
	}
	want := []string{"POST /cancel/j1", "POST /cancel/nope", "POST /configure_webhook", "POST /configure_webhook",
		"POST /configure_webhook", "DELETE /upload/reducto:%2F%2Ff1", "DELETE /job/j1"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("requests %v\nwant %v", seen, want)
	}
}

func TestHeadersAndCredentials(t *testing.T) {
	var mu sync.Mutex
	var ua, auth string
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ua, auth = r.Header.Get("User-Agent"), r.Header.Get("Authorization")
		mu.Unlock()
		writeJSON(w, 200, okJob)
	})
	if _, err := e.c.GetJob(context.Background(), "j"); err != nil {
		t.Fatal(err)
	}
	if ua != "ReductoTray/dev" || auth != "Bearer "+testKey {
		t.Errorf("User-Agent %q, Authorization %q", ua, auth)
	}
	c := reducto.New(e.srv.URL+"/", "k2", reducto.WithUserAgent("ReductoTray", "1.2.3"))
	if _, err := c.GetJob(context.Background(), "j"); err != nil {
		t.Fatal(err)
	}
	if ua != "ReductoTray/1.2.3" || auth != "Bearer k2" || c.BaseURL() != e.srv.URL {
		t.Errorf("User-Agent %q, Authorization %q, BaseURL %q", ua, auth, c.BaseURL())
	}
	if got := reducto.New("", "k").BaseURL(); got != reducto.BaseURLUS {
		t.Errorf("default base URL %q", got)
	}
}

// TestSetCredentialsWhileInFlight switches between two accounts while
// calls run: every request must carry the key of the server it reached.
func TestSetCredentialsWhileInFlight(t *testing.T) {
	mk := func(key string) *httptest.Server {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if got := r.Header.Get("Authorization"); got != "Bearer "+key {
				t.Errorf("server for %s got %q", key, got)
			}
			writeJSON(w, 200, okJob)
		}))
		t.Cleanup(s.Close)
		return s
	}
	a, b := mk("key-a"), mk("key-b")
	c := reducto.New(a.URL, "key-a")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 25 {
				if _, err := c.GetJob(context.Background(), "j"); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() {
			if i%2 == 0 {
				c.SetCredentials(b.URL, "key-b")
			} else {
				c.SetCredentials(a.URL, "key-a")
			}
		})
	}
	wg.Wait()
}

// TestConnectionReuse: polling must not open a connection per request.
func TestConnectionReuse(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, okJob+"\n")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := reducto.New(srv.URL, "k")
	for range 20 {
		if _, err := c.GetJob(context.Background(), "j"); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Errorf("20 sequential polls opened %d connections, want 1", conns)
	}
}
