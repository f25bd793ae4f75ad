package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// searchDelay lets typing finish before the list is queried again.
const searchDelay = 250 * time.Millisecond

// statusFilters are the choices of the status filter; "active" gathers the
// statuses not final.
var statusFilters = map[string][]jobs.Status{
	"All":       nil,
	"Active":    {jobs.StatusQueued, jobs.StatusUploading, jobs.StatusPending, jobs.StatusRunning},
	"Completed": {jobs.StatusCompleted},
	"Failed":    {jobs.StatusFailed},
	"Cancelled": {jobs.StatusCancelled},
}

// JobList is the history, newest first: a virtualised widget.List over a
// pager, so only the visible rows and a bounded cache are ever in memory.
type JobList struct {
	u     *App
	pager *pager

	List   *openList
	Search *widget.Entry
	Filter *widget.Select
	Count  *widget.Label

	// progress holds the latest progress of jobs in flight, in [0,1];
	// written by the event goroutine, read when rows draw.
	progMu   sync.Mutex
	progress map[int64]float64
	notes    map[int64]string // a passing state, e.g. "waiting for the API (503), next try in 20 s"

	// visible maps list positions to the row widgets last drawn there;
	// main goroutine only. Tests read what the user would see from it.
	visible map[int]*jobRow
	rowPos  map[*jobRow]int

	reloadMu      sync.Mutex
	reloadPending bool
	stopSearch    func() // cancels the pending search
	selected      int64  // the selected job's id (0: none)
	selIndex      int    // the row it was selected at
	toolbar       fyne.CanvasObject
	// Drop says what a drop does now (the Submit panel's kind and
	// preset); DropPreset changes the preset from here.
	Drop       *widget.Label
	DropPreset *widget.Select
	empty      *widget.Label     // what to do when the list is empty
	examples   fyne.CanvasObject // "Try the examples", in the sandbox with its examples; nil otherwise
	widget     fyne.CanvasObject // the list with its empty state
}

// emptyText is the empty list's hint, for a fresh install and for a
// filter or search that matches nothing.
const (
	emptyText        = "Drop documents here, or use Add files…\nEach one is uploaded to Reducto and followed to its end."
	emptyMatchesText = "No jobs match this filter or search."
	examplesText     = "Try the examples: pick “Sort mail (example)” below and drop the sample mail from the examples folder here " +
		"(it is sorted, and the invoice's fields extracted), or pick “Fill form (example)” and drop “blank form.pdf”."
)

func newJobList(u *App) *JobList {
	l := &JobList{u: u, pager: newPager(u.be), progress: map[int64]float64{}, notes: map[int64]string{}, visible: map[int]*jobRow{}, rowPos: map[*jobRow]int{}}
	l.List = newOpenList(l.length, l.createItem, l.updateItem)
	l.List.OnSelected = l.onSelected
	l.Search = &widget.Entry{PlaceHolder: "Search by file name", OnChanged: l.onSearch}
	l.Filter = widget.NewSelect([]string{"All", "Active", "Completed", "Failed", "Cancelled"}, func(string) { l.Reload(); l.searchContents() })
	l.Filter.Selected = "All"
	l.Count = &widget.Label{}
	add := widget.NewButtonWithIcon("Add files…", theme.ContentAddIcon(), func() { u.submitForm().PickFiles(); u.tabs.SelectIndex(1) })
	l.Drop = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	l.DropPreset = widget.NewSelect(nil, func(name string) {
		if sel := u.submitForm().Preset; name != "" && sel.Selected != name {
			sel.SetSelected(name) // the panel loads it; syncDrop shows it here
		}
	})
	l.toolbar = container.NewBorder(nil, nil, container.NewHBox(l.Filter, add), l.Count, l.Search)
	// Under the list, not over the whole tab: the detail keeps its height.
	drop := container.NewBorder(widget.NewSeparator(), nil, nil, l.DropPreset, l.Drop)
	// Full width (not centred in a Center container, where wrapped text
	// gets no width at all), in the middle of the list's height.
	l.empty = &widget.Label{Text: emptyText, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}
	hint := container.New(centredColumn{}, l.empty)
	if dir := u.cfg.Examples; dir != "" {
		open := widget.NewButtonWithIcon("Open the examples folder", theme.FolderOpenIcon(), func() { u.openPath("Open the examples folder", dir) })
		l.examples = container.NewVBox(
			&widget.Label{Text: examplesText, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord}, container.NewCenter(open))
		hint.Add(l.examples)
	}
	l.widget = container.NewBorder(nil, drop, nil, nil, container.NewStack(l.List, container.NewPadded(hint)))
	return l
}

