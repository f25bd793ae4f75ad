package reductotest

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// fileRec is one upload the simulator knows. Bytes are counted, not kept
// (but for a bounded number of PDFs, for edit jobs), so a long sandbox
// session costs a few bytes per upload.
type fileRec struct {
	ID       string    `json:"id"` // reducto://<uuid>.<ext>
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Uploaded bool      `json:"uploaded"` // false until the presigned PUT arrives
	Created  time.Time `json:"created"`

	// layout is the upload's real text when Config.Layout read it (not
	// persisted: a restarted sandbox makes blocks up for older uploads).
	layout []LayoutPage
	// data is a PDF upload's bytes, kept (within bounds) for edit jobs
	// to fill (edit.go); not persisted.
	data []byte
}

// job is one simulated job. Its status is not stored while it runs: it is
// derived from the clock on every read (see phaseLocked), so idle costs
// nothing. Exported fields are what the state file persists.
type job struct {
	ID        string                 `json:"id"`
	Seq       int64                  `json:"seq"` // creation order; the /jobs cursor
	Kind      string                 `json:"kind"`
	Input     string                 `json:"input"`
	FileName  string                 `json:"file_name"`
	FileSize  int64                  `json:"file_size"`
	RawConfig json.RawMessage        `json:"raw_config"`
	Metadata  json.RawMessage        `json:"metadata,omitempty"`
	Webhook   *reducto.WebhookConfig `json:"webhook,omitempty"`
	Created   time.Time              `json:"created"`  // clock time
	StartV    time.Time              `json:"start_v"`  // virtual (pause-adjusted) start
	Dur       time.Duration          `json:"duration"` // virtual run time
	Idle      bool                   `json:"idle"`
	Batch     bool                   `json:"batch,omitempty"` // settings.queue_priority "batch"
	Fail      bool                   `json:"fail"`
	Reason    string                 `json:"reason,omitempty"`
	Pages     int                    `json:"pages"`
	// Layout is the document's real text by page (Config.Layout); a parse
	// result's blocks are its lines when set.
	Layout    []LayoutPage    `json:"layout,omitempty"`
	Expired   bool            `json:"expired,omitempty"`
	Deleted   bool            `json:"deleted,omitempty"` // DELETE /job: 409, then 410
	DeletedAt time.Time       `json:"deleted_at,omitzero"`
	Final     string          `json:"final,omitempty"` // terminal status once reached
	FinalAt   time.Time       `json:"final_at,omitzero"`
	Result    json.RawMessage `json:"result,omitempty"`
	ResultID  string          `json:"result_id,omitempty"` // URL-form result, if any
	// WebhookPending is true while a notification has not been delivered
	// and has attempts left; a restarted sandbox redelivers it.
	WebhookPending bool       `json:"webhook_pending,omitempty"`
	NextAttempt    int        `json:"next_attempt,omitempty"` // 0-based index of the next attempt
	MsgID          string     `json:"msg_id,omitempty"`       // svix-id of the notification
	LastTS         int64      `json:"last_ts,omitempty"`      // last svix-timestamp sent
	Deliveries     []Delivery `json:"deliveries,omitempty"`

	armed bool // a delivery attempt is scheduled (not persisted)
}

// simState is everything the simulator remembers.
type simState struct {
	files map[string]*fileRec
	// presigned maps a presigned upload's id to its file id.
	presigned map[string]string
	jobs      map[string]*job
	order     []*job // creation order, oldest first
	seq       int64
	// results holds URL-form results by result id.
	results    map[string]json.RawMessage
	urlResults int // URL-form results served so far; picks the next shape
	// edited holds edit jobs' outcomes; kept and filled bound the bytes
	// of the uploads kept to fill and of the filled documents (edit.go).
	edited map[string]editOutcome
	kept   bytesFIFO
	filled bytesFIFO
}

func newSimState() simState {
	return simState{
		files:     map[string]*fileRec{},
		presigned: map[string]string{},
		jobs:      map[string]*job{},
		results:   map[string]json.RawMessage{},
		edited:    map[string]editOutcome{},
	}
}

// pauseState freezes job progress: virtual time stops while paused.
type pauseState struct {
	paused bool
	since  time.Time
	total  time.Duration
}

// vtLocked is the pause-adjusted time jobs progress on.
func (s *Server) vtLocked(now time.Time) time.Time {
	v := now.Add(-s.pause.total)
	if s.pause.paused {
		v = v.Add(-now.Sub(s.pause.since))
	}
	return v
}

