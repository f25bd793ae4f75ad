package receiver

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
)

// batchTimeout bounds one RecordDeliveries call; a stuck database must turn
// into 503s (Svix retries) rather than handlers hanging forever.
const batchTimeout = 10 * time.Second

// quietDivisor sets the quiet gap that closes a batch window early, as a
// fraction of the linger time: 50µs for the default 1ms. Measured with
// BenchmarkReceiver (16 senders, 2 cores): a gap of 250µs left the CPU idle
// and cut throughput by a quarter; 25µs gave smaller batches for no gain.
const quietDivisor = 20

// recordResult is the batcher's answer to one handler.
type recordResult struct {
	fresh bool
	err   error
}

type recordRequest struct {
	id   string
	rec  *pendingRecord    // its log record; nil without the delivery log
	done chan recordResult // buffered 1: the batcher never blocks on a handler
}

// batcher is the group commit: handlers submit delivery ids, one goroutine
// records them with a single RecordDeliveries call (one SQLite transaction)
// per batch and answers each handler. At thousands of deliveries a second
// this turns thousands of commits into a few hundred. With the delivery log
// on, the batch's log records are written in the same transaction
// (RecordLoggedDeliveries): a second transaction per batch, on the store's
// one write connection, cost a fifth to a third of the throughput.
type batcher struct {
	log DeliveryLog
	// records and logw are set with the delivery log on: ids are then
	// recorded through records, and logw is told of what was written.
	records RecordStore
	logw    *logWriter
	in      chan recordRequest
	max     int
	linger  time.Duration
	quiet   time.Duration // close the window after this long without a new id
	// batches counts RecordDeliveries calls, for Stats.
	batches *atomic.Uint64
	logger  *slog.Logger
	done    chan struct{}
}

func newBatcher(log DeliveryLog, records RecordStore, logw *logWriter, maxBatch int, linger time.Duration, batches *atomic.Uint64, logger *slog.Logger) *batcher {
	b := &batcher{
		log:     log,
		records: records,
		logw:    logw,
		in:      make(chan recordRequest, maxBatch),
		max:     maxBatch,
		linger:  linger,
		quiet:   max(linger/quietDivisor, time.Microsecond),
		batches: batches,
		logger:  logger,
		done:    make(chan struct{}),
	}
	go b.run()
	return b
}

// record submits id (and rec, its log record, when the log is on) and
// waits for the batch that contains it. It waits even if the client has
// gone: the id may be recorded, and the caller must then enqueue it or the
// delivery would be lost.
func (b *batcher) record(id string, rec *pendingRecord) (fresh bool, err error) {
	req := recordRequest{id: id, rec: rec, done: make(chan recordResult, 1)}
	b.in <- req
	res := <-req.done
	return res.fresh, res.err
}

// close stops the batcher once every submitted id is answered. Callers must
// guarantee no record call is in progress or will start.
func (b *batcher) close() {
	close(b.in)
	<-b.done
}

func (b *batcher) run() {
	defer close(b.done)
	batch := make([]recordRequest, 0, b.max)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for first := range b.in {
		batch = append(batch[:0], first)
		open := b.gather(&batch, timer)
		b.commit(batch)
		if !open {
			return
		}
	}
}

// gather adds requests to batch until it is full or the linger time since
// the first one is up. Lingering trades up to BatchLinger of latency (which
// no webhook sender notices) for far fewer commits under load: each commit
// is a WAL write, and with one id per commit SQLite, not HTTP, would bound
// the rate. It reports false once the input is closed.
func (b *batcher) gather(batch *[]recordRequest, timer *time.Timer) bool {
	if b.linger <= 0 {
		for len(*batch) < b.max {
			select {
			case r, ok := <-b.in:
				if !ok {
					return false
				}
				*batch = append(*batch, r)
			default:
				return true
			}
		}
		return true
	}
	// The window closes at the linger deadline, or earlier once no id has
	// joined for a quiet gap: senders that answer each other's 204s (Svix
	// workers, the relay) would otherwise sit out the whole window for
	// company that is not coming.
	deadline := time.Now().Add(b.linger)
	timer.Reset(b.quiet)
	defer timer.Stop()
	for len(*batch) < b.max {
		select {
		case r, ok := <-b.in:
			if !ok {
				return false
			}
			*batch = append(*batch, r)
			timer.Reset(min(b.quiet, time.Until(deadline)))
		case <-timer.C:
			return true
		}
	}
	return true
}

// commit records the batch in one call. The same id twice in one batch
// (concurrent retries) is sent once; only its first submitter is fresh.
func (b *batcher) commit(batch []recordRequest) {
	b.batches.Add(1)
	ids := make([]string, 0, len(batch))
	first := make(map[string]int, len(batch)) // id -> index in ids
	for _, r := range batch {
		if _, seen := first[r.id]; !seen {
			first[r.id] = len(ids)
			ids = append(ids, r.id)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	var (
		fresh   []bool
		err     error
		written []jobs.DeliveryRecord
		added   int64
	)
	if b.records != nil {
		fresh, written, added, err = b.recordLogged(ctx, batch, ids, first)
	} else {
		fresh, err = b.log.RecordDeliveries(ctx, ids)
	}
	cancel()
	if err != nil {
		err = fmt.Errorf("record %d delivery ids: %w", len(ids), err)
		b.logger.Error("delivery ids not recorded; their senders get 503 and retry", "err", err)
	}
	var each []bool
	if err == nil {
		each = perRequest(batch, fresh, first)
	}
	for i, r := range batch {
		if err != nil {
			r.done <- recordResult{err: err}
			continue
		}
		r.done <- recordResult{fresh: each[i]}
	}
	if err == nil && len(written) > 0 {
		// After the answers: trimming and OnRecorded run on the log's
		// writer, never on the 2xx path.
		b.logw.committed(written, added)
	}
}

// perRequest spreads the store's answer per id over the batch's requests:
// a request is fresh if its id was new to the store and no earlier request
// of the batch carried it (concurrent retries: only the first is fresh).
func perRequest(batch []recordRequest, fresh []bool, first map[string]int) []bool {
	out := make([]bool, len(batch))
	answered := make(map[string]bool, len(first))
	for i, r := range batch {
		out[i] = fresh[first[r.id]] && !answered[r.id]
		answered[r.id] = true
	}
	return out
}

// recordLogged records the batch's ids and its requests' log records in
// one transaction, each record settled (accepted or duplicate) by its
// request's freshness. It returns the records written, Seq set. The
// store's contract (RecordStore) gives logFor one freshness per id and
// one seq per record it returned.
func (b *batcher) recordLogged(ctx context.Context, batch []recordRequest, ids []string, first map[string]int) (fresh []bool, written []jobs.DeliveryRecord, added int64, err error) {
	logFor := func(fresh []bool) []jobs.DeliveryRecord {
		each := perRequest(batch, fresh, first)
		for i, r := range batch {
			if r.rec != nil {
				written = append(written, r.rec.settle(each[i]))
			}
		}
		return written
	}
	fresh, seqs, added, err := b.records.RecordLoggedDeliveries(ctx, ids, logFor)
	if err != nil {
		return nil, nil, 0, err
	}
	for i := range written {
		written[i].Seq = seqs[i]
	}
	return fresh, written, added, nil
}
