package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// Searcher finds words in the history: the text of every stored result
// and the file names (the core's search index, jobs/core/search.go).
type Searcher interface {
	Search(ctx context.Context, q jobs.SearchQuery) ([]jobs.SearchHit, error)
	// IndexProgress says how much of the history the index holds yet.
	IndexProgress() jobs.IndexProgress
}

// searchLimit is how many places in documents the Jobs tab lists.
const searchLimit = 50

// revealTimeout bounds the wait for a chosen hit's job and document to
// open before it is shown at its place.
const revealTimeout = 15 * time.Second

// accountNote says what search cannot see.
const accountNote = "Jobs on your account that this app did not submit are not searched: their results were never fetched."

// SearchView lists the places in documents the Jobs search box found,
// above the jobs whose names match; choosing one opens its job at the page
// (its box highlighted) and the block in the result.
type SearchView struct {
	u *App

	Header *widget.Label
	List   *widget.List

	hits   []jobs.SearchHit // content hits only: names are the job list's
	text   string           // the query the hits are for
	stop   func()           // cancels the pending query
	split  *container.Split
	places fyne.CanvasObject // the header and the places
	stack  *fyne.Container   // the job list alone, the places alone, or both
	jobs   fyne.CanvasObject
	active bool // a search is on
	names  int  // rows of the job list (jobs whose names match)
}

func newSearchView(u *App) *SearchView {
	v := &SearchView{u: u, stop: func() {}}
	if u.cfg.Search != nil {
		u.list.Search.SetPlaceHolder("Search names and contents")
	}
	v.Header = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	v.List = widget.NewList(func() int { return len(v.hits) }, newHitRow, v.updateRow)
	v.List.OnSelected = func(i widget.ListItemID) {
		if i >= 0 && i < len(v.hits) {
			v.open(v.hits[i])
		}
	}
	return v
}

// wrap puts the search's places above the job list when a search is on.
func (v *SearchView) wrap(list fyne.CanvasObject) fyne.CanvasObject {
	v.jobs = list
	v.places = container.NewBorder(v.Header, nil, nil, nil, v.List)
	v.split = container.NewVSplit(v.places, list)
	v.split.Offset = 0.6
	v.stack = container.NewStack(list)
	return v.stack
}

// setActive shows the places (a search is on) or the job list alone.
func (v *SearchView) setActive(on bool) {
	v.active = on
	v.relayout()
}

// namesShown is told how many jobs the list shows (the JobList calls it
// when it redraws): a search whose words are in no file name gives the
// places the whole pane.
func (v *SearchView) namesShown(n int) {
	if v.names != n {
		v.names = n
		v.relayout()
	}
}

func (v *SearchView) relayout() {
	want := v.jobs
	switch {
	case v.active && v.names > 0:
		want = v.split
	case v.active:
		want = v.places
	}
	if len(v.stack.Objects) == 1 && v.stack.Objects[0] == want {
		return
	}
	v.stack.Objects = []fyne.CanvasObject{want}
	v.stack.Refresh()
}

// query searches the results for text with the list's status filter,
// after typing settles. Main goroutine.
func (v *SearchView) query(text string, statuses []jobs.Status) {
	v.stop()
	text = strings.TrimSpace(text)
	if v.u.cfg.Search == nil || text == "" {
		v.text, v.hits = "", nil
		v.setActive(false)
		return
	}
	v.stop = v.u.after(searchDelay, func(ctx context.Context) {
		hits, err := v.u.cfg.Search.Search(ctx, jobs.SearchQuery{Text: text, Statuses: statuses, Limit: searchLimit})
		prog := v.u.cfg.Search.IndexProgress()
		var content []jobs.SearchHit
		for _, h := range hits {
			if !h.Name {
				content = append(content, h)
			}
		}
		v.u.do(func() {
			if strings.TrimSpace(v.u.list.Search.Text) != text {
				return // typing went on
			}
			v.text, v.hits = text, content
			v.Header.SetText(hitsHeader(len(content), prog, err))
			v.List.UnselectAll()
			v.List.Refresh()
			v.List.ScrollToTop()
			v.setActive(true)
		})
	})
}

// hitsHeader is the line above the places found.
func hitsHeader(n int, p jobs.IndexProgress, err error) string {
	var s string
	switch {
	case err != nil:
		s = "Search failed: " + err.Error() + ". Try other words; a name search still works below."
	case n == 0:
		s = "No parsed text matches. " + accountNote
	case n >= searchLimit:
		s = fmt.Sprintf("The best %d places in documents", n)
	case n == 1:
		s = "1 place in documents"
	default:
		s = fmt.Sprintf("%d places in documents", n)
	}
	if p.Running && p.Done < p.Total {
		s += fmt.Sprintf(" (still indexing: %d of %d results searched)", p.Done, p.Total)
	}
	return s
}

// hitRow is one place: the document, page and field, and the text around
// the hit with the words in bold.
type hitRow struct {
	widget.BaseWidget
	title   *widget.Label
	snippet *widget.RichText
}

func newHitRow() fyne.CanvasObject {
	r := &hitRow{title: &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		snippet: widget.NewRichText()}
	r.snippet.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *hitRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(r.title, r.snippet))
}

func (v *SearchView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(v.hits) {
		return
	}
	r := o.(*hitRow)
	h := v.hits[i]
	r.title.SetText(hitTitle(h))
	r.snippet.Segments = snippetSegments(h.Snippet)
	r.snippet.Refresh()
}

