package core

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// The delivery log's bounds besides the receiver's (receiver.LogLimits):
// records older than DeliveryLogDays go on the maintenance timer, and the
// log is kept within DeliveryLogMaxBytes there as well as by the writer.
const (
	DeliveryLogDays     = 14
	DeliveryLogMaxBytes = 32 << 20
)

// deliveriesPage is how many records `deliveries --json` reads at a time.
const deliveriesPage = 1000

// pruneDeliveryLog drops records older than DeliveryLogDays and trims the
// log to DeliveryLogMaxBytes, records whose forwards still wait included
// (the forwards are recorded as dropped, and said so in the log).
func (a *App) pruneDeliveryLog(ctx context.Context) {
	old, err := a.store.PruneDeliveryLog(ctx, time.Now().AddDate(0, 0, -DeliveryLogDays))
	var big jobs.LogTrimmed
	if err == nil {
		big, err = a.store.TrimDeliveryLog(ctx, DeliveryLogMaxBytes)
	}
	switch {
	case err != nil && ctx.Err() == nil:
		a.log.Warn("prune the webhook delivery log", "err", err)
	case old.Dropped+big.Dropped > 0:
		a.log.Warn("webhook delivery log pruned: forwards still waiting for their target were dropped",
			"forwards", old.Dropped+big.Dropped, "records", old.Removed+big.Removed)
	case old.Removed+big.Removed > 0:
		a.log.Info("pruned the webhook delivery log", "records", old.Removed+big.Removed)
	}
}

// deliveryJSON is one element of `deliveries --json` (the contract).
type deliveryJSON struct {
	ID         string         `json:"id"`
	ReceivedAt string         `json:"received_at"`
	Via        jobs.Via       `json:"via"`
	Verdict    jobs.Verdict   `json:"verdict"`
	JobID      *string        `json:"job_id"`
	Status     *string        `json:"status"`
	Forwards   []jobs.Forward `json:"forwards"`
}

func toDeliveryJSON(r jobs.DeliveryRecord) deliveryJSON {
	d := deliveryJSON{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC().Format(time.RFC3339), Via: r.Via, Verdict: r.Verdict,
		Forwards: r.Forwards}
	if r.JobID != "" {
		d.JobID = &r.JobID
	}
	if r.Status != "" {
		d.Status = &r.Status
	}
	if d.Forwards == nil {
		d.Forwards = []jobs.Forward{}
	}
	return d
}

// RunDeliveries is `reducto-tray deliveries [--json] [--limit N]`: the
// webhook delivery log, newest first, read from the database even while
// the app runs.
func RunDeliveries(args []string, stdout, stderr io.Writer) int {
	c := newReadCommand("deliveries", "--json, --limit N", "delivery log", "No webhook deliveries yet.")
	return c.run(args, stdout, stderr, func(st *store.Store) error {
		if *c.json {
			return printDeliveriesJSON(st, stdout)
		}
		return printDeliveriesTable(st, stdout, *c.limit, time.Now())
	})
}

// printDeliveriesJSON writes every record page by page, each page printed
// before the next is read, one compact element a line.
func printDeliveriesJSON(st *store.Store, w io.Writer) error {
	out := jobs.NewCompactJSONArrayWriter(w)
	for before := int64(0); ; {
		page, err := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{BeforeSeq: before, Limit: deliveriesPage})
		if err != nil {
			return fmt.Errorf("read delivery log: %w", err)
		}
		for _, r := range page {
			if err := out.WriteValue(toDeliveryJSON(r), "delivery "+r.ID); err != nil {
				return err
			}
		}
		if len(page) < deliveriesPage {
			break
		}
		before = page[len(page)-1].Seq
	}
	return out.Close()
}

// printDeliveriesTable writes the newest records as aligned columns.
func printDeliveriesTable(st *store.Store, w io.Writer, limit int, now time.Time) error {
	page, err := st.ListDeliveryLog(context.Background(), jobs.DeliveryFilter{Limit: limit})
	if err != nil {
		return fmt.Errorf("read delivery log: %w", err)
	}
	if len(page) == 0 {
		_, err := fmt.Fprintln(w, "No webhook deliveries yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEIVED\tVIA\tVERDICT\tJOB ID\tSTATUS\tID\tREASON")
	for _, r := range page {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", Ago(now, r.ReceivedAt), r.Via, r.Verdict, orDash(r.JobID),
			orDash(r.Status), clip(r.ID, 32), clip(orDash(r.Reason), 70))
	}
	return tw.Flush()
}