// centredColumn stacks objects at the full width, centred in the height.
// Each is given its width before its height is asked, so a wrapped label
// says the lines it really takes (a VBox asks first, and the label answers
// for its last width: the text then runs under what follows it).
type centredColumn struct{}

func (centredColumn) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			m := o.MinSize()
			if s.Height > 0 {
				s.Height += theme.Padding()
			}
			s.Width, s.Height = max(s.Width, m.Width), s.Height+m.Height
		}
	}
	return s
}

func (centredColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var heights []float32
	total := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Resize(fyne.NewSize(size.Width, o.Size().Height)) // the width first
		h := o.MinSize().Height
		heights = append(heights, h)
		if total > 0 {
			total += theme.Padding()
		}
		total += h
	}
	y, i := max(0, (size.Height-total)/2), 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, heights[i]))
		y += heights[i] + theme.Padding()
		i++
	}
}

// Widget is the list with its empty state.
func (l *JobList) Widget() fyne.CanvasObject { return l.widget }

// syncDrop says what a drop does with the Submit panel's options ("Drop
// documents here: parse with invoices") and offers its presets: a preset
// picked in Submit silently became what every drop does. Main goroutine.
func (l *JobList) syncDrop() {
	if l == nil {
		return // the Submit panel is built first
	}
	if l.Drop == nil {
		return
	}
	st := l.u.submitState()
	with := "with the Submit tab's options"
	if st.preset != "" {
		with = "with " + st.preset
	}
	l.Drop.SetText(fmt.Sprintf("Drop documents here: %s %s", st.kind, with))
	l.DropPreset.Options = st.options
	l.DropPreset.Selected = st.selected
	l.DropPreset.Refresh()
}

// Toolbar holds the filter, the search field and the count.
func (l *JobList) Toolbar() fyne.CanvasObject { return l.toolbar }

// query is the filter the toolbar describes. Main goroutine.
func (l *JobList) query() jobs.Query {
	return jobs.Query{Statuses: statusFilters[l.Filter.Selected], Search: l.Search.Text}
}

func (l *JobList) onSearch(string) {
	if l.stopSearch != nil {
		l.stopSearch()
	}
	q := l.query()
	ticket := l.pager.want(q)
	l.stopSearch = l.u.after(searchDelay, func(ctx context.Context) { l.reloadWith(ctx, q, ticket, true) })
	l.searchContents()
}

// searchContents looks for the search box's words in the results too
// (ui/search.go), with the status filter.
func (l *JobList) searchContents() {
	if l.u.search != nil {
		l.u.search.query(l.Search.Text, l.query().Statuses)
	}
}

// Reload takes a new snapshot with the toolbar's filter. Main goroutine.
func (l *JobList) Reload() {
	q := l.query()
	ticket := l.pager.want(q)
	l.u.goBg(func(ctx context.Context) { l.reloadWith(ctx, q, ticket, true) })
}

// reloadWith takes a new snapshot for q. A new filter clears the selection;
// a refresh of the same filter keeps it, since the user did not ask for it.
func (l *JobList) reloadWith(ctx context.Context, q jobs.Query, ticket uint64, newFilter bool) {
	if err := l.pager.resetFor(ctx, q, ticket); err != nil {
		if ctx.Err() == nil {
			l.u.do(func() { l.u.showError("Load jobs", err) })
		}
		return
	}
	l.u.do(func() {
		if newFilter {
			l.selected = 0
			l.List.UnselectAll()
		}
		l.visible, l.rowPos = map[int]*jobRow{}, map[*jobRow]int{}
		l.refreshVisible()
	})
}