// hitTitle is "contract.pdf · p. 3 · total".
func hitTitle(h jobs.SearchHit) string {
	parts := []string{filepath.Base(h.Job.File)}
	if h.Page > 0 {
		parts = append(parts, fmt.Sprintf("p. %d", h.Page))
	}
	if h.Field != "" {
		parts = append(parts, h.Field)
	}
	return strings.Join(parts, " · ")
}

// snippetSegments renders a snippet on one line, the marked words bold in
// the primary colour.
func snippetSegments(s string) []widget.RichTextSegment {
	s = strings.Join(strings.Fields(s), " ")
	var segs []widget.RichTextSegment
	for s != "" {
		i := strings.Index(s, jobs.MarkStart)
		if i < 0 {
			segs = append(segs, snippetText(s, false))
			break
		}
		if i > 0 {
			segs = append(segs, snippetText(s[:i], false))
		}
		s = s[i+len(jobs.MarkStart):]
		j := strings.Index(s, jobs.MarkEnd)
		if j < 0 {
			j = len(s)
		}
		segs = append(segs, snippetText(s[:j], true))
		s = strings.TrimPrefix(s[j:], jobs.MarkEnd)
	}
	if n := len(segs); n > 0 {
		segs[n-1].(*widget.TextSegment).Style.Inline = false
	}
	return segs
}

func snippetText(s string, hit bool) *widget.TextSegment {
	st := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNameForeground}
	if hit {
		st.ColorName, st.TextStyle.Bold = theme.ColorNamePrimary, true
	}
	return &widget.TextSegment{Text: s, Style: st}
}

// open shows hit's job in the detail, then its place: the block selected
// in the result and, with the page view opened, highlighted on its page
// (an extract field: its cited region; otherwise the page). Main goroutine.
func (v *SearchView) open(h jobs.SearchHit) {
	d := v.u.detail
	d.Show(h.Job.ID)
	seq := d.seq
	v.u.whenUI(revealTimeout, func() bool { return d.seq != seq || (d.shown && d.job.ID == h.Job.ID) }, func() {
		if d.seq != seq {
			return // another job was chosen meanwhile
		}
		v.reveal(h)
	})
}

// reveal shows hit h in the detail that now shows its job.
func (v *SearchView) reveal(h jobs.SearchHit) {
	d := v.u.detail
	if h.Block >= 0 && d.View.Parse != nil {
		d.showBlockInResult(h.Block)
	}
	if d.pages == nil || (h.Page <= 0 && h.Block < 0) {
		return
	}
	pv := d.pages.pv
	if !d.pages.Toggle.Checked {
		d.pages.Toggle.SetChecked(true)
	}
	seq := d.seq
	v.u.whenUI(revealTimeout, func() bool { return d.seq != seq || pv.HasDocument() }, func() {
		if d.seq != seq || !pv.HasDocument() {
			return
		}
		if h.Block >= 0 && pv.Select(h.Block) {
			return
		}
		if c, ok := fieldCite(d.model, h.Field); ok && d.showCiteOnPage(c) {
			return
		}
		if h.Page > 0 {
			pv.GoTo(h.Page - 1)
		}
	})
}

// fieldCite is the first cited region of the extract field at path.
func fieldCite(m *resultModel, path string) (result.Citation, bool) {
	if m == nil || m.tree == nil || path == "" {
		return result.Citation{}, false
	}
	var found *result.Node
	var walk func(n *result.Node)
	walk = func(n *result.Node) {
		if found != nil {
			return
		}
		if n.Path == path {
			found = n
			return
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(m.tree)
	if found == nil {
		return result.Citation{}, false
	}
	for _, c := range found.Cites {
		if c.Box != nil {
			return c, true
		}
	}
	return result.Citation{}, false
}

// whenUI runs then on the main goroutine once cond holds there, checking
// every few tens of milliseconds up to timeout (the detail and the page
// view load in the background and say nothing when done).
func (u *App) whenUI(timeout time.Duration, cond func() bool, then func()) {
	u.goBg(func(ctx context.Context) {
		deadline := time.Now().Add(timeout)
		tick := time.NewTicker(30 * time.Millisecond)
		defer tick.Stop()
		for time.Now().Before(deadline) {
			done := make(chan bool, 1)
			u.do(func() {
				ok := cond()
				if ok {
					then()
				}
				done <- ok
			})
			select {
			case <-ctx.Done():
				return
			case ok := <-done:
				if ok {
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
}

// followIndex shows the first indexing of an older history in the status
// line while it runs (the app stays usable: search finds what is indexed
// so far), and stops looking once the index has caught up.
func (v *SearchView) followIndex() {
	s := v.u.cfg.Search
	if s == nil {
		return
	}
	v.u.goBg(func(ctx context.Context) {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		shown, idle := false, 0
		for {
			p := s.IndexProgress()
			switch {
			case p.Running && p.Done < p.Total:
				shown, idle = true, 0
				msg := fmt.Sprintf("Indexing your history for search: %d of %d results…", p.Done, p.Total)
				v.u.do(func() { v.u.setStatus(msg) })
			case shown:
				msg := fmt.Sprintf("Search index ready: %d results searchable.", p.Done)
				v.u.do(func() {
					if strings.HasPrefix(v.u.status.Text, "Indexing your history") {
						v.u.setStatus(msg)
					}
				})
				return
			default:
				// Not started yet, or nothing to do: look a few times.
				if idle++; idle > 5 {
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
}

// SearchFor selects the job list and searches it for text, names and
// contents (the tray's and the screenshots' way in). Main goroutine.
func (u *App) SearchFor(text string) {
	u.tabs.SelectIndex(0)
	u.list.Search.SetText(text)
}
