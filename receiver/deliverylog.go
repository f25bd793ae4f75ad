package receiver

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// RecordStore keeps the delivery log. *store.Store implements it.
type RecordStore interface {
	// AppendDeliveryLog writes records (and a queued forward per entry of
	// each record's Forwards) in one transaction; it returns their Seq and
	// the bytes they count for in the cap.
	AppendDeliveryLog(ctx context.Context, recs []jobs.DeliveryRecord) (seqs []int64, added int64, err error)
	// RecordLoggedDeliveries records delivery ids (as
	// DeliveryLog.RecordDeliveries) and, in the same transaction, the
	// records (and their queued forwards) logFor returns once each id's
	// freshness is known: the group commit of verified deliveries. logFor
	// is called once, with one freshness per id; without an error, fresh
	// has one per id and seqs one per record logFor returned, in order.
	RecordLoggedDeliveries(ctx context.Context, ids []string, logFor func(fresh []bool) []jobs.DeliveryRecord) (fresh []bool, seqs []int64, added int64, err error)
	// DeliveryLogBytes is the size the log counts for now.
	DeliveryLogBytes(ctx context.Context) (int64, error)
	// TrimDeliveryLog deletes the oldest rows down to maxBytes, rows
	// whose forwards still wait included (those forwards are dropped and
	// recorded as such).
	TrimDeliveryLog(ctx context.Context, maxBytes int64) (jobs.LogTrimmed, error)
}

// LogLimits bound the delivery log. Zero fields take the defaults.
type LogLimits struct {
	// BodyBytes is the largest body kept with an accepted or duplicate
	// record (default 64 KiB); a longer one is kept as its size only,
	// unless it still has to be forwarded.
	BodyBytes int
	// DetailedPerMinute is how many rejected requests a minute are kept
	// with their headers (default 60); the rest of a flood are summaries
	// (time, route, verdict, reason).
	DetailedPerMinute int
	// MaxBytes caps the whole log (default 32 MiB): past it the oldest
	// rows are deleted down to 90 % of it, also those whose forwards still
	// wait for a target that is down (their forwards are recorded as
	// dropped).
	MaxBytes int64
	// Pending bounds records waiting for the writer (default 4096). When
	// it is full rejected requests are not logged (counted in
	// Stats.LogDropped); accepted and duplicate ones wait for room.
	Pending int
}

func (l LogLimits) withDefaults() LogLimits {
	if l.BodyBytes <= 0 {
		l.BodyBytes = 64 << 10
	}
	if l.DetailedPerMinute <= 0 {
		l.DetailedPerMinute = 60
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 32 << 20
	}
	if l.Pending <= 0 {
		l.Pending = 4096
	}
	return l
}

// logBatchMax caps records per AppendDeliveryLog call; logLinger is how
// long a batch stays open for more. Measured with BenchmarkReceiver
// (persisted-logged): without lingering the log's many small commits took
// the write connection from the group commit and cost a third of the
// throughput.
const (
	logBatchMax = 512
	logLinger   = 20 * time.Millisecond
)

// logWriter writes the records of rejected requests off the request path:
// handlers hand a record over a bounded channel and answer at once; one
// goroutine writes what has gathered in one transaction. It never holds
// more than Pending records. The records of verified deliveries are
// written by the group commit with their ids (batcher) and handed here
// once committed. For both, this goroutine keeps the log under its cap and
// tells OnRecorded.
type logWriter struct {
	store   RecordStore
	limits  LogLimits
	notify  func([]jobs.DeliveryRecord)
	log     *slog.Logger
	in      chan *jobs.DeliveryRecord // pointers: a 4096-record buffer of values is 1 MiB held from start
	done    chan struct{}
	dropped atomic.Uint64
	written atomic.Uint64
	// forwardsDropped counts forwards the size cap gave up unsent.
	forwardsDropped atomic.Uint64

	// The detailed-rejection budget of the current minute.
	budgetMu     sync.Mutex
	budgetMinute int64
	budgetUsed   int

	// Batches the group commit wrote, waiting for the cap and OnRecorded;
	// kick (buffered 1) wakes the writer for them.
	commitMu sync.Mutex
	commits  []committedBatch
	kick     chan struct{}

	total     int64 // bytes the log counts for; -1 until read
	failedLog bool  // a write failure was logged and not yet followed by a success
}

func newLogWriter(st RecordStore, limits LogLimits, notify func([]jobs.DeliveryRecord), log *slog.Logger) *logWriter {
	limits = limits.withDefaults()
	w := &logWriter{store: st, limits: limits, notify: notify, log: log,
		in: make(chan *jobs.DeliveryRecord, limits.Pending), done: make(chan struct{}),
		kick: make(chan struct{}, 1), total: -1}
	go w.run()
	return w
}

// detailed reports whether a rejected request at t may be kept with its
// headers, spending one from this minute's budget.
func (w *logWriter) detailed(t time.Time) bool {
	m := t.Unix() / 60
	w.budgetMu.Lock()
	defer w.budgetMu.Unlock()
	if m != w.budgetMinute {
		w.budgetMinute, w.budgetUsed = m, 0
	}
	if w.budgetUsed >= w.limits.DetailedPerMinute {
		return false
	}
	w.budgetUsed++
	return true
}

