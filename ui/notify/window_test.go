package notify

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestDecideSlidingWindow drives the burst logic with synthetic arrival
// times: no bus, no timers.
func TestDecideSlidingWindow(t *testing.T) {
	const w = 2 * time.Second
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	names := func(batches [][]waiting) [][]string {
		var out [][]string
		for _, b := range batches {
			var names []string
			for _, o := range b {
				names = append(names, o.name)
			}
			out = append(out, names)
		}
		return out
	}
	type step struct {
		now  float64
		want [][]string
	}
	cases := []struct {
		name     string
		arrivals []float64
		steps    []step
	}{
		{"lone outcome waits one window", []float64{0}, []step{
			{1.9, nil}, {2.0, [][]string{{"f0"}}},
		}},
		{"two close outcomes are two singles", []float64{0, 0.5}, []step{
			{2.0, [][]string{{"f0"}}}, {2.5, [][]string{{"f1"}}},
		}},
		{"three within the window are one burst", []float64{0, 0.1, 0.2}, []step{
			{2.0, nil}, {2.2, [][]string{{"f0", "f1", "f2"}}},
		}},
		{"the window slides past a lone first outcome", []float64{0, 1.5, 2.5, 3.0}, []step{
			{2.0, [][]string{{"f0"}}}, {3.5, nil}, {5.0, [][]string{{"f1", "f2", "f3"}}},
		}},
		{"spread out pairs stay singles", []float64{0, 1.9, 3.8}, []step{
			{2.0, [][]string{{"f0"}}}, {3.9, [][]string{{"f1"}}}, {5.8, [][]string{{"f2"}}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &runner{n: New(Config{BurstWindow: w, Sender: nopSender{}})}
			for i, s := range c.arrivals {
				r.pending = append(r.pending, waiting{outcome: outcome{id: int64(i), name: fmt.Sprintf("f%d", i)}, at: at(s)})
			}
			for _, st := range c.steps {
				if got := names(r.decide(at(st.now), false)); !reflect.DeepEqual(got, st.want) {
					t.Fatalf("at %.1fs got %v, want %v", st.now, got, st.want)
				}
			}
			if len(r.pending) != 0 {
				t.Errorf("%d outcomes left waiting", len(r.pending))
			}
		})
	}
}

// TestDecideSteadyStreamIsCapped checks that a stream with no quiet gap
// still yields a summary within 4 windows of the burst's start.
func TestDecideSteadyStreamIsCapped(t *testing.T) {
	const w = 2 * time.Second
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	r := &runner{n: New(Config{BurstWindow: w, Sender: nopSender{}})}
	var sent int
	for i := 0; i < 100; i++ { // one outcome every 0.5 s for 50 s
		now := t0.Add(time.Duration(i) * 500 * time.Millisecond)
		r.pending = append(r.pending, waiting{outcome: outcome{id: int64(i)}, at: now})
		for _, b := range r.decide(now, false) {
			if len(b) < 3 {
				t.Fatalf("batch of %d in a steady stream, want summaries", len(b))
			}
			sent += len(b)
			if span := now.Sub(b[0].at); span > 4*w {
				t.Fatalf("summary held its first outcome %s, want at most %s", span, 4*w)
			}
		}
	}
	for _, b := range r.decide(t0.Add(time.Hour), true) {
		sent += len(b)
	}
	if sent != 100 {
		t.Errorf("%d outcomes sent, want 100", sent)
	}
}

type nopSender struct{}

func (nopSender) Send(string, string) error { return nil }
