package pages

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// textPages makes n pages of typical text: a title, 40 lines and a box.
func textPages(n int) []SamplePage {
	ps := make([]SamplePage, n)
	for i := range ps {
		p := SamplePage{Rects: []SampleRect{{X: 72, Y: 600, W: 468, H: 120, R: 0.9, G: 0.9, B: 1}}}
		p.Texts = append(p.Texts, SampleText{X: 72, Y: 80, Size: 20, Text: fmt.Sprintf("Page %d of %d", i+1, n)})
		for l := 0; l < 40; l++ {
			p.Texts = append(p.Texts, SampleText{X: 72, Y: 110 + float64(l)*12, Size: 10,
				Text: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt."})
		}
		ps[i] = p
	}
	return ps
}

// vmRSS is the process's resident set in bytes (Linux; 0 elsewhere).
func vmRSS() float64 { return procStatus("VmRSS:") }

// rssAnon is the anonymous part of it: memory the process allocated, not
// pages of its executable file.
func rssAnon() float64 { return procStatus("RssAnon:") }

func procStatus(key string) float64 {
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

func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

// BenchmarkFirstPage: from a Renderer not yet started to the first page of
// a document rendered 1000 px wide (what opening the page view costs).
func BenchmarkFirstPage(b *testing.B) {
	pdf := SamplePDF(textPages(3))
	run := func(b *testing.B, dir func() string) {
		for b.Loop() {
			r := New(Config{CompileCacheDir: dir()})
			ctx := context.Background()
			d, err := r.OpenBytes(ctx, "a.pdf", pdf)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := d.Render(ctx, 0, 1000); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	}
	b.Run("compile-cache=cold", func(b *testing.B) { run(b, b.TempDir) })
	warm := b.TempDir()
	r := New(Config{CompileCacheDir: warm})
	if _, err := r.OpenBytes(context.Background(), "a.pdf", pdf); err != nil {
		b.Fatal(err)
	}
	r.Close()
	b.Run("compile-cache=warm", func(b *testing.B) { run(b, func() string { return warm }) })
}

// BenchmarkPageFlip: one page of a 300-page PDF rendered 1000 px wide, not
// from the cache (the next page, as when flipping forward).
func BenchmarkPageFlip(b *testing.B) {
	r := New(Config{CompileCacheDir: compileCache, CacheBytes: 1})
	defer r.Close()
	ctx := context.Background()
	d, err := r.OpenBytes(ctx, "long.pdf", SamplePDF(textPages(300)))
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := d.Render(ctx, i%300, 1000); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkView300Pages: RSS and heap while every page of a 300-page PDF is
// viewed in turn at 1000 px (the default 32 MiB page cache), and RSS after
// the idle shutdown compared with before the renderer started ("today").
func BenchmarkView300Pages(b *testing.B) {
	pdf := SamplePDF(textPages(300))
	for b.Loop() {
		settle()
		before, beforeAnon := vmRSS(), rssAnon()
		r := New(Config{CompileCacheDir: compileCache, IdleTimeout: 200 * time.Millisecond})
		ctx := context.Background()
		d, err := r.OpenBytes(ctx, "long.pdf", pdf)
		if err != nil {
			b.Fatal(err)
		}
		var peakRSS, peakHeap float64
		for p := 0; p < 300; p++ {
			if _, err := d.Render(ctx, p, 1000); err != nil {
				b.Fatal(err)
			}
			if p%25 == 0 {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peakHeap = max(peakHeap, float64(m.HeapInuse))
				peakRSS = max(peakRSS, vmRSS())
			}
		}
		// What is live while viewing (the page cache, PDFium's memory),
		// without the garbage of pages evicted.
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		live := float64(m.HeapInuse)
		deadline := time.Now().Add(30 * time.Second)
		for r.Stats().Running && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		settle()
		after, afterAnon := vmRSS(), rssAnon()
		b.ReportMetric(beforeAnon/(1<<20), "MiB-anon-before")
		b.ReportMetric(afterAnon/(1<<20), "MiB-anon-after-idle")
		b.ReportMetric(before/(1<<20), "MiB-RSS-before")
		b.ReportMetric(peakRSS/(1<<20), "MiB-RSS-viewing")
		b.ReportMetric(peakHeap/(1<<20), "MiB-heap-viewing")
		b.ReportMetric(live/(1<<20), "MiB-live-heap-viewing")
		b.ReportMetric(after/(1<<20), "MiB-RSS-after-idle")
		d.Close()
		r.Close()
	}
}