// add hands r to the writer. A rejected record is dropped (and counted)
// when the writer is behind; an accepted or duplicate one waits for room,
// because its forwards must not be lost, and only a writer slower than
// verified deliveries arrive can make it wait.
func (w *logWriter) add(r jobs.DeliveryRecord) {
	select {
	case w.in <- &r:
		return
	default:
	}
	if r.Verdict != jobs.VerdictAccepted && r.Verdict != jobs.VerdictDuplicate {
		w.dropped.Add(1)
		return
	}
	w.in <- &r
}

// committedBatch is records the group commit wrote and the bytes they
// added to the log.
type committedBatch struct {
	recs  []jobs.DeliveryRecord
	added int64
}

// committed hands the writer records the group commit has written (Seq
// set). It never blocks: the batch waits in a list (it is already on disk,
// only its cap accounting and OnRecorded remain) and the writer is woken.
func (w *logWriter) committed(recs []jobs.DeliveryRecord, added int64) {
	w.written.Add(uint64(len(recs)))
	w.commitMu.Lock()
	w.commits = append(w.commits, committedBatch{recs: recs, added: added})
	w.commitMu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default: // already woken
	}
}

// close writes what is pending and stops. No add may be in progress, nor
// any committed call (the batcher is closed first).
func (w *logWriter) close() {
	close(w.in)
	<-w.done
}

func (w *logWriter) run() {
	defer close(w.done)
	batch := make([]jobs.DeliveryRecord, 0, logBatchMax)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for open := true; open; {
		select {
		case first, ok := <-w.in:
			if !ok {
				open = false
				break
			}
			batch = append(batch[:0], *first)
			open = w.gather(&batch, timer)
			w.write(batch)
		case <-w.kick:
			w.settleCommitted()
		}
	}
	w.settleCommitted()
}

// gather adds records to batch for up to logLinger, or until it is full.
// Nobody waits for the log: lingering makes one transaction hold many
// records, and each transaction takes the store's one write connection,
// which the receiver's group commit of delivery ids (on the 2xx path)
// needs too. Committed batches are settled meanwhile, so OnRecorded (which
// wakes the forwarder) is not held up. It reports false once the input is
// closed.
func (w *logWriter) gather(batch *[]jobs.DeliveryRecord, timer *time.Timer) bool {
	timer.Reset(logLinger)
	defer timer.Stop()
	for len(*batch) < logBatchMax {
		select {
		case r, ok := <-w.in:
			if !ok {
				return false
			}
			*batch = append(*batch, *r)
		case <-w.kick:
			w.settleCommitted()
		case <-timer.C:
			return true
		}
	}
	return true
}

// settleCommitted counts the group commit's batches in the cap and tells
// OnRecorded, in the order they were committed.
func (w *logWriter) settleCommitted() {
	w.commitMu.Lock()
	done := w.commits
	w.commits = nil
	w.commitMu.Unlock()
	if len(done) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	for _, c := range done {
		// A size first read after c was committed counts it twice: the
		// trim that may follow reads the true size back.
		w.grew(ctx, c.added)
		if w.notify != nil {
			w.notify(c.recs)
		}
	}
}

func (w *logWriter) write(batch []jobs.DeliveryRecord) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	seqs, added, err := w.store.AppendDeliveryLog(ctx, batch)
	if err != nil {
		w.dropped.Add(uint64(len(batch)))
		if !w.failedLog {
			w.failedLog = true
			w.log.Error("delivery log not written; its records are lost (the deliveries themselves were handled)", "records", len(batch), "err", err)
		}
		return
	}
	w.failedLog = false
	w.written.Add(uint64(len(batch)))
	for i := range batch {
		batch[i].Seq = seqs[i]
	}
	w.grew(ctx, added)
	if w.notify != nil {
		// The batch's array is reused for the next one.
		w.notify(slices.Clone(batch))
	}
}

// grew counts added bytes in the log's size and trims the oldest rows once
// it is over the cap.
func (w *logWriter) grew(ctx context.Context, added int64) {
	if w.total < 0 {
		n, err := w.store.DeliveryLogBytes(ctx)
		if err != nil {
			w.log.Warn("delivery log size", "err", err)
			n = 0
		}
		w.total = n
	} else {
		w.total += added
	}
	if w.total > w.limits.MaxBytes {
		cut, err := w.store.TrimDeliveryLog(ctx, w.limits.MaxBytes*9/10)
		switch {
		case err != nil:
			w.log.Warn("trim delivery log", "err", err)
		case cut.Dropped > 0:
			w.total = cut.Left
			w.forwardsDropped.Add(uint64(cut.Dropped))
			w.log.Warn("delivery log over its size cap: forwards still waiting for their target were dropped",
				"forwards", cut.Dropped, "removed", cut.Removed, "bytes", cut.Left)
		default:
			w.total = cut.Left
			w.log.Debug("delivery log trimmed", "removed", cut.Removed, "bytes", cut.Left)
		}
	}
}
