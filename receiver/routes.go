package receiver

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The receiver's paths (the contract).
const (
	PathSvix         = "/webhooks/svix"
	PathDirectPrefix = "/webhooks/direct/"
	PathHealth       = "/healthz"
)

// ServeHTTP routes by exact path. A hand-written router rather than
// http.ServeMux so that no path ever answers a redirect (which Svix counts
// as a failure) and a wrong direct token looks exactly like an unknown path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == PathSvix:
		if !allow(w, r, http.MethodPost) {
			s.counters.reject(ReasonMethod)
			return
		}
		s.serveSvix(w, r)
	case strings.HasPrefix(p, PathDirectPrefix) && validSegment(p[len(PathDirectPrefix):]):
		if !allow(w, r, http.MethodPost) {
			s.counters.reject(ReasonMethod)
			return
		}
		s.serveDirect(w, r, p[len(PathDirectPrefix):])
	case p == PathHealth:
		if !allow(w, r, http.MethodGet, http.MethodHead) {
			s.counters.reject(ReasonMethod)
			return
		}
		if !s.hostAllowed(r.Host) {
			s.counters.reject(ReasonHost)
			s.log.Debug("healthz refused for an unknown Host", "host", r.Host, "remote", r.RemoteAddr)
			http.Error(w, "misdirected request", http.StatusMisdirectedRequest)
			return
		}
		s.serveHealth(w, r)
	default:
		s.counters.reject(ReasonNotFound)
		http.NotFound(w, r)
	}
}

// validSegment reports whether seg is one non-empty path segment.
func validSegment(seg string) bool {
	return seg != "" && !strings.Contains(seg, "/")
}

// allow answers 405 with an Allow header unless r uses one of methods.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// serveHealth reports liveness plus the caller's extra fields (engine jobs
// in flight, relay state). Extra fields override the defaults, except
// "status".
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{
		"version":        s.cfg.Version,
		"uptime_seconds": int64(s.clock.Now().Sub(s.started).Seconds()),
		"jobs_in_flight": 0,
		"webhooks":       s.Stats(),
	}
	if s.cfg.Health != nil {
		for k, v := range s.cfg.Health() {
			body[k] = v
		}
	}
	body["status"] = "ok"
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if err := json.NewEncoder(w).Encode(body); err != nil {
		s.log.Debug("write healthz", "err", err)
	}
}
