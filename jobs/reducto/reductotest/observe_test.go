package reductotest

import (
	"fmt"
	"net/http"
	"testing"
)

// TestRequestLogKeepsTheLatestOldestFirst fills the request log past its
// size: it keeps the latest RequestLogSize requests, oldest first, while the
// counters count them all.
func TestRequestLogKeepsTheLatestOldestFirst(t *testing.T) {
	s := newTest(t, Config{RequestLogSize: 3})
	if log := s.RequestLog(); len(log) != 0 {
		t.Fatalf("a new simulator logged %d requests", len(log))
	}
	for i := range 5 {
		call(t, s, http.MethodGet, fmt.Sprintf("/job/missing-%d", i), nil)
		log := s.RequestLog()
		if want := min(i+1, 3); len(log) != want {
			t.Fatalf("after %d requests the log holds %d, want %d", i+1, len(log), want)
		}
		if last := log[len(log)-1].Path; last != fmt.Sprintf("/job/missing-%d", i) {
			t.Fatalf("after %d requests the newest is %s", i+1, last)
		}
	}
	log := s.RequestLog()
	for i, want := range []string{"/job/missing-2", "/job/missing-3", "/job/missing-4"} {
		if log[i].Path != want || log[i].Status != http.StatusNotFound {
			t.Errorf("log[%d] = %s %d, want %s 404", i, log[i].Path, log[i].Status, want)
		}
	}
	if n := s.Requests("/job/"); n != 5 {
		t.Errorf("Requests counted %d, want 5", n)
	}
}
