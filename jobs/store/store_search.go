package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reductotray/reducto-tray/jobs"
)

// The full-text index of results: search_text holds each result's text
// once (a row per parse page, extract field or split section) and
// search_fts indexes it (external content, unicode61 folding case and
// accents). Languages written without spaces (Chinese, Japanese, Korean)
// are stored with a zero-width space between their characters, so every
// character is a token and any run of them is found as a phrase: a
// trigram index would need queries of three characters or more (most
// Chinese words have two) and a second table beside this one.

// zwsp separates CJK characters in the stored text; unicode61 reads it as
// a separator and it shows as nothing (snippets drop it anyway).
const zwsp = "\u200b"

// defaultSearchLimit is the number of hits when SearchQuery.Limit is 0.
const defaultSearchLimit = 50

// rankWindow is how many of a query's newest matches are ranked.
const rankWindow = 1000

// snippetTokens is how many words a snippet holds around the hit.
const snippetTokens = 14

// minPrefix is the shortest prefix searched as one; a shorter one is
// searched as a word ("ind*" finds "ind"). The index keeps no prefix list
// (FTS5's prefix=): a prefix is the merge of the lists of the words it
// begins, 25 ms for four letters on 100,000 pages but a third of a second
// for three, while a list of 4-letter prefixes would make the index 1.3x
// the text it holds instead of 0.95x and index a fifth fewer pages a
// second (docs/benchmarks.md, "Search").
const minPrefix = 4

// nameScore is the score of a hit on a file's name: above content hits
// (whose scores, bm25's negated, rarely pass 30), since a name is what a
// person remembers best.
const nameScore = 100

// SearchSegment is one row of the index as the indexer hands it over: a
// parse page (Parts are its blocks, Block the index of the first), an
// extract field, or a split section.
type SearchSegment struct {
	Page  int // 1-based; 0 = none
	Field string
	Block int // index of Parts[0] among the parse's blocks; -1 = not a parse page
	Parts []string
}

// PreparedSegment is a SearchSegment ready to be written: its text
// joined and spaced, its block map, its deflated copy. Preparing is the
// slow part and needs no lock: the indexer does it before it takes the
// write connection (and beside the writes of the previous result).
type PreparedSegment struct {
	page   int
	field  string
	starts []byte
	text   string
	z      []byte
}

// Size is the segment's text in bytes.
func (p PreparedSegment) Size() int { return len(p.text) }

// PrepareSegments prepares segs for WriteSearchSegments; segments without
// text are left out.
func PrepareSegments(segs []SearchSegment) ([]PreparedSegment, error) {
	out := make([]PreparedSegment, 0, len(segs))
	for _, sg := range segs {
		text, starts := joinParts(sg)
		if text == "" {
			continue
		}
		z, err := deflateText(text)
		if err != nil {
			return nil, err
		}
		out = append(out, PreparedSegment{page: sg.Page, field: sg.Field, starts: starts, text: text, z: z})
	}
	return out, nil
}

