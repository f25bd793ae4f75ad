package reductotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// RequestRecord is one request the simulator received.
type RequestRecord struct {
	Method  string
	Path    string
	Status  int // 0 when the connection was dropped
	At      time.Time
	Dropped bool
}

// observer keeps counters for every request and a bounded log of the
// latest ones, so a long sandbox session stays small.
type observer struct {
	mu       sync.Mutex
	byPath   map[string]int
	byStatus map[int]int
	ring     []RequestRecord // grows to size, then wraps
	size     int
	next     int
	full     bool
}

func (o *observer) init(size int) {
	o.byPath = map[string]int{}
	o.byStatus = map[int]int{}
	o.size = size // the ring grows as requests come: an idle sandbox holds none
}

func (s *Server) record(r *http.Request, status int, at time.Time, dropped bool) {
	o := &s.obs
	o.mu.Lock()
	o.byPath[r.URL.Path]++
	o.byStatus[status]++
	rec := RequestRecord{Method: r.Method, Path: r.URL.Path, Status: status, At: at, Dropped: dropped}
	if len(o.ring) < o.size {
		o.ring = append(o.ring, rec)
	} else {
		o.ring[o.next] = rec
	}
	o.next = (o.next + 1) % o.size
	if o.next == 0 {
		o.full = true
	}
	o.mu.Unlock()
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
}

// Requests counts the requests whose path starts with pathPrefix
// ("" counts all), including rejected and dropped ones.
func (s *Server) Requests(pathPrefix string) int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	n := 0
	for p, c := range s.obs.byPath {
		if strings.HasPrefix(p, pathPrefix) {
			n += c
		}
	}
	return n
}

// CountStatus counts the responses with this status (0 = dropped).
func (s *Server) CountStatus(code int) int {
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	return s.obs.byStatus[code]
}

// Count429 counts 429 answers, injected or from the rate limiters.
func (s *Server) Count429() int { return s.CountStatus(http.StatusTooManyRequests) }

// RequestLog returns the latest requests (up to Config.RequestLogSize),
// oldest first.
func (s *Server) RequestLog() []RequestRecord {
	o := &s.obs
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.full {
		return append([]RequestRecord(nil), o.ring[:o.next]...)
	}
	out := append([]RequestRecord(nil), o.ring[o.next:]...)
	return append(out, o.ring[:o.next]...)
}

// JobInfo is what tests can see of a simulated job.
type JobInfo struct {
	ID        string
	Kind      string // parse, extract, split
	Status    string // Reducto's word at the time of the call
	Input     string
	FileName  string
	Metadata  json.RawMessage // async.metadata as submitted; nil if none
	RawConfig string          // the submitted body
	Webhook   *reducto.WebhookConfig
	Created   time.Time
	Duration  time.Duration
	Reason    string // failure reason
	Expired   bool
	Deleted   bool // deleted (DELETE /job or DeleteJob): answers 409, then 410
	// DeliveryAttempts and DeliverySuccesses count webhook attempts.
	DeliveryAttempts  int
	DeliverySuccesses int
}

func (s *Server) infoLocked(j *job, now time.Time) JobInfo {
	st, _ := s.phaseLocked(j, now)
	ji := JobInfo{ID: j.ID, Kind: j.Kind, Status: st, Input: j.Input, FileName: j.FileName,
		Metadata: j.Metadata, RawConfig: string(j.RawConfig), Webhook: j.Webhook, Created: j.Created,
		Duration: j.Dur, Expired: s.expiredLocked(j, now), Deleted: j.Deleted}
	if j.Fail {
		ji.Reason = j.Reason
	}
	for _, d := range j.Deliveries {
		ji.DeliveryAttempts++
		if d.OK() {
			ji.DeliverySuccesses++
		}
	}
	return ji
}

// Jobs returns every job the simulator holds (expired ones included until
// purged), oldest first.
func (s *Server) Jobs() []JobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	out := make([]JobInfo, 0, len(s.state.order))
	for _, j := range s.state.order {
		out = append(out, s.infoLocked(j, now))
	}
	return out
}

// Job returns one job by id.
func (s *Server) Job(id string) (JobInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.state.jobs[id]
	if j == nil {
		return JobInfo{}, false
	}
	return s.infoLocked(j, s.clk.Now()), true
}

// JobsWithMetadata returns the jobs whose async.metadata is an object with
// key set to value (compared as JSON: a string value matches "value").
func (s *Server) JobsWithMetadata(key string, value any) []JobInfo {
	want, err := json.Marshal(value)
	if err != nil {
		return nil
	}
	var out []JobInfo
	for _, ji := range s.Jobs() {
		var m map[string]json.RawMessage
		if json.Unmarshal(ji.Metadata, &m) != nil {
			continue
		}
		var got bytes.Buffer
		if v, ok := m[key]; ok && json.Compact(&got, v) == nil && bytes.Equal(got.Bytes(), want) {
			out = append(out, ji)
		}
	}
	return out
}

// ErrTimeout is returned by WaitFor when the condition did not hold in time.
var ErrTimeout = errors.New("reductotest: condition not met before the deadline")

// WaitFor waits up to timeout (real time) until cond returns true. cond is
// re-evaluated whenever the simulator's state changes (a request, a job
// reaching its end, a webhook attempt), and at least every 50 ms because
// a job's status also changes with the clock alone.
func (s *Server) WaitFor(timeout time.Duration, cond func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-deadline.C:
			if cond() {
				return nil
			}
			return ErrTimeout
		}
	}
}

// WaitForStatus waits until job id has Reducto status word status.
func (s *Server) WaitForStatus(id, status string, timeout time.Duration) error {
	return s.WaitFor(timeout, func() bool {
		ji, ok := s.Job(id)
		return ok && ji.Status == status
	})
}
