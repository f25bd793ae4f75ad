package ui

import (
	"context"

	"github.com/reductotray/reducto-tray/jobs"
)

// Helpers only tests call; the app itself never needs them.

// rowAt returns the row widget drawn at position i; nil when it is not
// on screen.
func (l *JobList) rowAt(i int) *jobRow { return l.visible[i] }

// reset takes a new snapshot for q.
func (p *pager) reset(ctx context.Context, q jobs.Query) error {
	return p.resetFor(ctx, q, p.want(q))
}

// current is the row of the current match, or -1.
func (p *parseView) current() int {
	if p.cur < 0 {
		return -1
	}
	return p.hits[p.cur]
}
