package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// BenchmarkJobListFrame is the main goroutine's cost of scrolling the list
// over a 1,000,000-job history: each op scrolls to another position within
// the cached window and lays out the visible rows. Page fetches never run
// on the main goroutine (see BenchmarkPagerScroll and BenchmarkPagerJump).
func BenchmarkJobListFrame(b *testing.B) {
	s := benchHistory(b)
	eng := engine.New(engine.Config{Store: s})
	a := test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	u := New(a, w, Config{Backend: eng, Settings: benchSettings(b), Sandbox: true, SandboxForced: true})
	b.Cleanup(u.Close)
	w.Resize(fyne.NewSize(1000, 700))
	deadline := time.Now().Add(30 * time.Second)
	for u.list.pager.Len() == 0 {
		if time.Now().After(deadline) {
			b.Fatal("the list never loaded")
		}
		<-time.After(time.Millisecond)
	}
	// Warm the cache window the benchmark scrolls through.
	ctx := context.Background()
	for pg := 1; pg < maxCachedPages; pg++ {
		if _, err := u.list.pager.fetch(ctx, pg); err != nil {
			b.Fatal(err)
		}
	}
	rows := maxCachedPages * pageSize
	i := 0
	u.uiMu.Lock()
	defer u.uiMu.Unlock()
	for b.Loop() {
		i = (i + 37) % rows
		u.list.List.ScrollTo(i)
	}
	if r := u.list.rowAt(i); r == nil || r.name.Text == "…" {
		b.Fatalf("row %d not drawn from the cache", i)
	}
}

func benchSettings(b *testing.B) *settings.Service {
	svc, err := settings.NewService(settings.ServiceConfig{Home: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}
