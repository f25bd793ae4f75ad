package reductotest

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// FaultKind is one kind of misbehaviour Flaky chooses from.
type FaultKind int

// Fault kinds for Flaky.Kinds.
const (
	// Fault503 answers 503 with Retry-After without handling the request
	// (nothing is created), repeated for Flaky.Burst requests.
	Fault503 FaultKind = iota + 1
	// FaultResetBefore closes the connection before the request has any
	// effect.
	FaultResetBefore
	// FaultResetAfter handles the request (a submission creates its job,
	// an upload its file) and then closes the connection unanswered.
	FaultResetAfter
	// Fault429 answers 429 with Retry-After, as Reducto's edge limit does.
	Fault429
)

// AllFaultKinds are the kinds Flaky uses when Kinds is empty.
var AllFaultKinds = []FaultKind{Fault503, FaultResetBefore, FaultResetAfter, Fault429}

// Flaky makes the API misbehave at random on every API endpoint (upload,
// submissions, GET /job, GET /jobs, cancel, ...; not the presigned and
// result URLs, which are another host in reality), for an end-to-end test
// of an unreliable API. Faults injected with Inject still come first.
type Flaky struct {
	// Rate is the fraction (0..1) of API requests that start a fault; 0
	// turns flaky mode off.
	Rate float64
	// For is how long (on the simulator's clock, from SetFlaky or the
	// server's creation) the API stays flaky; 0 = until SetFlaky(Flaky{}).
	For time.Duration
	// Outage, when set, is a first stretch of the flaky period during
	// which every API request faults (an outage of a minute, say), before
	// Rate applies.
	Outage time.Duration
	// Kinds are the faults chosen from, uniformly; empty = AllFaultKinds.
	Kinds []FaultKind
	// Burst is how many consecutive API requests a 503 lasts (an outage,
	// not a blip); default 1.
	Burst int
	// RetryAfter is sent with 429 and 503 answers; default 1 s. Negative
	// sends none.
	RetryAfter time.Duration
	// Seed makes the choice of requests and faults repeatable; 0 = random.
	Seed uint64
}

// flakyState is the active Flaky configuration (guarded by Server.mu).
type flakyState struct {
	cfg      Flaky
	until    time.Time // zero: no end
	outage   time.Time // every request faults before this
	rng      *rand.Rand
	burst    int // 503s still owed to the current burst
	injected int // faults flaky mode has caused
}

// SetFlaky switches flaky mode on (f.Rate > 0) or off (the zero Flaky),
// replacing any earlier setting.
func (s *Server) SetFlaky(f Flaky) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setFlakyLocked(f, s.clk.Now())
}

func (s *Server) setFlakyLocked(f Flaky, now time.Time) {
	if f.Burst <= 0 {
		f.Burst = 1
	}
	if f.RetryAfter == 0 {
		f.RetryAfter = time.Second
	}
	if len(f.Kinds) == 0 {
		f.Kinds = AllFaultKinds
	}
	seed := f.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	st := flakyState{cfg: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	if f.For > 0 {
		st.until = now.Add(f.For)
	}
	if f.Outage > 0 {
		st.outage = now.Add(f.Outage)
	}
	s.flaky = st
}

// FlakyFaults returns how many faults flaky mode has caused so far.
func (s *Server) FlakyFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flaky.injected
}

// flakyFaultLocked decides whether flaky mode hits this request, and how.
func (s *Server) flakyFaultLocked(r *http.Request, now time.Time) *Fault {
	fl := &s.flaky
	if (fl.cfg.Rate <= 0 && fl.outage.IsZero()) || isSideChannel(r.URL.Path) {
		return nil
	}
	if !fl.until.IsZero() && !now.Before(fl.until) {
		fl.cfg.Rate, fl.outage = 0, time.Time{} // the flaky period is over
		return nil
	}
	ra := max(fl.cfg.RetryAfter, 0)
	if fl.burst > 0 {
		fl.burst--
		fl.injected++
		return &Fault{Status: http.StatusServiceUnavailable, RetryAfter: ra}
	}
	if now.Before(fl.outage) {
		// An outage: every request faults.
	} else if fl.rng.Float64() >= fl.cfg.Rate {
		return nil
	}
	fl.injected++
	switch fl.cfg.Kinds[fl.rng.IntN(len(fl.cfg.Kinds))] {
	case Fault503:
		fl.burst = fl.cfg.Burst - 1
		return &Fault{Status: http.StatusServiceUnavailable, RetryAfter: ra}
	case FaultResetBefore:
		return &Fault{Drop: DropBefore}
	case FaultResetAfter:
		return &Fault{Drop: DropAfter}
	default:
		return &Fault{Status: http.StatusTooManyRequests, RetryAfter: ra}
	}
}