// SetPaused freezes (true) or resumes (false) the progress of every job;
// jobs submitted while paused stay Pending.
func (s *Server) SetPaused(paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.Now()
	if paused == s.pause.paused {
		return
	}
	if paused {
		s.pause.paused, s.pause.since = true, now
		return
	}
	s.pause.total += now.Sub(s.pause.since)
	s.pause.paused = false
	s.rescheduleAllLocked()
	s.notifyLocked()
}

func stableHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func defaultDuration(id string) time.Duration {
	return 2*time.Second + time.Duration(stableHash(id)%2000)*time.Millisecond
}

// expiredLocked reports whether a job is gone the way Reducto's jobs go
// after about 12 hours.
func (s *Server) expiredLocked(j *job, now time.Time) bool {
	return j.Expired || j.Deleted || now.Sub(j.Created) > s.cfg.JobTTL
}

// lookupLocked returns a live job or nil.
func (s *Server) lookupLocked(id string, now time.Time) *job {
	j := s.state.jobs[id]
	if j == nil || s.expiredLocked(j, now) {
		return nil
	}
	return j
}

// phaseLocked derives a job's status and progress (0-100) at now, and
// finalizes the job the first time it is seen terminal.
func (s *Server) phaseLocked(j *job, now time.Time) (status string, progress float64) {
	if j.Final != "" {
		return j.Final, 100
	}
	el := s.vtLocked(now).Sub(j.StartV)
	if el >= j.Dur {
		s.finalizeLocked(j, now)
		return j.Final, 100
	}
	f := float64(el) / float64(j.Dur)
	start := 0.2
	if j.Idle {
		if f < 0.1 {
			return reducto.JobPending, 0
		}
		start = 0.25
		if f < start {
			return reducto.JobIdle, 0
		}
	} else if f < start {
		return reducto.JobPending, 0
	}
	p := (f - start) / (1 - start) * 100
	return reducto.JobInProgress, math.Round(p*10) / 10
}

// finalizeLocked records a job's terminal status, builds its result and
// schedules its webhook notifications.
func (s *Server) finalizeLocked(j *job, now time.Time) {
	if j.Final != "" {
		return
	}
	j.FinalAt = now
	if j.Fail {
		j.Final = reducto.JobFailed
	} else {
		j.Final = reducto.JobCompleted
		j.Result = s.buildResultLocked(j)
	}
	s.log.Debug("reductotest: job ended", "job", j.ID, "kind", j.Kind, "status", j.Final)
	s.scheduleNotificationLocked(j, now)
	s.dirtyLocked()
	s.notifyLocked()
}

// scheduleCheckLocked arranges for the job to be finalized when it is due,
// so its webhook fires even if nobody polls.
func (s *Server) scheduleCheckLocked(j *job, now time.Time) {
	if j.Final != "" || s.pause.paused {
		return
	}
	remaining := j.Dur - s.vtLocked(now).Sub(j.StartV)
	if remaining < 0 {
		remaining = 0
	}
	id := j.ID
	s.sched.add(now.Add(remaining), func() { s.checkJob(id) })
}

func (s *Server) checkJob(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.state.jobs[id]
	if j == nil || j.Final != "" {
		return
	}
	now := s.clk.Now()
	if st, _ := s.phaseLocked(j, now); !reducto.IsTerminal(st) {
		// Woken early (a pause happened in between): wait for the rest.
		s.scheduleCheckLocked(j, now)
	}
}

// rescheduleAllLocked re-arms completion checks and pending deliveries,
// after a resume or a restart from the state file.
func (s *Server) rescheduleAllLocked() {
	if s.sched == nil {
		return
	}
	now := s.clk.Now()
	for _, j := range s.state.order {
		if s.expiredLocked(j, now) {
			continue
		}
		if j.Final == "" {
			s.scheduleCheckLocked(j, now)
		} else if j.WebhookPending && !j.armed {
			s.resumeNotificationLocked(j, now)
		}
	}
}

// purgeExpiredLocked forgets expired jobs, oldest first, so a long-running
// sandbox does not grow without bound.
func (s *Server) purgeExpiredLocked(now time.Time) {
	n := 0
	for n < len(s.state.order) && now.Sub(s.state.order[n].Created) > s.cfg.JobTTL {
		j := s.state.order[n]
		delete(s.state.jobs, j.ID)
		delete(s.state.results, j.ResultID)
		n++
	}
	if n > 0 {
		s.state.order = append([]*job(nil), s.state.order[n:]...)
	}
}

// ExpireJob makes a job answer 404 as if Reducto had expired it. It
// reports whether the job existed.
func (s *Server) ExpireJob(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.state.jobs[id]
	if j == nil {
		return false
	}
	j.Expired = true
	s.dirtyLocked()
	s.notifyLocked()
	return true
}

// FailNext makes the next submitted job fail with reason.
func (s *Server) FailNext(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, reason)
}
