// Command shots opens Reducto Tray's window over canned data (jobs, two
// presets, two watched folders in different states) on one view and keeps
// it there for a while: the e2e test TestScreenshots reads it from Xvfb's
// framebuffer for the README and UI reviews. It is built with
// `go build ./ui/e2e/testdata/shots` (testdata is outside ./... patterns).
//
//	shots -view submit|submitclassify|folders|detail|table|export|webhooks|account|search|edit|editlong|classify|examples -size 1000x680 -hold 30s
//
// The theme is Fyne's FYNE_THEME (light or dark).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/ui"
	"github.com/reductotray/reducto-tray/ui/internal/langfont"
)

func main() {
	view := flag.String("view", "folders", "submit, folders, detail, classify (a classify that routed its document), table (a parse with tables and figures), json (its JSON tab), jobdetails (a job's Details tab), export (its Export menu open), webhooks, account, search, edit, editlong (a three-page form), submitclassify, or examples (a first sandbox run's empty list)")
	size := flag.String("size", "1000x680", "window size WxH")
	hold := flag.Duration("hold", 30*time.Second, "how long to show the view before quitting")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil {
		log.Fatalf("size %q: %v", *size, err)
	}
	home, err := os.MkdirTemp("", "shots-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(home)
	docs := "/home/sam/Documents"
	inbox, scans := filepath.Join(docs, "Invoices inbox"), filepath.Join(docs, "Scanner")

	svc, err := settings.NewService(settings.ServiceConfig{Home: home, Secrets: settings.NewSecrets(home, false)})
	if err != nil {
		log.Print(err)
	}
	if _, err := svc.Update(func(s *settings.Settings) {
		s.WatchFolders = []jobs.WatchFolder{
			{Path: inbox, Preset: "invoices", Recursive: true},
			{Path: scans, MoveOriginals: true},
		}
	}); err != nil {
		log.Fatal(err)
	}
	store := presets.Open(datadir.PresetsDir(home))
	for _, p := range []presets.Preset{
		{Name: "invoices", Kind: jobs.KindExtract, Outputs: jobs.OutputsBeside, Request: json.RawMessage(
			`{"instructions":{"schema":{"type":"object","properties":{"vendor":{"type":"string"},"total":{"type":"number"},"due":{"type":"string"}}},` +
				`"system_prompt":"Amounts in euros"},"parsing":{"formatting":{"table_output_format":"md"}},"settings":{"ocr_system":"standard"}}`)},
		{Name: "contracts (split)", Kind: jobs.KindSplit, Request: json.RawMessage(
			`{"split_description":[{"name":"Terms","description":"The contract's terms"},{"name":"Signatures","description":"Signature pages"}]}`)},
		sortMailPreset, // classify.go
	} {
		if err := store.Save(p); err != nil {
			log.Fatal(err)
		}
	}
	folders := &cannedFolders{st: []jobs.FolderStatus{
		{Folder: jobs.WatchFolder{Path: inbox, Preset: "invoices", Recursive: true}, State: jobs.FolderWatching,
			Waiting: 3, Running: 2, DoneToday: 41, FailedToday: 1},
		{Folder: jobs.WatchFolder{Path: scans, MoveOriginals: true}, State: jobs.FolderError,
			Err: "folder missing: " + scans + " (network drive not mounted?)"},
	}, ch: make(chan struct{})}

	// The simulator serves the figures' images on loopback, as in the sandbox.
	sim := reductotest.NewServer(reductotest.Config{})
	defer sim.Close()

	langfont.Load() // the fonts as the app has them (ui/desktopapp)
	a := fyneapp.NewWithID("ai.reducto.tray.shots")
	win := a.NewWindow("Reducto Tray")
	backend := newCannedBackend(inbox, sim.URL)
	longForm = *view == "editlong" // edit.go
	backend.addEditJob(home)
	if *view == "classify" {
		backend.addClassify(filepath.Join(docs, "Mail")) // classify.go
	}
	examples := ""
	if *view == "examples" {
		// A first --sandbox run: no jobs yet, the examples to try.
		backend.jobs, examples = nil, "/home/sam/.config/reducto-tray/examples"
	}
	u := ui.New(a, win, ui.Config{
		Backend: backend, Settings: svc, SandboxForced: true, Sandbox: *view == "examples", Examples: examples, Search: cannedSearch{backend},
		Presets: ui.PresetStore(store), Folders: folders,
		Deliveries: newCannedDeliveries(), ListenAddr: "127.0.0.1:7433",
		Account:     newCannedAccount(),
		Pages:       pages.New(pages.Config{CompileCacheDir: pages.DefaultCompileCacheDir()}),
		RelayStatus: func() (string, string) { return "connected", "https://play.svix.com/in/e_Zq3kR8wYp1/" },
	})
	win.Resize(fyne.NewSize(w, h))
	go func() {
		time.Sleep(time.Second) // the presets and statuses load in the background
		fyne.Do(func() {
			switch *view {
			case "submit":
				u.ShowSubmit("invoices")
			case "submitclassify":
				u.ShowSubmit(sortMailPreset.Name)
			case "folders":
				u.ShowFolderSettings()
			case "detail":
				u.ShowJob(3)
			case "table", "export":
				u.ShowJob(4)
			case "json":
				u.ShowJobTab(4, 1)
			case "jobdetails":
				u.ShowJobTab(3, 2)
			case "edit", "editlong":
				u.ShowJob(editJobID)
			case "classify":
				u.ShowJob(classifyID)
			}
		})
		if *view == "export" {
			time.Sleep(time.Second) // the result loads and the detail draws
			fyne.Do(u.ShowExportMenu)
		}
		fyne.Do(func() {
			switch *view {
			case "webhooks":
				u.ShowDelivery(7)
				u.CheckWebhooks()
			case "account":
				u.ShowAccount()
			case "search":
				u.SearchFor("revenue")
			}
		})
		// The test reads the screen from Xvfb's framebuffer meanwhile.
		time.Sleep(*hold)
		fyne.Do(a.Quit)
	}()
	win.ShowAndRun()
	u.Close()
}

// cannedFolders is a watcher whose statuses never change.
type cannedFolders struct {
	st []jobs.FolderStatus
	ch chan struct{}
}

func (f *cannedFolders) Statuses() []jobs.FolderStatus { return f.st }
func (f *cannedFolders) SetPaused(string, bool)        {}
func (f *cannedFolders) Changes() <-chan struct{}      { return f.ch }

// cannedBackend is an engine with a few finished jobs.
type cannedBackend struct {
	jobs     []jobs.Job
	figures  string // base URL of the figures' images
	results  map[int64][]byte
	children map[int64][]jobs.Job
	// The canned edit's blank form and filled copy (edit.go).
	editForm, editFilled string
}

func newCannedBackend(inbox, figures string) *cannedBackend {
	now := time.Now()
	done := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	credits := 6.0
	return &cannedBackend{figures: figures, jobs: []jobs.Job{
		{ID: 4, JobID: "5f0c2e1a-93d4-4c7e-9a61-2b8f3d0e7c11", File: "/home/sam/Documents/Reports/quarterly report Q2.pdf", Kind: jobs.KindParse,
			Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: 812 << 10, Pages: 6, Credits: &credits, Source: jobs.SourceDrop,
			StudioLink: "https://studio.reducto.ai/job/5f0c2e1a-93d4-4c7e-9a61-2b8f3d0e7c11",
			Options:    jobs.Options{Kind: jobs.KindParse, Source: jobs.SourceDrop},
			CreatedAt:  now.Add(-90 * time.Second), UpdatedAt: now.Add(-80 * time.Second), CompletedAt: done(80 * time.Second)},
		{ID: 3, JobID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", File: filepath.Join(inbox, "invoice-2291.pdf"), Kind: jobs.KindExtract,
			Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: 184320, Pages: 2, Source: jobs.SourceWatch, Preset: "invoices",
			Options:   jobs.Options{Kind: jobs.KindExtract, Outputs: jobs.OutputsBeside, Preset: "invoices", Source: jobs.SourceWatch},
			Outputs:   []string{filepath.Join(inbox, "invoice-2291.extract.json")},
			CreatedAt: now.Add(-3 * time.Minute), UpdatedAt: now.Add(-2 * time.Minute), CompletedAt: done(2 * time.Minute)},
		{ID: 2, JobID: "16fd2706-8baf-433b-82eb-8c7fada847da", File: filepath.Join(inbox, "annual report.pdf"), Kind: jobs.KindParse,
			Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: 2 << 20, Pages: 48, Source: jobs.SourceDrop,
			Options: jobs.Options{Kind: jobs.KindParse, Outputs: jobs.OutputsBeside}, Outputs: []string{
				filepath.Join(inbox, "annual report.parse.md"), filepath.Join(inbox, "annual report.parse.json")},
			CreatedAt: now.Add(-20 * time.Minute), UpdatedAt: now.Add(-18 * time.Minute), CompletedAt: done(18 * time.Minute)},
		{ID: 1, File: "/home/sam/Documents/Scanner/scan 0007.pdf", Kind: jobs.KindParse, Status: jobs.StatusFailed, Webhook: jobs.WebhookNone,
			Error: "the document has no readable pages", Size: 98304, Source: jobs.SourceWatch,
			CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour), CompletedAt: done(time.Hour)},
	}}
}

