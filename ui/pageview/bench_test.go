//go:build linux

package pageview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/pages"
)

// procKB reads a field of /proc/self/status, in bytes.
func procKB(key string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == key {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// textDoc is n letter pages of typical text.
func textDoc(n int) []pages.SamplePage {
	ps := make([]pages.SamplePage, n)
	for i := range ps {
		p := pages.SamplePage{Rects: []pages.SampleRect{{X: 72, Y: 600, W: 468, H: 120, R: 0.9, G: 0.9, B: 1}}}
		p.Texts = append(p.Texts, pages.SampleText{X: 72, Y: 80, Size: 20, Text: fmt.Sprintf("Page %d of %d", i+1, n)})
		for l := 0; l < 40; l++ {
			p.Texts = append(p.Texts, pages.SampleText{X: 72, Y: 110 + float64(l)*12, Size: 10,
				Text: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt."})
		}
		ps[i] = p
	}
	return ps
}

// BenchmarkPageViewMemory: the page view in a 1000x680 window at "Fit
// width", renderer warm: the time from SetSource to the first page shown,
// then every page scrolled through (each rendered as it comes into sight),
// with the process's peak RSS (VmHWM, reset before the document is set)
// over that whole time, and the RSS after leaving the view once the
// renderer's idle shutdown ran. Run one at a time (PAGEVIEW_BENCH_PDF names
// a real PDF to add):
//
//	go test -run '^$' -bench BenchmarkPageViewMemory -benchtime 1x ./ui/pageview/
func BenchmarkPageViewMemory(b *testing.B) {
	docs := map[string][]byte{
		"tall":      pages.SamplePDF([]pages.SamplePage{{Width: 72, Height: 14400}}),
		"19-pages":  pages.SamplePDF(textDoc(19)),
		"300-pages": pages.SamplePDF(textDoc(300)),
	}
	names := []string{"tall", "19-pages", "300-pages"}
	// A real document too, when one is named (none is committed).
	if p := os.Getenv("PAGEVIEW_BENCH_PDF"); p != "" {
		if data, err := os.ReadFile(p); err == nil {
			docs["real"] = data
			names = append(names, "real")
		}
	}
	dir := filepath.Join(os.TempDir(), "reducto-tray-test-pdfium")
	for _, name := range names {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), name+".pdf")
			if err := os.WriteFile(path, docs[name], 0o600); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				benchPageView(b, path, dir)
			}
		})
	}
}

func benchPageView(b *testing.B, path, cacheDir string) {
	a := test.NewTempApp(b)
	_ = a
	var mu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	bg := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	do := func(f func()) { fyne.Do(func() { mu.Lock(); defer mu.Unlock(); f() }) }
	ui := func(f func()) { mu.Lock(); defer mu.Unlock(); f() }
	wait := func(cond func() bool) {
		deadline := time.Now().Add(2 * time.Minute)
		for {
			mu.Lock()
			ok := cond()
			mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				b.Fatal("timed out")
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	r := pages.New(pages.Config{CompileCacheDir: cacheDir, IdleTimeout: time.Second})
	defer r.Close()
	// Warm: PDFium started, as after the first document the app showed.
	if d, err := r.OpenBytes(ctx, "warm.pdf", pages.SamplePDF([]pages.SamplePage{{}})); err == nil {
		d.Close()
	}
	var pv *View
	ui(func() {
		pv = New(r, nil, bg, do) // a local PDF: no fetcher needed
		w := a.NewWindow("pages")
		w.SetContent(pv.Object())
		w.Resize(fyne.NewSize(1000, 680))
	})
	runtime.GC()
	debug.FreeOSMemory()
	before := procKB("VmRSS:")
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	start := time.Now()
	ui(func() { pv.SetSource(Source{Path: path}, nil) })
	wait(func() bool { return len(pv.tiles) > 0 && pv.tiles[0].img.Image != nil })
	first := time.Since(start)
	// Scroll through every page, waiting for each to be shown.
	var n int
	ui(func() { n = pv.doc.PageCount() })
	for i := 0; i < n; i++ {
		ui(func() { pv.GoTo(i) })
		wait(func() bool {
			for _, t := range pv.tiles {
				if t.index == i {
					return t.img.Image != nil
				}
			}
			return true // single-page mode: not this tile
		})
	}
	peak := procKB("VmHWM:")
	ui(func() { pv.clear() })
	wait(func() bool { return !r.Stats().Running })
	runtime.GC()
	debug.FreeOSMemory()
	after := procKB("VmRSS:")
	b.ReportMetric(float64(first.Microseconds())/1000, "ms-first-page")
	b.ReportMetric(before/(1<<20), "MiB-RSS-before")
	b.ReportMetric(peak/(1<<20), "MiB-RSS-peak")
	b.ReportMetric(after/(1<<20), "MiB-RSS-after-leaving")
}
