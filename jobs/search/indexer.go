package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/store"
)

// batchBytes bounds the text one transaction writes: about 6 pages, a
// couple of milliseconds on the store's single write connection, so the
// engine's and the receiver's writes never wait long behind the index
// (docs/benchmarks.md, "Search").
const batchBytes = 12 << 10

// mergePages is the index merging done after each transaction of the
// indexer, in pages: enough to keep up with what it writes (about 5
// pages of index per transaction, merged again at each level), small
// enough for one step to take a few milliseconds.
const mergePages = 32

// dueBatch is how many due results one query of the store returns.
const dueBatch = 64

// progressEvery spaces the progress reports of a long pass.
const progressEvery = 250 * time.Millisecond

// Indexer writes stored results into the search index: Run does a pass
// over every result not yet indexed, then another each time Stored says a
// result arrived. A pass stopped by a quit resumes on the next start where
// it stopped (what was written stays; a result written in part is
// rewritten whole).
type Indexer struct {
	st  *store.Store
	log *slog.Logger

	poke chan struct{} // a result was stored; capacity 1

	mu         sync.Mutex
	prog       jobs.IndexProgress
	onProgress func(jobs.IndexProgress)

	afterWrite func(job int64, last bool) // tests: called after each transaction
	afterMerge func()                     // tests: called after each merge step
}

// New returns an indexer over st; call Run.
func New(st *store.Store, log *slog.Logger) *Indexer {
	if log == nil {
		log = slog.Default()
	}
	return &Indexer{st: st, log: log, poke: make(chan struct{}, 1)}
}

// OnProgress sets f to be called (from the indexer's goroutine) as a pass
// moves and when it ends. Set it before Run.
func (ix *Indexer) OnProgress(f func(jobs.IndexProgress)) {
	ix.mu.Lock()
	ix.onProgress = f
	ix.mu.Unlock()
}

// Progress is the last known state of the index.
func (ix *Indexer) Progress() jobs.IndexProgress {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.prog
}

// Stored tells the indexer a result was stored. It never blocks.
func (ix *Indexer) Stored() {
	select {
	case ix.poke <- struct{}{}:
	default:
	}
}

// Run indexes until ctx ends.
func (ix *Indexer) Run(ctx context.Context) {
	for {
		if err := ix.Pass(ctx); err != nil && ctx.Err() == nil {
			ix.log.Warn("search index pass", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ix.poke:
		}
	}
}

// Pass indexes every stored result not yet in the index, oldest first.
// One goroutine reads and prepares the next results (decompressing,
// parsing, deflating: no lock) while this one writes, so a pass uses two
// cores and holds the write connection only to write.
func (ix *Indexer) Pass(ctx context.Context) error {
	done, total, err := ix.st.SearchProgress(ctx)
	if err != nil {
		return err
	}
	if done >= total {
		ix.report(jobs.IndexProgress{Done: done, Total: total})
		return nil
	}
	p := jobs.IndexProgress{Done: done, Total: total, Running: true}
	ix.report(p)
	last := time.Now()
	defer func() { ix.report(jobs.IndexProgress{Done: p.Done, Total: max(p.Total, p.Done)}) }()

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	docs := make(chan preparedDoc, 4)
	listErr := make(chan error, 1)
	go func() {
		defer close(docs)
		listErr <- ix.prepareDue(ctx, docs)
	}()
	for d := range docs {
		err := d.err
		if err == nil && !d.gone {
			err = ix.write(ctx, d.id, d.segs)
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			ix.log.Warn("index a result for search", "job", d.id, "err", err)
		}
		p.Done++
		p.Total = max(p.Total, p.Done)
		if time.Since(last) >= progressEvery {
			last = time.Now()
			ix.report(p)
		}
	}
	cancel()
	for range docs {
		// the reader stops at the cancel; let it finish
	}
	if err := <-listErr; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return parent.Err()
}

// preparedDoc is a due result read and made ready to write.
type preparedDoc struct {
	id   int64
	segs []store.PreparedSegment
	gone bool // no result (any more): nothing to write
	err  error
}

// prepareDue reads the due results in id order and sends each, prepared,
// on docs, until none is left or ctx ends.
func (ix *Indexer) prepareDue(ctx context.Context, docs chan<- preparedDoc) error {
	var after int64
	for {
		ids, err := ix.st.SearchDue(ctx, after, dueBatch)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		for _, id := range ids {
			d := preparedDoc{id: id}
			d.segs, d.gone, d.err = ix.prepare(ctx, id)
			select {
			case docs <- d:
			case <-ctx.Done():
				return ctx.Err()
			}
			after = id
		}
	}
}

func (ix *Indexer) report(p jobs.IndexProgress) {
	ix.mu.Lock()
	ix.prog = p
	f := ix.onProgress
	ix.mu.Unlock()
	if f != nil {
		f(p)
	}
}

// Index writes job id's stored result into the index, replacing what was
// there. A result that cannot be read is recorded as indexed with no text
// (and logged), so it is not read again on every pass.
func (ix *Indexer) Index(ctx context.Context, id int64) error {
	segs, gone, err := ix.prepare(ctx, id)
	if err != nil || gone {
		return err
	}
	return ix.write(ctx, id, segs)
}

// prepare reads job id's result and makes its rows; gone when it has no
// result.
func (ix *Indexer) prepare(ctx context.Context, id int64) (segs []store.PreparedSegment, gone bool, err error) {
	j, err := ix.st.Get(ctx, id)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("index job %d: %w", id, err)
	}
	raw, err := ix.st.Result(ctx, id)
	if errors.Is(err, jobs.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("index job %d: %w", id, err)
	}
	rows, err := Segments(j.Kind, raw)
	if err != nil {
		ix.log.Info("a result with no text to search", "job", id, "kind", j.Kind, "err", err)
		rows = nil
	}
	segs, err = store.PrepareSegments(rows)
	if err != nil {
		return nil, false, fmt.Errorf("index job %d: %w", id, err)
	}
	return segs, false, nil
}

// write stores segs in transactions of about batchBytes of text each.
func (ix *Indexer) write(ctx context.Context, id int64, segs []store.PreparedSegment) error {
	first, start, size := true, 0, 0
	for i, sg := range segs {
		size += sg.Size()
		if size < batchBytes && i < len(segs)-1 {
			continue
		}
		last := i == len(segs)-1
		if err := ix.st.WriteSearchSegments(ctx, id, segs[start:i+1], first, last); err != nil {
			return err
		}
		if ix.afterWrite != nil {
			ix.afterWrite(id, last)
		}
		if err := ix.st.MergeSearchIndex(ctx, mergePages); err != nil {
			return err
		}
		if ix.afterMerge != nil {
			ix.afterMerge()
		}
		first, start, size = false, i+1, 0
	}
	if len(segs) == 0 {
		return ix.st.WriteSearchSegments(ctx, id, nil, true, true)
	}
	return nil
}
