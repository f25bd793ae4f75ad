package reductotest

import (
	"net/http"
	"strings"
)

// ServeHTTP applies injected faults, the edge rate limit and auth, routes
// the request and records it for assertions.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := s.clk.Now()
	f := s.takeFault(r)
	switch {
	case f != nil && f.Drop == DropBefore:
		// Record first: the client may look before this handler returns.
		s.record(r, 0, at, true)
		hijackClose(w)
		return
	case f != nil && f.Drop == NoDrop && f.Status != 0:
		s.answerFault(w, f)
		s.record(r, f.Status, at, false)
		return
	case f != nil && f.Drop == DropAfter:
		bw := &blackhole{h: http.Header{}}
		s.serveAPI(bw, r)
		s.record(r, 0, at, true)
		hijackClose(w)
		return
	}
	sw := &statusWriter{ResponseWriter: w}
	s.serveAPI(sw, r)
	s.record(r, sw.status(), at, false)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	side := isSideChannel(r.URL.Path)
	if !side && s.edge != nil {
		s.mu.Lock()
		ok, wait := s.edge.take(s.clk.Now())
		s.mu.Unlock()
		if !ok {
			writeRateLimited(w, "[CODE 1000] rate limit exceeded, retry with exponential backoff", wait.Milliseconds()+1)
			return
		}
	}
	if !side && s.cfg.APIKey != "" {
		h := r.Header.Get("Authorization")
		tok, found := strings.CutPrefix(h, "Bearer ")
		if !found || strings.TrimSpace(tok) != s.cfg.APIKey {
			writeDetail(w, http.StatusUnauthorized, "Invalid or missing API key")
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// blackhole swallows a response that will never be sent (DropAfter).
type blackhole struct{ h http.Header }

func (b *blackhole) Header() http.Header         { return b.h }
func (b *blackhole) Write(p []byte) (int, error) { return len(p), nil }
func (b *blackhole) WriteHeader(int)             {}
