package ui

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/result/resulttest"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// largeParse is a parse result of pages pages as Reducto shapes it (one
// generator for the model's and the view's benchmarks).
var largeParse = resulttest.LargeParse

// BenchmarkOpenLargeParse is the time from a 300-page parse result's
// bytes (as Backend.Result returns them) to its first rows drawn in the
// detail: reading it (off the UI goroutine in the app), filling the view
// and laying out the visible rows; and the memory that costs.
func BenchmarkOpenLargeParse(b *testing.B) {
	raw := largeParse(300)
	s, err := store.Open(filepath.Join(b.TempDir(), "h.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	u := New(a, w, Config{Backend: engine.New(engine.Config{Store: s}), Settings: benchSettings(b), Sandbox: true, SandboxForced: true})
	b.Cleanup(u.Close)
	w.Resize(fyne.NewSize(1000, 680))
	j := jobs.Job{ID: 1, JobID: "big", File: "/data/big.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted}
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	var before, after runtime.MemStats
	var retained uint64
	var first time.Duration
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		m := buildResult(jobs.KindParse, raw)
		u.detail.fill(j, nil, nil, raw, nil, m, nil)
		p := u.detail.View.Parse
		w.Resize(fyne.NewSize(1000, 680+float32(i%2))) // the frame's layout
		// What the painter does on the next frame: the list's renderer
		// lays out and builds the rows on screen.
		test.WidgetRenderer(p.List).Layout(p.List.Size())
		if p.List.Size().Height < 100 {
			b.Fatalf("list is %v", p.List.Size())
		}
		if p.shown == 0 {
			b.Fatal("no row drawn")
		}
		first += time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained += after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-to-first-rows")
	b.ReportMetric(float64(retained)/float64(b.N)/(1<<20), "MB-retained")
	b.ReportMetric(float64(len(raw))/(1<<20), "MB-result")
}

// BenchmarkFirstShowTabs is each detail tab's first show of a 300-page
// parse result on the UI goroutine (filling the detail, selecting the
// tab, the frame's layout and the renderers of what is on screen), with
// the reading off it (building the model and the JSON lines) and the test
// driver's software painting (the app paints with GL) timed apart, and
// the memory the shown detail keeps. It fails when a tab's first show
// holds the UI goroutine for more than the 100 ms a click may take:
//
//	go test -run '^$' -bench FirstShowTabs ./ui/
func BenchmarkFirstShowTabs(b *testing.B) {
	raw := largeParse(300)
	s, err := store.Open(filepath.Join(b.TempDir(), "h.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	u := New(a, w, Config{Backend: engine.New(engine.Config{Store: s}), Settings: benchSettings(b), Sandbox: true, SandboxForced: true})
	b.Cleanup(u.Close)
	w.Resize(fyne.NewSize(1000, 680))
	j := jobs.Job{ID: 1, JobID: "big", File: "/data/big.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted}
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	tabs := []string{"Result", "JSON", "Details"}
	ui := make([]time.Duration, len(tabs))
	var bg, paint time.Duration
	var before, after runtime.MemStats
	var retained uint64
	i := 0
	for b.Loop() {
		for k := range tabs {
			i++
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			m := buildResult(jobs.KindParse, raw)
			js := jsonView(raw)
			bg += time.Since(start)
			start = time.Now()
			u.detail.fill(j, nil, nil, raw, nil, m, js)
			u.detail.tabs.SelectIndex(k)
			w.Resize(fyne.NewSize(1000, 680+float32(i%2)))
			visibleRenderers(w.Content())
			ui[k] += time.Since(start)
			start = time.Now()
			w.Canvas().(test.WindowlessCanvas).Capture()
			paint += time.Since(start)
			runtime.GC()
			runtime.ReadMemStats(&after)
			retained += after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		}
	}
	for k, name := range tabs {
		ms := float64(ui[k].Microseconds()) / 1000 / float64(b.N)
		b.ReportMetric(ms, "ms-ui-"+name)
		if ms > 100 {
			b.Errorf("the %s tab's first show held the UI goroutine %.0f ms (limit 100)", name, ms)
		}
	}
	b.ReportMetric(float64(bg.Microseconds())/1000/float64(b.N*len(tabs)), "ms-background")
	b.ReportMetric(float64(paint.Microseconds())/1000/float64(b.N*len(tabs)), "ms-software-paint")
	b.ReportMetric(float64(retained)/float64(b.N*len(tabs))/(1<<20), "MB-retained")
	b.ReportMetric(float64(len(raw))/(1<<20), "MB-result")
}

// visibleRenderers builds (or refreshes the layout of) the renderer of
// every visible widget under o, as the painter's first frame does.
func visibleRenderers(o fyne.CanvasObject) {
	if !o.Visible() {
		return
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			visibleRenderers(c)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			visibleRenderers(c)
		}
	}
}