// scheduleReload coalesces the reloads status changes under a status filter
// ask for. Safe from any goroutine.
func (l *JobList) scheduleReload() {
	l.reloadMu.Lock()
	defer l.reloadMu.Unlock()
	if l.reloadPending {
		return
	}
	l.reloadPending = true
	l.u.after(500*time.Millisecond, func(ctx context.Context) {
		l.reloadMu.Lock()
		l.reloadPending = false
		l.reloadMu.Unlock()
		q, ticket := l.pager.again()
		l.reloadWith(ctx, q, ticket, false)
	})
}

// apply folds events into the pager and the progress map; it runs on the
// event goroutine.
func (l *JobList) apply(batch []jobs.Event) (changed, stale bool) {
	l.progMu.Lock()
	for _, ev := range batch {
		switch {
		case ev.Job.Status.Final():
			delete(l.progress, ev.Job.ID)
			delete(l.notes, ev.Job.ID)
		case ev.Note != "":
			l.notes[ev.Job.ID] = ev.Note
		case ev.Kind == jobs.EventProgress && ev.Total == 0 && ev.Progress < 0:
			delete(l.notes, ev.Job.ID) // a note cleared: the trouble is over
		case ev.Kind == jobs.EventProgress && ev.Job.Status == jobs.StatusUploading && ev.Total > 0:
			l.progress[ev.Job.ID] = float64(ev.Sent) / float64(ev.Total)
		case ev.Kind == jobs.EventProgress && ev.Progress >= 0:
			l.progress[ev.Job.ID] = ev.Progress
		}
	}
	l.progMu.Unlock()
	for _, ev := range batch {
		c, s := l.pager.apply(ev)
		changed = changed || c || ev.Kind == jobs.EventProgress
		stale = stale || s
	}
	return changed, stale
}

// refreshVisible redraws the rows on screen. Main goroutine.
func (l *JobList) refreshVisible() {
	n := l.pager.Len()
	l.Count.SetText(widgets.Count(n, "job", "jobs"))
	if l.u.search != nil {
		l.u.search.namesShown(n)
	}
	l.showEmpty(n)
	l.followSelection(n)
	l.List.Refresh()
}

// showEmpty shows what to do when the list has no rows. Main goroutine.
func (l *JobList) showEmpty(n int) {
	if n > 0 {
		l.empty.Hide()
		if l.examples != nil {
			l.examples.Hide()
		}
		return
	}
	text, filtered := emptyText, l.Search.Text != "" || l.Filter.Selected != "All"
	if filtered {
		text = emptyMatchesText
	}
	l.empty.SetText(text)
	l.empty.Show()
	if l.examples != nil {
		show(l.examples, !filtered)
	}
}

// followSelection keeps the highlight on the selected job when new jobs
// push it down: widget.List selects a row index, not a job.
func (l *JobList) followSelection(n int) {
	if l.selected == 0 {
		return
	}
	if j, ok, _ := l.pager.Row(l.selIndex); ok && j.ID == l.selected {
		return
	}
	// New jobs arrive at the top, so look below where it was.
	for i := l.selIndex; i < n && i < l.selIndex+selectionSearch; i++ {
		if j, ok, _ := l.pager.Row(i); ok && j.ID == l.selected {
			l.selIndex = i
			l.List.Select(i) // onSelected sees the same job and does nothing
			return
		}
	}
	l.selected = 0
	l.List.UnselectAll()
}

// showing moves the highlight to the job the detail shows now when it
// was not picked in the list (a chained Extract… or Split…, a retry, a
// link, the tray), so the selection and the detail always agree and a
// click on the parent's row shows the parent again. A job not listed yet
// is highlighted when it arrives. Main goroutine.
func (l *JobList) showing(id int64) {
	if id == l.selected {
		return
	}
	l.selected, l.selIndex = id, 0
	n := l.pager.Len()
	for i := 0; i < n && i < selectionSearch; i++ {
		if j, ok, _ := l.pager.Row(i); ok && j.ID == id {
			l.selIndex = i
			l.List.Select(i) // onSelected sees the same job and does nothing
			return
		}
	}
	l.List.UnselectAll() // followSelection finds it once it is listed
}

