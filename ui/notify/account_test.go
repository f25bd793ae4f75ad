package notify

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func accountEvent(id int64, label string, st jobs.Status) jobs.Event {
	ev := outcomeEvent(id, label, st, "")
	ev.Account = true
	return ev
}

// Account jobs follow their own rule, and their ids never collide with
// the history's.
func TestAccountJobsFollowTheirOwnRule(t *testing.T) {
	h := start(t, Config{})
	h.n.SetMode(All)
	h.n.SetAccountMode(FailuresOnly)
	h.push(accountEvent(1, "shared.pdf", jobs.StatusCompleted)) // not wanted
	h.push(outcomeEvent(1, "/d/mine.pdf", jobs.StatusCompleted, ""))
	if got := h.expect(1)[0]; got.Summary != "mine.pdf completed" {
		t.Fatalf("summary %q: history job 1 must not be taken for account job 1", got.Summary)
	}
}

func TestAccountModeOffSilencesOnlyAccountJobs(t *testing.T) {
	h := start(t, Config{})
	h.n.SetMode(FailuresOnly)
	h.n.SetAccountMode(Off)
	h.push(accountEvent(7, "colleague.pdf", jobs.StatusFailed))
	h.push(outcomeEvent(8, "/d/broken.pdf", jobs.StatusFailed, "corrupt"))
	if got := h.expect(1)[0]; got.Summary != "broken.pdf failed" {
		t.Fatalf("summary %q", got.Summary)
	}
}
