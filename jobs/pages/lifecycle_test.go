package pages

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bombPDF is a "billion laughs" PDF: form XObjects each drawing the one
// below ten times, so a tiny file asks for 10^levels rectangle fills.
func bombPDF(levels int) []byte {
	var objs []string
	objs = append(objs, "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "")
	first := len(objs) + 1
	// Level 0 fills ten small rectangles; level k draws level k-1 ten times.
	for k := 0; k <= levels; k++ {
		var cs strings.Builder
		res := ""
		for i := 0; i < 10; i++ {
			if k == 0 {
				fmt.Fprintf(&cs, "0.5 g %d 10 5 5 re f\n", i*6)
			} else {
				fmt.Fprintf(&cs, "q 1 0 0 1 %d 0 cm /X Do Q\n", i%2)
			}
		}
		if k > 0 {
			res = fmt.Sprintf("/Resources << /XObject << /X %d 0 R >> >>", first+k-1)
		}
		objs = append(objs, fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] %s /Length %d >>\nstream\n%s\nendstream", res, cs.Len(), cs.String()))
	}
	top := first + levels
	content := "/X Do\n"
	objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	objs[2] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /X %d 0 R >> >> /Contents %d 0 R >>", top, len(objs))
	return assemblePDF(objs, 1)
}

// A PDF that would keep PDFium busy for hours gives ErrTimeout soon after
// the limit, and the renderer goes on working (restarted).
func TestHostilePDFTimesOut(t *testing.T) {
	ctx := ctxT(t)
	limit := 2 * time.Second
	if raceEnabled {
		// The render after the kill starts PDFium again, in wazero's
		// interpreter under the race detector: on a busy machine that
		// alone can pass 2 s. The bomb would run for hours either way.
		limit = 8 * time.Second
	}
	r := New(testConfig(Config{CallTimeout: limit}))
	defer r.Close()
	d, err := r.OpenBytes(ctx, "bomb.pdf", bombPDF(9))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	start := time.Now()
	_, err = d.Render(ctx, 0, 612)
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("render of the bomb: %v, want ErrTimeout", err)
	}
	// The limit, plus the kill taking effect; far from the hours asked for.
	if took > limit+10*time.Second {
		t.Errorf("the timeout took %s", took)
	}
	t.Logf("bomb stopped after %s: %v", took, err)
	if s := r.Stats(); s.Running || s.Stops != 1 {
		t.Errorf("after the kill: %+v, want stopped once", s)
	}
	good, err := r.OpenBytes(ctx, "good.pdf", SamplePDF([]SamplePage{layoutPage}))
	if err != nil {
		t.Fatalf("after the kill: %v", err)
	}
	defer good.Close()
	if _, err := good.Render(ctx, 0, 300); err != nil {
		t.Fatalf("render after the kill: %v", err)
	}
	if s := r.Stats(); !s.Running || s.Starts != 2 {
		t.Errorf("stats %+v, want running, started twice", s)
	}
}

// A call whose context ended before its turn never runs: here it would
// have started PDFium.
func TestCancelledBeforeTurn(t *testing.T) {
	r := New(testConfig(Config{}))
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.OpenBytes(ctx, "x.pdf", SamplePDF([]SamplePage{{}})); !errors.Is(err, context.Canceled) {
		t.Fatalf("open with a cancelled context: %v", err)
	}
	if s := r.Stats(); s.Starts != 0 {
		t.Errorf("PDFium started for a cancelled call: %+v", s)
	}
}

func heapInUse() uint64 {
	// Finalizers free what wazero's compiled modules hold: let them run.
	for i := 0; i < 5; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// After the idle time PDFium is shut down and its memory (the module's
// linear memory, the page cache) returns; a later render starts it again
// and reopens the document.
func TestIdleShutdown(t *testing.T) {
	ctx := ctxT(t)
	// Long enough that the heap is read while PDFium still runs, even
	// when the collections heapInUse forces are slow on a busy machine.
	r := New(testConfig(Config{IdleTimeout: 3 * time.Second}))
	defer r.Close()
	base := heapInUse()
	d, err := r.OpenBytes(ctx, "layout.pdf", SamplePDF([]SamplePage{layoutPage}))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Render(ctx, 0, 1224); err != nil {
		t.Fatal(err)
	}
	running := heapInUse()
	if !r.Stats().Running {
		t.Fatalf("PDFium stopped before its heap was read (idle timeout too short for this machine): %+v", r.Stats())
	}
	deadline := time.Now().Add(30 * time.Second)
	for r.Stats().Running {
		if time.Now().After(deadline) {
			t.Fatalf("still running: %+v", r.Stats())
		}
		time.Sleep(20 * time.Millisecond) // polling the state, with a deadline
	}
	idle := heapInUse()
	t.Logf("heap in use: %d MiB before, %d MiB running, %d MiB after the idle shutdown", base>>20, running>>20, idle>>20)
	if s := r.Stats(); s.Stops != 1 || s.CacheBytes != 0 {
		t.Errorf("after idle: %+v, want stopped once and an empty cache", s)
	}
	// What PDFium held (at least its 16 MiB initial memory) is back.
	if running < base+16<<20 {
		t.Errorf("running heap %d MiB not above the base %d MiB: the check below proves nothing", running>>20, base>>20)
	}
	if idle > base+8<<20 {
		t.Errorf("heap after shutdown %d MiB, want within 8 MiB of the %d MiB before", idle>>20, base>>20)
	}
	if _, err := d.Render(ctx, 0, 612); err != nil {
		t.Fatalf("render after the idle shutdown: %v", err)
	}
	if s := r.Stats(); s.Starts != 2 {
		t.Errorf("stats %+v, want started again", s)
	}
}