// WriteSearchSegments adds segs to the index for job's result, in one
// transaction. The indexer splits a large result into several calls, so
// no transaction holds the single writer for long: first clears what an
// earlier, interrupted pass left; last marks the result indexed.
func (s *Store) WriteSearchSegments(ctx context.Context, job int64, segs []PreparedSegment, first, last bool) error {
	if s.w == nil {
		return errReadOnly
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("index result of job %d: %w", job, err)
	}
	defer tx.Rollback()
	if first {
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_text WHERE job = ?`, job); err != nil {
			return fmt.Errorf("index result of job %d: clear: %w", job, err)
		}
		// The job may have been deleted since its result was read: then
		// there is nothing to index.
		res, err := tx.ExecContext(ctx, `INSERT INTO search_docs(job, state) SELECT id, 0 FROM jobs WHERE id = ?
			ON CONFLICT(job) DO UPDATE SET state = 0`, job)
		if err != nil {
			return fmt.Errorf("index result of job %d: %w", job, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("index result of job %d: %w", job, jobs.ErrNotFound)
		}
	}
	if len(segs) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT INTO search_text(job, page, field, starts, ztext) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("index result of job %d: %w", job, err)
		}
		defer ins.Close()
		fts, err := tx.PrepareContext(ctx, `INSERT INTO search_fts(rowid, text) VALUES (?, ?)`)
		if err != nil {
			return fmt.Errorf("index result of job %d: %w", job, err)
		}
		defer fts.Close()
		for _, sg := range segs {
			res, err := ins.ExecContext(ctx, job, sg.page, sg.field, sg.starts, sg.z)
			if err != nil {
				return fmt.Errorf("index result of job %d: %w", job, err)
			}
			row, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("index result of job %d: %w", job, err)
			}
			if _, err := fts.ExecContext(ctx, row, sg.text); err != nil {
				return fmt.Errorf("index result of job %d: %w", job, err)
			}
		}
	}
	if last {
		if _, err := tx.ExecContext(ctx, `UPDATE search_docs SET state = 1 WHERE job = ?`, job); err != nil {
			return fmt.Errorf("index result of job %d: %w", job, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("index result of job %d: commit: %w", job, err)
	}
	return nil
}

// joinParts is a segment's stored text (its parts, CJK spaced, one per
// line) and, for a parse page, the map from offsets to blocks.
func joinParts(sg SearchSegment) (string, []byte) {
	var b strings.Builder
	var starts []byte
	if sg.Block >= 0 {
		starts = binary.AppendUvarint(starts, uint64(sg.Block))
	}
	prev := 0
	for i, p := range sg.Parts {
		if i > 0 {
			b.WriteByte('\n')
		}
		if sg.Block >= 0 {
			starts = binary.AppendUvarint(starts, uint64(b.Len()-prev))
			prev = b.Len()
		}
		spaceCJK(&b, strings.TrimSpace(p))
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", nil
	}
	return b.String(), starts
}

// blockAt is the index of the parse block holding byte offset off of a
// page's text, from its starts map; -1 without a map.
func blockAt(starts []byte, off int) int {
	first, n := binary.Uvarint(starts)
	if n <= 0 {
		return -1
	}
	starts = starts[n:]
	block, pos := int(first)-1, 0
	for len(starts) > 0 {
		d, n := binary.Uvarint(starts)
		if n <= 0 || pos+int(d) > off {
			break
		}
		pos += int(d)
		block++
		starts = starts[n:]
	}
	return max(block, int(first))
}

// isCJK reports whether r belongs to a script written without spaces
// between words.
func isCJK(r rune) bool {
	return r >= 0x0e00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// spaceCJK writes s with a zero-width space on each side of every CJK
// character that touches another character (so "東京都" is three tokens).
func spaceCJK(b *strings.Builder, s string) {
	if strings.IndexFunc(s, isCJK) < 0 {
		b.WriteString(s) // most text: nothing to space
		return
	}
	prevCJK, prevSpace := false, true
	for _, r := range s {
		c := isCJK(r)
		if (c || prevCJK) && !prevSpace && !unicode.IsSpace(r) {
			b.WriteString(zwsp)
		}
		b.WriteRune(r)
		prevCJK, prevSpace = c, unicode.IsSpace(r)
	}
}

// SearchDue returns up to limit ids above after of jobs whose stored
// result is not (or not wholly) in the index, in id order.
func (s *Store) SearchDue(ctx context.Context, after int64, limit int) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.job FROM results r WHERE r.job > ?
		AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.job = r.job AND d.state = 1) ORDER BY r.job LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("results due for the index: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("results due for the index: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SearchIndexed reports whether job's result is wholly in the index.
func (s *Store) SearchIndexed(ctx context.Context, job int64) (bool, error) {
	var st int
	err := s.r.QueryRowContext(ctx, `SELECT state FROM search_docs WHERE job = ?`, job).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("index state of job %d: %w", job, err)
	}
	return st == 1, nil
}

// SearchProgress counts the stored results and those wholly indexed. Both
// counts walk small tables (results holds only what was fetched), so a
// history of a million jobs without results answers at once.
func (s *Store) SearchProgress(ctx context.Context) (done, total int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM search_docs WHERE state = 1), (SELECT count(*) FROM results)`).Scan(&done, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("index progress: %w", err)
	}
	return min(done, total), total, nil
}

// Search finds q.Text in the indexed results and in file names, best first
// (names, then content by bm25), with q's filters. A query with nothing
// to look for finds nothing.
func (s *Store) Search(ctx context.Context, q jobs.SearchQuery) ([]jobs.SearchHit, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	pq := parseSearch(q.Text)
	var hits []jobs.SearchHit
	if name := pq.nameTerm(); name != "" {
		js, err := s.List(ctx, jobs.Query{Search: name, Kind: q.Kind, Statuses: q.Statuses, Since: q.Since, Until: q.Until, Limit: limit})
		if err != nil {
			return nil, fmt.Errorf("search names: %w", err)
		}
		for _, j := range js {
			hits = append(hits, jobs.SearchHit{Job: j, Block: -1, Name: true, Score: nameScore,
				Snippet: markName(filepath.Base(j.File), name)})
		}
	}
	match, without := pq.match()
	if match == "" || len(hits) >= limit {
		return hits, nil
	}
	content, err := s.searchContent(ctx, q, match, without, limit-len(hits))
	if err != nil {
		return nil, err
	}
	return append(hits, content...), nil
}

