package account

import (
	"context"
	"fmt"
	"time"

	"github.com/reductotray/reducto-tray/jobs/store"
)

// stateBudget remembers the month ("2006-01") whose budget notification
// was shown, so it is shown once a month, across restarts.
const stateBudget = "budget_notified"

// Budget watches this month's credits (the history's and the account's
// jobs) against a monthly budget and announces, once a month, when they
// cross it.
type Budget struct {
	Store *store.Store
	// Limit returns the budget in credits in force; 0 means none.
	Limit func() float64
	// Announce shows the notification.
	Announce func(title, body string) error
	// Now is the clock; nil = time.Now.
	Now func() time.Time
}

// MonthUsage sums this month's credits and pages (local month of now).
func MonthUsage(ctx context.Context, st *store.Store, now time.Time) (credits float64, pages int64, err error) {
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	u, err := st.Usage(ctx, from, from.AddDate(0, 1, 0), now.Location())
	if err != nil {
		return 0, 0, err
	}
	t := u.Total()
	return t.Credits, t.Pages, nil
}

// Check announces the crossing if this month's credits reached the budget
// and it was not announced this month yet; it reports whether it did.
// Call it after a job's usage is recorded.
func (b *Budget) Check(ctx context.Context) (bool, error) {
	limit := b.Limit()
	if limit <= 0 {
		return false, nil
	}
	now := time.Now()
	if b.Now != nil {
		now = b.Now()
	}
	credits, pages, err := MonthUsage(ctx, b.Store, now)
	if err != nil {
		return false, fmt.Errorf("check the monthly budget: %w", err)
	}
	if credits < limit {
		return false, nil
	}
	// Claimed before it is shown: two checks racing show it once, and a
	// notification server that is down does not make it repeat all month.
	first, err := b.Store.SetStateIf(ctx, stateBudget, now.Format("2006-01"))
	if err != nil || !first {
		return false, err
	}
	body := fmt.Sprintf("%s credits used in %s (%d pages), over the monthly budget of %s.",
		FormatCredits(credits), now.Format("January"), pages, FormatCredits(limit))
	if err := b.Announce("Monthly credit budget reached", body); err != nil {
		return true, fmt.Errorf("announce the monthly budget: %w", err)
	}
	return true, nil
}

// FormatCredits prints credits without a useless fraction: 12, 12.5.
func FormatCredits(c float64) string {
	if c == float64(int64(c)) {
		return fmt.Sprintf("%d", int64(c))
	}
	return fmt.Sprintf("%.1f", c)
}