// selectionSearch bounds how far followSelection looks for a moved job.
const selectionSearch = 1000

func (l *JobList) length() int { return l.pager.Len() }

func (l *JobList) createItem() fyne.CanvasObject { return newJobRow() }

func (l *JobList) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*jobRow)
	if pos, ok := l.rowPos[row]; ok && pos != id && l.visible[pos] == row {
		delete(l.visible, pos)
	}
	l.visible[id], l.rowPos[row] = row, id
	j, ok, fetch := l.pager.Row(id)
	if fetch >= 0 {
		l.u.goBg(func(ctx context.Context) {
			changed, err := l.pager.fetch(ctx, fetch)
			if err != nil && ctx.Err() == nil {
				l.u.do(func() { l.u.showError("Load jobs", err) })
			}
			if changed {
				l.u.do(l.List.Refresh)
			}
		})
	}
	if !ok {
		row.loading()
		return
	}
	l.progMu.Lock()
	p, hasProgress := l.progress[j.ID]
	note := l.notes[j.ID]
	l.progMu.Unlock()
	row.show(j, p, hasProgress, l.u.cfg.Now())
	if note != "" && !j.Status.Final() {
		// The short form ("waiting for the API"); the detail view has it all.
		short, _, _ := strings.Cut(note, " (")
		row.progress.Hide()
		row.status.SetText(short)
		row.status.Show()
	}
}

func (l *JobList) onSelected(id widget.ListItemID) {
	j, ok, _ := l.pager.Row(id)
	if !ok {
		return
	}
	l.selIndex = id
	if j.ID == l.selected {
		return // the highlight followed the job; the detail already shows it
	}
	l.selected = j.ID
	l.u.detail.Show(j.ID)
}

// openList is a widget.List on which Enter (or Return) opens the focused
// row as Space does: Fyne's list selects only on Space.
type openList struct {
	widget.List
}

func newOpenList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *openList {
	l := &openList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey opens the focused row on Enter; other keys go to the list.
func (l *openList) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		e = &fyne.KeyEvent{Name: fyne.KeySpace, Physical: e.Physical}
	}
	l.List.TypedKey(e)
}

// jobRow is one line of the list: status icon, file name, its cost (pages
// and credits), kind, a progress bar while uploading or running (the
// status word otherwise), age and duration.
type jobRow struct {
	widget.BaseWidget
	icon     *widget.Icon
	name     *widget.Label
	cost     *widget.Label // pages and credits, shown only where the name leaves room
	kind     *widget.Label
	status   *widget.Label
	progress *widget.ProgressBar
	age      *widget.Label
	duration *widget.Label

	hasCost  bool // the job has a cost to show (the layout decides whether it fits)
	renderer *jobRowRenderer
}

