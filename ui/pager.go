package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
)

// pageSize is how many rows one List call fetches.
const pageSize = 100

// maxCachedPages bounds the rows held in memory (maxCachedPages*pageSize),
// whatever the size of the history.
const maxCachedPages = 40

// rowSource is the part of the backend the job list pages through.
type rowSource interface {
	List(ctx context.Context, q jobs.Query) ([]jobs.Job, error)
	Count(ctx context.Context, q jobs.Query) (int, error)
}

// pager gives the job list random access by position over a history too
// large to load, with only keyset paging (BeforeID) underneath.
//
// It works on a snapshot: at reset it records the newest matching id (top)
// and how many rows match. Rows of the snapshot never move, because keyset
// anchors are ids, so the pages already fetched stay valid while jobs are
// added. Jobs added later (ids above top) live in head and sit before the
// snapshot. Only a change of filter, or a status change under a status
// filter (a row joining or leaving the set), needs a new snapshot.
//
// It holds no widgets and is safe for concurrent use: the event goroutine
// applies events, background fetches fill pages, the UI reads rows.
type pager struct {
	src rowSource

	mu sync.Mutex
	q  jobs.Query
	// wantQ and wantSeq are the newest query asked for; a reset for an
	// older ticket finishing last must not replace it.
	wantQ   jobs.Query
	wantSeq uint64
	gen     uint64 // bumped by reset; a fetch of an older generation is dropped
	top     int64
	total   int
	head    []jobs.Job // newest last
	pages   map[int][]jobs.Job
	used    map[int]uint64 // LRU ticks
	tick    uint64
	anchors map[int]int64 // page -> the BeforeID that fetches it
	loading map[int]bool
	// countsBefore is whether the source's Count honours BeforeID; it is
	// what lets a jump to any position find its anchor in a few counts.
	countsBefore *bool
}

func newPager(src rowSource) *pager {
	p := &pager{src: src}
	p.clear()
	return p
}

func (p *pager) clear() {
	p.pages = map[int][]jobs.Job{}
	p.used = map[int]uint64{}
	p.anchors = map[int]int64{}
	p.loading = map[int]bool{}
}

// reset takes a new snapshot for query q: the first page and the count.
// Jobs added while it runs and already applied to head are kept.
// want records q as the query the list should show and returns its ticket
// for resetFor. Take it where the request is made (the main goroutine), so
// tickets follow the order of the user's requests.
func (p *pager) want(q jobs.Query) uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wantSeq++
	p.wantQ = q
	return p.wantSeq
}

// again returns the newest wanted query with a fresh ticket, for a refresh
// of whatever the user asked for last.
func (p *pager) again() (jobs.Query, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wantSeq++
	return p.wantQ, p.wantSeq
}

// resetFor takes a new snapshot for q unless a newer query was asked for
// meanwhile (then it changes nothing).
func (p *pager) resetFor(ctx context.Context, q jobs.Query, ticket uint64) error {
	q.Limit, q.BeforeID = pageSize, 0
	first, err := p.src.List(ctx, q)
	if err != nil {
		return fmt.Errorf("list jobs: %w", err)
	}
	var top int64
	if len(first) > 0 {
		top = first[0].ID
	}
	cq := q
	cq.Limit = 0
	total, err := p.src.Count(ctx, cq)
	if err != nil {
		return fmt.Errorf("count jobs: %w", err)
	}
	// Count with no id bound reads the store's counter table; bounding it
	// by top would count a million index entries (and grow SQLite's page
	// cache by 15 MiB). A job created between List and Count is counted but
	// lies above top:
	// it reaches head through its event, so it must not be counted twice.
	if total < len(first) || (len(first) < pageSize && total != len(first)) {
		total = len(first)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if ticket != p.wantSeq {
		return nil // superseded by a newer request
	}
	var keep []jobs.Job
	for _, j := range p.head {
		if j.ID > top && matches(q, j) {
			keep = append(keep, j)
		}
	}
	p.gen++
	p.q, p.top, p.total, p.head = q, top, total, keep
	p.clear()
	p.anchors[0] = top + 1
	if len(first) == pageSize {
		p.anchors[1] = first[len(first)-1].ID
	}
	p.pages[0] = first
	p.tick++
	p.used[0] = p.tick
	return nil
}

// Len is the number of rows the list shows.
func (p *pager) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.head) + p.total
}