// searchContent ranks the index's rows for match, then reads snippet and
// offsets for the chosen few only: SQLite would compute them for every
// matching row before sorting if they were in the ranking query. A
// document holding any excluded word (without) is left out whole: "-draft"
// means no draft, not the pages of a draft that do not say so.
func (s *Store) searchContent(ctx context.Context, q jobs.SearchQuery, match, without string, limit int) ([]jobs.SearchHit, error) {
	f, err := baseFilter(listQuery{Query: jobs.Query{Kind: q.Kind, Since: q.Since, Until: q.Until}}, false)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if sts := dedupeStatuses(q.Statuses); len(sts) > 0 {
		in, args := statusArgs(sts)
		f.add("j.status IN "+in, args...)
	}
	if without != "" {
		f.add("t.job NOT IN (SELECT x.job FROM search_fts(?) n JOIN search_text x ON x.id = n.rowid)", without)
	}
	// bm25 is computed row by row: ranking every page that holds a common
	// word (most of a big history) takes a third of a second. The ranking
	// reads the newest rankWindow matches in the index's own order (which
	// it yields without sorting) and ranks those: exact for any query with
	// fewer matches, the best of the newest pages for the others.
	rank := `SELECT id, job, page, field, r FROM (
		SELECT search_fts.rowid AS id, t.job AS job, t.page AS page, t.field AS field, search_fts.rank AS r
		FROM search_fts CROSS JOIN search_text t ON t.id = search_fts.rowid CROSS JOIN jobs j ON j.id = t.job
		WHERE search_fts MATCH ? AND ` + f.where() + ` ORDER BY search_fts.rowid DESC LIMIT ?)
		ORDER BY r LIMIT ?`
	args := append([]any{match}, f.args...)
	rows, err := s.r.QueryContext(ctx, rank, append(args, rankWindow, limit)...)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	type ranked struct {
		row, job int64
		page     int
		field    string
		rank     float64
	}
	var rs []ranked
	for rows.Next() {
		var r ranked
		if err := rows.Scan(&r.row, &r.job, &r.page, &r.field, &r.rank); err != nil {
			rows.Close()
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	if len(rs) == 0 {
		return nil, nil
	}
	// Snippets and offsets of the chosen rows in one query: FTS5 sets up a
	// query's terms once per query, and a prefix it has no list for (one
	// longer than the index's prefix=) merges the lists of every word it
	// begins each time, 7 ms on 100,000 pages: once per hit, that was a
	// third of a second. The rowid range reaches FTS5 (it walks only the
	// ranked window's span); the list is kept from the planner (+), which
	// would otherwise run the query once per rowid in it.
	type detail struct {
		snippet string
		at      int
		starts  []byte
	}
	lo, hi := rs[0].row, rs[0].row
	rowArgs := make([]any, 0, len(rs)+5)
	rowArgs = append(rowArgs, snippetTokens, match, 0, 0)
	for _, r := range rs {
		lo, hi = min(lo, r.row), max(hi, r.row)
		rowArgs = append(rowArgs, r.row)
	}
	rowArgs[2], rowArgs[3] = lo, hi
	drows, err := s.r.QueryContext(ctx, `SELECT search_fts.rowid, snippet(search_fts, 0, char(2), char(3), '…', ?),
		instr(CAST(highlight(search_fts, 0, char(2), '') AS BLOB), x'02'), t.starts
		FROM search_fts CROSS JOIN search_text t ON t.id = search_fts.rowid
		WHERE search_fts MATCH ? AND search_fts.rowid BETWEEN ? AND ?
		AND +search_fts.rowid IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(rs)), ", ")+`)`, rowArgs...)
	if err != nil {
		return nil, fmt.Errorf("search %q: snippet: %w", q.Text, err)
	}
	details := make(map[int64]detail, len(rs))
	for drows.Next() {
		var (
			row int64
			d   detail
		)
		if err := drows.Scan(&row, &d.snippet, &d.at, &d.starts); err != nil {
			drows.Close()
			return nil, fmt.Errorf("search %q: snippet: %w", q.Text, err)
		}
		details[row] = d
	}
	drows.Close()
	if err := drows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: snippet: %w", q.Text, err)
	}
	hits := make([]jobs.SearchHit, 0, len(rs))
	want := map[int64]bool{}
	for _, r := range rs {
		d, ok := details[r.row]
		if !ok {
			continue // rewritten since it was ranked
		}
		h := jobs.SearchHit{Job: jobs.Job{ID: r.job}, Page: r.page, Field: r.field, Score: -r.rank, Block: -1,
			Snippet: strings.ReplaceAll(d.snippet, zwsp, "")}
		if d.at > 0 && d.starts != nil {
			h.Block = blockAt(d.starts, d.at-1)
		}
		want[r.job] = true
		hits = append(hits, h)
	}
	// The hits' jobs in one query.
	ids := make([]any, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	js, err := s.queryJobs(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+`)`, ids...)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Text, err)
	}
	byID := make(map[int64]jobs.Job, len(js))
	for _, j := range js {
		byID[j.ID] = j
	}
	out := hits[:0]
	for _, h := range hits {
		if j, ok := byID[h.Job.ID]; ok { // else deleted since it was ranked
			h.Job = j
			out = append(out, h)
		}
	}
	return out, nil
}

// markName is a file name with the first match of term marked.
func markName(name, term string) string {
	i := strings.Index(strings.ToLower(name), strings.ToLower(term))
	if i < 0 || len(strings.ToLower(name)) != len(name) {
		return name
	}
	return name[:i] + jobs.MarkStart + name[i:i+len(term)] + jobs.MarkEnd + name[i+len(term):]
}

// searchTerm is one word or phrase of a query.
type searchTerm struct {
	text   string
	prefix bool // word*
	not    bool // -word
	phrase bool // "a phrase"
}

type parsedSearch []searchTerm

// parseSearch reads a query: words, "quoted phrases", prefix*, -excluded.
// Anything else is text: FTS5's own operators are not exposed, so no
// query is a syntax error.
func parseSearch(s string) parsedSearch {
	var out parsedSearch
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		var t searchTerm
		if r == '-' && i+1 < len(s) {
			t.not = true
			i++
		}
		if i < len(s) && s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				end = len(s) - i - 1
			}
			t.text, t.phrase = s[i+1:i+1+end], true
			i += end + 2
		} else {
			end := strings.IndexFunc(s[i:], unicode.IsSpace)
			if end < 0 {
				end = len(s) - i
			}
			t.text = s[i : i+end]
			i += end
		}
		if strings.HasSuffix(t.text, "*") {
			t.text = strings.TrimRight(t.text, "*")
			t.prefix = utf8.RuneCountInString(t.text) >= minPrefix
		}
		if strings.IndexFunc(t.text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue // nothing a tokenizer would keep
		}
		out = append(out, t)
	}
	return out
}

// match is the FTS5 expressions of the query: every included term
// (pos, "" when there is none) and any of the excluded ones (neg).
func (p parsedSearch) match() (pos, neg string) {
	var in, out []string
	for _, t := range p {
		var b strings.Builder
		spaceCJK(&b, t.text)
		e := `"` + strings.ReplaceAll(b.String(), `"`, `""`) + `"`
		if t.prefix {
			e += "*"
		}
		if t.not {
			out = append(out, e)
		} else {
			in = append(in, e)
		}
	}
	if len(in) == 0 {
		return "", ""
	}
	return strings.Join(in, " AND "), strings.Join(out, " OR ")
}

// nameTerm is what a name search looks for: the query when it is one
// word or phrase, "" otherwise (names are matched as substrings, which
// operators have no meaning for).
func (p parsedSearch) nameTerm() string {
	if len(p) != 1 || p[0].not {
		return ""
	}
	return p[0].text
}

// MergeSearchIndex does up to pages pages of the index's segment merging
// in one transaction (the index merges nothing by itself: see the
// migration), so the merging a writer of the index owes is paid in steps
// of bounded length.
func (s *Store) MergeSearchIndex(ctx context.Context, pages int) error {
	if s.w == nil {
		return errReadOnly
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO search_fts(search_fts, rank) VALUES ('merge', ?)`, pages); err != nil {
		return fmt.Errorf("merge the search index: %w", err)
	}
	return nil
}
