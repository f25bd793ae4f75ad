package backoff_test

import (
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/backoff"
)

func TestBaseGrowsAndCaps(t *testing.T) {
	p := backoff.Policy{Min: time.Second, Max: 10 * time.Second, Factor: 2}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := p.Base(i); got != w {
			t.Errorf("Base(%d) = %v, want %v", i, got, w)
		}
	}
	if got := p.Base(1000); got != 10*time.Second {
		t.Errorf("Base(1000) = %v, want the cap", got)
	}
}

func TestDelayStaysWithinJitter(t *testing.T) {
	p := backoff.Policy{Min: 10 * time.Second, Max: time.Minute, Jitter: 0.25}
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := p.Delay(0)
		if d < 7500*time.Millisecond || d > 12500*time.Millisecond {
			t.Fatalf("Delay(0) = %v, outside 10 s ± 25 %%", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Fatalf("jitter gave only %d distinct delays in 1000", len(seen))
	}
	if d := (backoff.Policy{Min: time.Second, Jitter: -1}).Delay(0); d != time.Second {
		t.Fatalf("no jitter: Delay(0) = %v, want 1s", d)
	}
}

func TestAfterHonoursRetryAfter(t *testing.T) {
	p := backoff.Policy{Min: time.Second, Max: 2 * time.Second}
	if d := p.After(0, 5*time.Minute); d != 5*time.Minute {
		t.Fatalf("After(0, 5m) = %v, want the server's 5m even beyond Max", d)
	}
	if d := p.After(3, 0); d > 2400*time.Millisecond || d < 1600*time.Millisecond {
		t.Fatalf("After(3, 0) = %v, want the capped delay", d)
	}
}

func TestZeroPolicyHasDefaults(t *testing.T) {
	var p backoff.Policy
	if p.Base(0) != time.Second || p.Base(10) != 30*time.Second {
		t.Fatalf("zero policy: Base(0)=%v Base(10)=%v", p.Base(0), p.Base(10))
	}
}