// Query returns the filter of the current snapshot.
func (p *pager) Query() jobs.Query {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.q
}

// Row returns the job at position i, newest first. When the row is not
// cached it returns false and the page to fetch (-1 if a fetch of it is
// already running or i is out of range).
func (p *pager) Row(i int) (j jobs.Job, ok bool, fetch int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i < 0 || i >= len(p.head)+p.total {
		return jobs.Job{}, false, -1
	}
	if i < len(p.head) {
		return p.head[len(p.head)-1-i], true, -1
	}
	s := i - len(p.head)
	pg := s / pageSize
	if rows, ok := p.pages[pg]; ok {
		p.tick++
		p.used[pg] = p.tick
		if s%pageSize < len(rows) {
			return rows[s%pageSize], true, -1
		}
		return jobs.Job{}, false, -1 // the snapshot shrank under us; a reset follows
	}
	if p.loading[pg] {
		return jobs.Job{}, false, -1
	}
	p.loading[pg] = true
	return jobs.Job{}, false, pg
}

// fetch loads page pg of the snapshot. It reports whether rows changed.
func (p *pager) fetch(ctx context.Context, pg int) (bool, error) {
	p.mu.Lock()
	gen, q := p.gen, p.q
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		if p.gen == gen {
			delete(p.loading, pg)
		}
		p.mu.Unlock()
	}()
	before, err := p.anchor(ctx, gen, pg)
	if err != nil {
		return false, err
	}
	q.BeforeID, q.Limit = before, pageSize
	rows, err := p.src.List(ctx, q)
	if err != nil {
		return false, fmt.Errorf("list jobs before %d: %w", before, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen != gen {
		return false, nil
	}
	p.pages[pg] = rows
	p.anchors[pg] = before
	if len(rows) > 0 {
		p.anchors[pg+1] = rows[len(rows)-1].ID
	}
	p.tick++
	p.used[pg] = p.tick
	p.evict(pg)
	return true, nil
}

// evict drops the least recently used pages beyond maxCachedPages. Anchors
// stay: they are what makes coming back cheap.
func (p *pager) evict(keep int) {
	for len(p.pages) > maxCachedPages {
		victim, oldest := -1, ^uint64(0)
		for pg := range p.pages {
			if pg != keep && p.used[pg] < oldest {
				victim, oldest = pg, p.used[pg]
			}
		}
		if victim < 0 {
			return
		}
		delete(p.pages, victim)
		delete(p.used, victim)
	}
}

// anchor returns the BeforeID that fetches page pg: known from a fetched
// neighbour, else found by counting.
func (p *pager) anchor(ctx context.Context, gen uint64, pg int) (int64, error) {
	p.mu.Lock()
	a, ok := p.anchors[pg]
	q, top, total := p.q, p.top, p.total
	p.mu.Unlock()
	if ok {
		return a, nil
	}
	honoured, err := p.countHonoursBefore(ctx, q)
	if err != nil {
		return 0, err
	}
	if honoured {
		return p.locate(ctx, q, top, total, pg*pageSize)
	}
	return p.walk(ctx, gen, q, pg)
}

func (p *pager) countHonoursBefore(ctx context.Context, q jobs.Query) (bool, error) {
	p.mu.Lock()
	known := p.countsBefore
	p.mu.Unlock()
	if known != nil {
		return *known, nil
	}
	q.BeforeID, q.Limit = 1, 0
	n, err := p.src.Count(ctx, q)
	if err != nil {
		return false, fmt.Errorf("count jobs: %w", err)
	}
	ok := n == 0
	p.mu.Lock()
	p.countsBefore = &ok
	p.mu.Unlock()
	return ok, nil
}

// locate finds the BeforeID whose first row is at snapshot position pos:
// computed directly for a dense unfiltered history, else the smallest X with
// Count(BeforeID X) >= total-pos. Interpolation finds it in a few counts;
// alternating with bisection bounds the worst case to about 2*log2(top).
func (p *pager) locate(ctx context.Context, q jobs.Query, top int64, total, pos int) (int64, error) {
	target := total - pos
	if target <= 0 {
		return 1, nil
	}
	if dense(q, top, total) {
		return top + 1 - int64(pos), nil
	}
	lo, hi := int64(1), top+1 // count(lo) < target <= count(hi)
	clo, chi := 0, total
	q.Limit = 0
	for step := 0; lo < hi; step++ {
		var x int64
		if step%2 == 0 && chi > clo {
			x = lo + int64(float64(hi-lo)*float64(target-clo)/float64(chi-clo))
		} else {
			x = lo + (hi-lo)/2
		}
		x = min(max(x, lo), hi-1)
		if x == lo { // count(lo) < target is known; probe just above it
			x = lo + 1
			if x == hi {
				break
			}
		}
		q.BeforeID = x
		c, err := p.src.Count(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("count jobs before %d: %w", x, err)
		}
		if c >= target {
			hi, chi = x, c
		} else {
			lo, clo = x, c
		}
		if hi == lo+1 {
			break
		}
	}
	return hi, nil
}

// walk reaches page pg from the nearest anchor below it, page by page; it
// is the fallback for a source whose Count ignores BeforeID.
func (p *pager) walk(ctx context.Context, gen uint64, q jobs.Query, pg int) (int64, error) {
	p.mu.Lock()
	from := 0
	for k := range p.anchors {
		if k <= pg && k > from {
			from = k
		}
	}
	before := p.anchors[from]
	p.mu.Unlock()
	q.Limit = pageSize
	for k := from; k < pg; k++ {
		q.BeforeID = before
		rows, err := p.src.List(ctx, q)
		if err != nil {
			return 0, fmt.Errorf("list jobs before %d: %w", before, err)
		}
		if len(rows) == 0 {
			return before, nil
		}
		before = rows[len(rows)-1].ID
		p.mu.Lock()
		if p.gen == gen {
			p.anchors[k+1] = before
		}
		p.mu.Unlock()
	}
	return before, nil
}

// apply folds an engine event into the cache. changed says visible rows may
// differ; stale says the snapshot no longer matches the filter (a status
// change under a status filter) and a reset is due.
func (p *pager) apply(ev jobs.Event) (changed, stale bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	j := ev.Job
	if old, found := p.replace(j); found {
		if matches(p.q, old) != matches(p.q, j) {
			stale = true
		}
		return true, stale
	}
	if j.ID > p.top {
		if matches(p.q, j) {
			p.head = append(p.head, j)
			return true, false
		}
		// A job above the snapshot that did not match when added may match now.
		return false, ev.Kind == jobs.EventChanged && len(p.q.Statuses) > 0 && matchesExceptStatus(p.q, j)
	}
	// Not cached: under a status filter it may be joining or leaving the set.
	return false, ev.Kind == jobs.EventChanged && len(p.q.Statuses) > 0 && matchesExceptStatus(p.q, j)
}

// replace updates job j where it is cached and returns its previous value.
func (p *pager) replace(j jobs.Job) (jobs.Job, bool) {
	for i := range p.head {
		if p.head[i].ID == j.ID {
			old := p.head[i]
			p.head[i] = j
			return old, true
		}
	}
	for _, rows := range p.pages {
		// Rows are sorted by id, newest first.
		if len(rows) == 0 || j.ID > rows[0].ID || j.ID < rows[len(rows)-1].ID {
			continue
		}
		i, found := slices.BinarySearchFunc(rows, j.ID, func(r jobs.Job, id int64) int {
			switch {
			case r.ID > id:
				return -1
			case r.ID < id:
				return 1
			}
			return 0
		})
		if found {
			old := rows[i]
			rows[i] = j
			return old, true
		}
	}
	return jobs.Job{}, false
}

// matches reports whether j belongs to the rows q selects (the store's
// semantics: any of the statuses, the kind, a case-insensitive substring of
// the file's base name).
func matches(q jobs.Query, j jobs.Job) bool {
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, j.Status) {
		return false
	}
	return matchesExceptStatus(q, j)
}

func matchesExceptStatus(q jobs.Query, j jobs.Job) bool {
	if q.Kind != "" && q.Kind != j.Kind {
		return false
	}
	if q.Search != "" && !strings.Contains(strings.ToLower(filepath.Base(j.File)), strings.ToLower(q.Search)) {
		return false
	}
	return true
}

// dense reports whether the unfiltered snapshot holds exactly the ids
// 1..top, as a history that never deletes does: then the row at position p
// has id top-p, and a jump needs no counting at all.
func dense(q jobs.Query, top int64, total int) bool {
	return len(q.Statuses) == 0 && q.Kind == "" && q.Search == "" && q.Since.IsZero() && q.Until.IsZero() && int64(total) == top
}