func (b *cannedBackend) Submit(context.Context, []string, jobs.Options) ([]jobs.Job, error) {
	return nil, fmt.Errorf("submitting is off in screenshots")
}
func (b *cannedBackend) Cancel(context.Context, int64) error { return nil }
func (b *cannedBackend) Retry(context.Context, int64) (jobs.Job, error) {
	return jobs.Job{}, fmt.Errorf("retrying is off in screenshots")
}
func (b *cannedBackend) List(_ context.Context, q jobs.Query) ([]jobs.Job, error) {
	var out []jobs.Job
	for _, j := range b.jobs {
		if q.Search != "" && !strings.Contains(strings.ToLower(filepath.Base(j.File)), strings.ToLower(q.Search)) {
			continue
		}
		if q.BeforeID == 0 || j.ID < q.BeforeID {
			out = append(out, j)
		}
	}
	return out, nil
}
func (b *cannedBackend) Count(context.Context, jobs.Query) (int, error) { return len(b.jobs), nil }
func (b *cannedBackend) Job(_ context.Context, id int64) (jobs.Job, error) {
	for _, j := range b.jobs {
		if j.ID == id {
			return j, nil
		}
	}
	return jobs.Job{}, jobs.ErrNotFound
}
func (b *cannedBackend) Result(_ context.Context, id int64) ([]byte, error) {
	if r, ok := b.results[id]; ok {
		return r, nil
	}
	if id == 4 {
		return quarterlyParse(b.figures), nil
	}
	if id == editJobID {
		return editResult(), nil
	}
	if id == 3 {
		return []byte(`{"result":{"vendor":"Acme Office Supplies GmbH","total":1249.5,"due":"2026-12-15"},"usage":{"num_pages":2}}`), nil
	}
	return []byte(`{"result":{"type":"full","chunks":[{"content":"# Annual report\n\nRevenue grew 12 %."}]}}`), nil
}
func (b *cannedBackend) Timeline(_ context.Context, id int64) ([]jobs.Transition, error) {
	j, err := b.Job(context.Background(), id)
	if err != nil {
		return nil, err
	}
	return []jobs.Transition{
		{JobID: id, From: "", To: jobs.StatusQueued, At: j.CreatedAt},
		{JobID: id, From: jobs.StatusQueued, To: jobs.StatusUploading, At: j.CreatedAt.Add(200 * time.Millisecond)},
		{JobID: id, From: jobs.StatusUploading, To: jobs.StatusPending, At: j.CreatedAt.Add(900 * time.Millisecond)},
		{JobID: id, From: jobs.StatusPending, To: j.Status, At: j.UpdatedAt},
	}, nil
}
func (b *cannedBackend) Subscribe() *jobs.Subscription { return nil }
func (b *cannedBackend) Stats() jobs.Stats             { return jobs.Stats{} }
func (b *cannedBackend) ConfigureWebhook(context.Context) (string, error) {
	return "", fmt.Errorf("no portal in screenshots")
}
