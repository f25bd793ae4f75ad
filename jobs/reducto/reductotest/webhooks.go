package reductotest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	svix "github.com/svix/svix-webhooks/go"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Delivery is one webhook attempt the simulator made.
type Delivery struct {
	JobID     string    `json:"job_id"`
	Mode      string    `json:"mode"` // "svix" or "direct"
	URL       string    `json:"url"`
	MsgID     string    `json:"msg_id,omitempty"` // svix-id; stable across retries
	Attempt   int       `json:"attempt"`          // 1 for the first
	At        time.Time `json:"at"`               // simulator clock
	Timestamp int64     `json:"timestamp,omitempty"`
	Status    int       `json:"status"` // 0 on a transport error
	Err       string    `json:"err,omitempty"`
}

// OK reports whether the receiver accepted the attempt (2xx).
func (d Delivery) OK() bool { return d.Status >= 200 && d.Status < 300 }

// svixEndpoint is the one endpoint configured in the simulated Svix portal.
type svixEndpoint struct {
	url      string
	signer   *svix.Webhook
	channels []string
}

// SetSvixEndpoint (re)configures where Svix-mode notifications go, as a
// user would in the Svix portal; an empty url removes the endpoint.
func (s *Server) SetSvixEndpoint(url, secret string, channels []string) error {
	ep := svixEndpoint{url: url, channels: slices.Clone(channels)}
	if url != "" {
		if secret == "" {
			return fmt.Errorf("svix endpoint %s: a signing secret (whsec_...) is required", url)
		}
		wh, err := svix.NewWebhook(secret)
		if err != nil {
			return fmt.Errorf("svix secret: %w", err)
		}
		ep.signer = wh
	}
	s.mu.Lock()
	s.svix = ep
	s.mu.Unlock()
	return nil
}

// Deliveries returns the webhook attempts made for a job, oldest first.
func (s *Server) Deliveries(jobID string) []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.state.jobs[jobID]; j != nil {
		return slices.Clone(j.Deliveries)
	}
	return nil
}

// AllDeliveries returns every webhook attempt of every job held.
func (s *Server) AllDeliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Delivery
	for _, j := range s.state.order {
		out = append(out, j.Deliveries...)
	}
	return out
}

func channelsMatch(endpoint, job []string) bool {
	if len(endpoint) == 0 || len(job) == 0 {
		return true
	}
	for _, c := range job {
		if slices.Contains(endpoint, c) {
			return true
		}
	}
	return false
}

// newMsgID returns a Svix-style message id.
func newMsgID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 27)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "msg_" + string(b)
}

// scheduleNotificationLocked starts the notification of a job that has
// just completed or failed, if it asked for one.
func (s *Server) scheduleNotificationLocked(j *job, now time.Time) {
	if j.Webhook == nil || (j.Final != reducto.JobCompleted && j.Final != reducto.JobFailed) {
		return
	}
	switch j.Webhook.Mode {
	case "svix":
		if s.svix.url == "" || !channelsMatch(s.svix.channels, j.Webhook.Channels) {
			return
		}
		j.MsgID = newMsgID()
	case "direct":
	default:
		return
	}
	j.WebhookPending = true
	j.NextAttempt = 0
	s.armLocked(j, now)
}

// resumeNotificationLocked re-arms a pending notification after a restart.
func (s *Server) resumeNotificationLocked(j *job, now time.Time) { s.armLocked(j, now) }

func (s *Server) armLocked(j *job, at time.Time) {
	j.armed = true
	id := j.ID
	s.sched.add(at, func() {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.attempt(id)
		}()
	})
}

// attempt makes one delivery attempt and schedules the next on failure.
// Svix signs every attempt anew (new timestamp and signature) under the
// same svix-id.
func (s *Server) attempt(id string) {
	s.mu.Lock()
	j := s.state.jobs[id]
	if j == nil || !j.WebhookPending {
		s.mu.Unlock()
		return
	}
	n := j.NextAttempt
	mode := j.Webhook.Mode
	target := j.Webhook.URL
	signer := s.svix.signer
	schedule := s.cfg.DirectRetrySchedule
	if mode == "svix" {
		target, schedule = s.svix.url, s.cfg.SvixRetrySchedule
	}
	body, _ := json.Marshal(reducto.WebhookPayload{Status: j.Final, JobID: j.ID, Metadata: j.Metadata})
	msgID := j.MsgID
	// Receivers check svix-timestamp against their wall clock (5-minute
	// tolerance), so it is wall time even on a scaled clock; it is kept
	// strictly increasing so every retry is visibly a new attempt.
	ts := max(time.Now().Unix(), j.LastTS+1)
	j.LastTS = ts
	s.mu.Unlock()

	d := Delivery{JobID: id, Mode: mode, URL: target, Attempt: n + 1, At: s.clk.Now()}
	abort := false
	if target == "" || (mode == "svix" && signer == nil) {
		d.Err = "no endpoint configured"
	} else {
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, target, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			if mode == "svix" {
				d.MsgID, d.Timestamp = msgID, ts
				sig, serr := signer.Sign(msgID, time.Unix(ts, 0), body)
				if serr != nil {
					err = fmt.Errorf("sign: %w", serr)
				}
				req.Header.Set("User-Agent", "Svix-Webhooks/1.81.0")
				req.Header.Set("svix-id", msgID)
				req.Header.Set("svix-timestamp", strconv.FormatInt(ts, 10))
				req.Header.Set("svix-signature", sig)
			} else {
				req.Header.Set("User-Agent", "Reducto-Webhooks/reductotest")
			}
		}
		if err == nil {
			var resp *http.Response
			resp, err = s.hc.Do(req)
			if err == nil {
				d.Status = resp.StatusCode
				abort = resp.Header.Get("webhook-delivery") == "abort-message"
				_ = resp.Body.Close()
			}
		}
		if err != nil {
			d.Err = err.Error()
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	j.Deliveries = append(j.Deliveries, d)
	s.log.Debug("reductotest: webhook attempt", "job", id, "mode", mode, "attempt", n+1, "status", d.Status, "err", d.Err)
	switch {
	case d.OK() || abort:
		j.WebhookPending, j.armed = false, false
	case n < len(schedule) && !s.isClosed():
		j.NextAttempt = n + 1
		s.armLocked(j, s.clk.Now().Add(schedule[n]))
	case s.isClosed():
		j.armed = false // a restarted sandbox retries this attempt
	default:
		j.WebhookPending, j.armed = false, false // exhausted
	}
	s.dirtyLocked()
	s.notifyLocked()
}

func (s *Server) isClosed() bool {
	select {
	case <-s.stopping:
		return true
	default:
		return false
	}
}