func newJobRow() *jobRow {
	cut := func(l *widget.Label) *widget.Label { l.Truncation = fyne.TextTruncateEllipsis; return l }
	r := &jobRow{
		icon:     widget.NewIcon(theme.FileIcon()),
		name:     cut(&widget.Label{}),
		cost:     cut(&widget.Label{Importance: widget.LowImportance}),
		kind:     cut(&widget.Label{}),
		status:   cut(&widget.Label{}),
		progress: &widget.ProgressBar{Max: 1},
		age:      cut(&widget.Label{Alignment: fyne.TextAlignTrailing}),
		duration: cut(&widget.Label{Alignment: fyne.TextAlignTrailing}),
	}
	r.progress.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", r.progress.Value*100) }
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out with jobRowLayout.
func (r *jobRow) CreateRenderer() fyne.WidgetRenderer {
	// The bar in the budget bar's colours: its "45%" reads on the fill
	// and on the faded track (white on the track was 2.4:1).
	bar := container.NewThemeOverride(r.progress, &importanceTheme{Theme: fyne.CurrentApp().Settings().Theme(), imp: widget.MediumImportance})
	r.renderer = &jobRowRenderer{r: r, objs: []fyne.CanvasObject{r.icon, r.name, r.cost, r.kind, bar, r.status, r.age, r.duration}}
	return r.renderer
}

// relayout places the texts again after they changed: a recycled row
// keeps its size, so Fyne would not lay it out, and the name would keep
// the width of the previous job's name.
func (r *jobRow) relayout() {
	if r.renderer != nil {
		r.renderer.Layout(r.Size())
	}
}

type jobRowRenderer struct {
	r    *jobRow
	objs []fyne.CanvasObject
}

func (rr *jobRowRenderer) Objects() []fyne.CanvasObject { return rr.objs }
func (rr *jobRowRenderer) Destroy()                     {}
func (rr *jobRowRenderer) Refresh() {
	rr.Layout(rr.r.Size())
	for _, o := range rr.objs {
		o.Refresh()
	}
}

// MinSize is the icon, the status column and a little of the name: the
// row never asks for more, whatever it shows (the list decides the width).
func (rr *jobRowRenderer) MinSize() fyne.Size {
	h := float32(0)
	for _, o := range rr.objs {
		h = max(h, o.MinSize().Height)
	}
	w := jobColumnWidths()
	return fyne.NewSize(rr.r.icon.MinSize().Width+w[colStatus]+nameRoom/2, h)
}

// The fixed columns, right of the name.
const (
	colKind = iota
	colStatus
	colAge
	colDuration
)

// nameRoom is the width a file name keeps before the status column takes
// it: below it the name is cut first.
const nameRoom = 120

// jobColumnWidths are the fixed columns' widths, measured for their
// longest usual text at the theme's text size (so they line up from row
// to row and hold their text at any text size); a longer text is cut
// with an ellipsis inside its column, never drawn over the next.
func jobColumnWidths() [4]float32 {
	m := func(s string) float32 {
		return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
	}
	// +4: the truncator cut "extract" to "extr…" at its measured width.
	return [4]float32{m(longestKind()) + 4, m("completed") + 8, m("59m ago") + 4, m("10h59m") + 4}
}

// longestKind is the longest registered kind's name, for the kind column
// (kinds register at init: looked up once, not on every row's layout).
var longestKind = sync.OnceValue(func() string {
	longest := ""
	for _, k := range jobs.Kinds() {
		if len(k.Kind) > len(longest) {
			longest = string(k.Kind)
		}
	}
	return longest
})

// textWidth is what a label needs to show its whole text (2 px over the
// measure: the truncator shapes a hair wider and cut "scan.pdf" exactly
// at its measured width).
func textWidth(l *widget.Label) float32 {
	if l.Text == "" {
		return 0
	}
	return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding() + 2
}

// Layout gives each text its own rectangle, side by side, so no text is
// ever drawn over another at any width. What gives way as the row
// narrows, in order: the cost (shown only whole, after the whole name),
// then the duration, the age and the kind columns (hidden, while the
// name would get less than nameRoom), then the name (cut with an
// ellipsis); the status icon and the status column always stay.
func (rr *jobRowRenderer) Layout(size fyne.Size) {
	r := rr.r
	pad := theme.Padding()
	iconW := r.icon.MinSize().Width
	widths := jobColumnWidths()
	cols := [4]fyne.CanvasObject{r.kind, nil, r.age, r.duration}
	shown := [4]bool{true, true, true, true}
	right := float32(0)
	for _, w := range widths {
		right += w + pad
	}
	nameW := textWidth(r.name)
	avail := func() float32 { return size.Width - iconW - pad - right }
	// By the row's width alone, not its name's: every row of the list
	// then shows the same columns, and they line up.
	for _, i := range []int{colDuration, colAge, colKind} {
		if avail() >= nameRoom {
			break
		}
		shown[i] = false
		right -= widths[i] + pad
	}
	r.icon.Move(fyne.NewPos(0, 0))
	r.icon.Resize(fyne.NewSize(iconW, size.Height))
	x := size.Width
	for i := len(widths) - 1; i >= 0; i-- {
		if !shown[i] {
			cols[i].Hide() // a label sized to nothing still draws its text
			continue
		}
		x -= widths[i]
		if i == colStatus {
			for _, o := range []fyne.CanvasObject{r.status, rr.objs[4]} { // the bar's theme box
				o.Move(fyne.NewPos(x, 0))
				o.Resize(fyne.NewSize(widths[i], size.Height))
			}
		} else {
			cols[i].Show()
			cols[i].Move(fyne.NewPos(x, 0))
			cols[i].Resize(fyne.NewSize(widths[i], size.Height))
		}
		x -= pad
	}
	room := max(x-iconW-pad, 0)
	costW := textWidth(r.cost)
	if r.hasCost && nameW+costW <= room {
		r.name.Resize(fyne.NewSize(nameW, size.Height))
		r.cost.Move(fyne.NewPos(iconW+pad+nameW, 0))
		r.cost.Resize(fyne.NewSize(costW, size.Height))
		r.cost.Show()
	} else {
		r.cost.Hide()
		r.name.Resize(fyne.NewSize(room, size.Height))
	}
	r.name.Move(fyne.NewPos(iconW+pad, 0))
}

func (r *jobRow) loading() {
	if r.icon.Resource != theme.FileIcon() {
		r.icon.SetResource(theme.FileIcon())
	}
	r.name.SetText("…")
	r.hasCost = false
	r.kind.SetText("")
	r.status.SetText("")
	r.status.Show()
	r.progress.Hide()
	r.age.SetText("")
	r.duration.SetText("")
	r.relayout()
}

func (r *jobRow) show(j jobs.Job, progress float64, hasProgress bool, now time.Time) {
	if res := statusIcon(j.Status); r.icon.Resource != res {
		r.icon.SetResource(res)
	}
	r.name.SetText(filepath.Base(j.File))
	c := costText(j)
	if j.Category != "" {
		// A classify's category, or a routed job's, says more than its
		// cost (which the detail shows) and fits where both would not.
		c = "  · " + j.Category
	}
	r.cost.SetText(strings.TrimPrefix(c, "  · "))
	r.hasCost = c != ""
	r.kind.SetText(string(j.Kind))
	if (j.Status == jobs.StatusUploading || j.Status == jobs.StatusRunning) && hasProgress {
		r.status.Hide()
		r.progress.SetValue(progress)
		r.progress.Show()
	} else {
		r.progress.Hide()
		r.status.SetText(string(j.Status))
		r.status.Show()
	}
	r.age.SetText(age(now.Sub(j.CreatedAt)))
	switch {
	case j.CompletedAt != nil:
		r.duration.SetText(duration(j.CompletedAt.Sub(j.CreatedAt)))
	case j.Status.Final():
		r.duration.SetText("")
	default:
		r.duration.SetText(duration(now.Sub(j.CreatedAt)))
	}
	r.relayout()
}

// Text is what the row shows, for tests: name, kind and status.
func (r *jobRow) Text() string {
	st := r.status.Text
	if r.progress.Visible() {
		st = fmt.Sprintf("%.0f%%", r.progress.Value*100)
	}
	return r.name.Text + " " + r.kind.Text + " " + st
}

// statusIcons are made once: a themed resource recolours its SVG when drawn,
// and new instances per row would redo that work on every scroll.
var statusIcons = sync.OnceValue(func() map[jobs.Status]fyne.Resource {
	m := map[jobs.Status]fyne.Resource{}
	for _, s := range jobs.AllStatuses {
		m[s] = makeStatusIcon(s)
	}
	return m
})

func statusIcon(s jobs.Status) fyne.Resource {
	if r, ok := statusIcons()[s]; ok {
		return r
	}
	return theme.QuestionIcon()
}

func makeStatusIcon(s jobs.Status) fyne.Resource {
	switch s {
	case jobs.StatusQueued:
		return theme.HistoryIcon()
	case jobs.StatusUploading:
		return theme.UploadIcon()
	case jobs.StatusPending:
		return theme.MoreHorizontalIcon()
	case jobs.StatusRunning:
		return theme.NewPrimaryThemedResource(theme.MediaPlayIcon())
	case jobs.StatusCompleted:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case jobs.StatusFailed:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case jobs.StatusCancelled:
		return theme.CancelIcon()
	}
	return theme.QuestionIcon()
}

// duration is a short elapsed time.
func duration(d time.Duration) string {
	switch {
	case d < 0:
		return ""
	case d < time.Minute:
		return fmt.Sprintf("%.0fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
