package webhooksview

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// deliveryPage is how many records one read of the log asks for; older
// ones load as the list scrolls down to them.
const deliveryPage = 200

// maxDeliveryRows bounds what the list keeps loaded: a live refresh reads
// again everything loaded, and a flood must not make that a long read.
const maxDeliveryRows = 5000

// Filter choices of the delivery list.
const (
	allVerdicts = "All verdicts"
	allRoutes   = "All routes"
)

// DeliveryList is the delivery log, newest first: a virtualised
// widget.List over the records loaded so far (a page at a time, without
// headers and bodies), with filters on the verdict and the route.
type DeliveryList struct {
	v *View

	List    *widget.List
	Verdict *widget.Select
	Route   *widget.Select
	Count   *widget.Label
	Empty   *widget.Label

	// Main goroutine only.
	recs     []jobs.DeliveryRecord
	more     bool   // older records may exist beyond recs
	loading  bool   // a page of older records is being read
	ticket   uint64 // bumps per filter change; older reads are dropped
	selected int64  // the selected record's Seq (0: none)
	visible  map[int]*deliveryRow
	obj      fyne.CanvasObject
}

func newDeliveryList(v *View) *DeliveryList {
	l := &DeliveryList{v: v, visible: map[int]*deliveryRow{}}
	l.List = &widget.List{Length: func() int { return len(l.recs) }, CreateItem: func() fyne.CanvasObject { return newDeliveryRow() },
		UpdateItem: l.updateItem, OnSelected: l.onSelected}
	verdicts := []string{allVerdicts}
	for _, vd := range jobs.Verdicts {
		verdicts = append(verdicts, verdictText(vd))
	}
	l.Verdict = widget.NewSelect(verdicts, func(string) { l.Reload() })
	l.Verdict.Selected = allVerdicts
	l.Route = widget.NewSelect([]string{allRoutes, string(jobs.ViaSvix), string(jobs.ViaDirect), string(jobs.ViaRelay)}, func(string) { l.Reload() })
	l.Route.Selected = allRoutes
	l.Count = &widget.Label{}
	l.Empty = &widget.Label{Text: webhooksEmptyText, Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	l.Empty.Hide()
	// The count goes under the list: beside the filters it would widen a
	// small window.
	bar := container.NewHBox(l.Verdict, l.Route)
	l.obj = container.NewBorder(bar, l.Count, nil, nil, container.NewStack(l.List, container.NewPadded(l.Empty)))
	return l
}

// Object is the list with its filters.
func (l *DeliveryList) Object() fyne.CanvasObject { return l.obj }

// filter is what the toolbar selects. Main goroutine.
func (l *DeliveryList) filter() jobs.DeliveryFilter {
	var f jobs.DeliveryFilter
	for _, vd := range jobs.Verdicts {
		if verdictText(vd) == l.Verdict.Selected {
			f.Verdict = vd
		}
	}
	if l.Route.Selected != allRoutes {
		f.Via = jobs.Via(l.Route.Selected)
	}
	return f
}

// Reload reads the newest page for the toolbar's filter and clears the
// selection. Main goroutine.
func (l *DeliveryList) Reload() {
	l.ticket++
	l.selected = 0
	l.List.UnselectAll()
	l.load(deliveryPage, true)
}

// refresh reads again what is loaded (a live change), keeping the
// selection. Main goroutine.
func (l *DeliveryList) refresh() {
	l.load(min(max(len(l.recs), deliveryPage), maxDeliveryRows), false)
}

// load reads the newest n records for the filter, and the newest record
// of the whole log for the receiver's "last delivery".
func (l *DeliveryList) load(n int, reset bool) {
	f, ticket, be := l.filter(), l.ticket, l.v.be
	f.Limit = n
	l.v.h.Go(func(ctx context.Context) {
		recs, err := be.List(ctx, f)
		var last []jobs.DeliveryRecord
		var lerr error
		if err == nil {
			last, lerr = be.List(ctx, jobs.DeliveryFilter{Limit: 1})
		}
		l.v.h.Do(func() {
			if err != nil || lerr != nil {
				if ctx.Err() == nil {
					l.v.h.ShowError("Load webhook deliveries", firstErr(err, lerr))
				}
				return
			}
			if ticket != l.ticket {
				return // the filter changed meanwhile
			}
			l.recs, l.more = recs, len(recs) == n
			if len(last) > 0 {
				l.v.setLast(&last[0])
			} else {
				l.v.setLast(nil)
			}
			l.show(reset)
		})
	})
}

// loadOlder appends the page after the last loaded record. Main goroutine.
func (l *DeliveryList) loadOlder() {
	if l.loading || !l.more || len(l.recs) == 0 || len(l.recs) >= maxDeliveryRows {
		return
	}
	l.loading = true
	f, ticket, be := l.filter(), l.ticket, l.v.be
	f.Limit, f.BeforeSeq = deliveryPage, l.recs[len(l.recs)-1].Seq
	l.v.h.Go(func(ctx context.Context) {
		recs, err := be.List(ctx, f)
		l.v.h.Do(func() {
			l.loading = false
			if err != nil {
				if ctx.Err() == nil {
					l.v.h.ShowError("Load webhook deliveries", err)
				}
				return
			}
			if ticket != l.ticket || len(l.recs) == 0 || l.recs[len(l.recs)-1].Seq != f.BeforeSeq {
				return // reloaded meanwhile
			}
			l.recs = append(l.recs, recs...)
			l.more = len(recs) == deliveryPage
			l.show(false)
		})
	})
}

// show redraws the list from recs and keeps the highlight on the selected
// record. Main goroutine.
func (l *DeliveryList) show(reset bool) {
	l.Count.SetText(countText(len(l.recs), l.more))
	widgets.Show(l.Empty, len(l.recs) == 0)
	if l.Empty.Visible() {
		f := l.filter()
		if f.Verdict != "" || f.Via != "" {
			l.Empty.SetText("No deliveries match these filters.")
		} else {
			l.Empty.SetText(webhooksEmptyText)
		}
	}
	l.visible = map[int]*deliveryRow{}
	if !reset && l.selected != 0 {
		found := false
		for i, r := range l.recs {
			if r.Seq == l.selected {
				l.List.Select(i) // onSelected sees the same record and does nothing
				found = true
				break
			}
		}
		if !found {
			l.selected = 0
			l.List.UnselectAll()
		}
	}
	l.List.Refresh()
}

func countText(n int, more bool) string {
	if more {
		return fmt.Sprintf("%d+ deliveries", n)
	}
	return widgets.Count(n, "delivery", "deliveries")
}

func (l *DeliveryList) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	row := o.(*deliveryRow)
	for pos, r := range l.visible {
		if r == row && pos != id {
			delete(l.visible, pos)
		}
	}
	l.visible[id] = row
	if id >= len(l.recs) {
		return
	}
	row.show(l.recs[id], l.v.cfg.Now)
	if id >= len(l.recs)-20 {
		l.loadOlder()
	}
}

func (l *DeliveryList) onSelected(id widget.ListItemID) {
	if id >= len(l.recs) || l.recs[id].Seq == l.selected {
		return
	}
	l.selected = l.recs[id].Seq
	l.v.detail.Show(l.recs[id].Seq)
}

// Rows are the texts of the loaded records in order, as the rows show
// them, for tests.
func (l *DeliveryList) Rows() []string {
	out := make([]string, len(l.recs))
	for i, r := range l.recs {
		out[i] = rowText(r)
	}
	return out
}

// deliveryRow is one line of the list: verdict icon, time, route, verdict
// and the job it concerned.
type deliveryRow struct {
	widget.BaseWidget
	icon    *widget.Icon
	when    *widget.Label
	via     *widget.Label
	verdict *widget.Label
	job     *widget.Label
}

func newDeliveryRow() *deliveryRow {
	r := &deliveryRow{
		icon:    widget.NewIcon(theme.QuestionIcon()),
		when:    &widget.Label{},
		via:     &widget.Label{},
		verdict: &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		job:     &widget.Label{Truncation: fyne.TextTruncateEllipsis, Alignment: fyne.TextAlignTrailing},
	}
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lines the columns up: fixed time and route on the left,
// the verdict taking what is left, the job on the right.
func (r *deliveryRow) CreateRenderer() fyne.WidgetRenderer {
	fixed := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	left := container.NewHBox(r.icon, fixed(74, r.when), fixed(58, r.via))
	center := container.New(&verdictFirst{}, r.verdict, r.job)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, left, nil, center))
}

// verdictFirst lays out a row's verdict (objs[0]) and job (objs[1]) side
// by side: the verdict gets its whole text when it fits, the job what is
// left; in a narrow list the job column goes rather than the verdict.
type verdictFirst struct{}

// minJobWidth is the narrowest job column worth showing.
const minJobWidth = 60

// Layout gives the verdict its text's width (at least half the space in a
// wide row, so the job columns line up) and the job the rest.
func (verdictFirst) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	verdict, job := objs[0], objs[1]
	label := verdict.(*widget.Label)
	// A label insets its text by the inner padding on each side.
	want := fyne.MeasureText(label.Text, theme.TextSize(), label.TextStyle).Width + 2*theme.InnerPadding() + 2
	w := min(size.Width, max(want, size.Width/2))
	if size.Width-w < minJobWidth {
		w = size.Width
	}
	verdict.Move(fyne.NewPos(0, 0))
	verdict.Resize(fyne.NewSize(w, size.Height))
	job.Move(fyne.NewPos(w, 0))
	job.Resize(fyne.NewSize(max(size.Width-w, 0), size.Height))
	widgets.Show(job, size.Width-w >= minJobWidth)
}

// MinSize is a truncated label's.
func (verdictFirst) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[0].MinSize()
}

func (r *deliveryRow) show(rec jobs.DeliveryRecord, now func() time.Time) {
	if res := verdictIcon(rec.Verdict); r.icon.Resource != res {
		r.icon.SetResource(res)
	}
	when := rec.ReceivedAt.Local()
	if now().Sub(rec.ReceivedAt) < 20*time.Hour {
		r.when.SetText(when.Format("15:04:05"))
	} else {
		r.when.SetText(when.Format("Jan 2"))
	}
	r.via.SetText(string(rec.Via))
	r.verdict.SetText(verdictText(rec.Verdict))
	r.job.SetText(jobText(rec))
}

// rowText is a row's words: route, verdict, job.
func rowText(rec jobs.DeliveryRecord) string {
	return fmt.Sprintf("%s %s %s", rec.Via, verdictText(rec.Verdict), jobText(rec))
}

// jobText is the job column: the payload's job id, shortened, and status.
func jobText(rec jobs.DeliveryRecord) string {
	id := rec.JobID
	if len(id) > 8 {
		id = id[:8] + "…"
	}
	// The status first: it is what a cut column should keep.
	switch {
	case id == "":
		return rec.Status
	case rec.Status == "":
		return id
	}
	return rec.Status + " · " + id
}

// verdictIcons are made once: themed resources recolour their SVG when
// drawn, and new ones per row would redo that on every scroll.
var verdictIcons = sync.OnceValue(func() map[jobs.Verdict]fyne.Resource {
	return map[jobs.Verdict]fyne.Resource{
		jobs.VerdictAccepted:     theme.NewSuccessThemedResource(theme.ConfirmIcon()),
		jobs.VerdictDuplicate:    theme.ContentCopyIcon(),
		jobs.VerdictBadSignature: theme.NewErrorThemedResource(theme.ErrorIcon()),
		jobs.VerdictStale:        theme.NewWarningThemedResource(theme.HistoryIcon()),
		jobs.VerdictNotReducto:   theme.NewWarningThemedResource(theme.QuestionIcon()),
		jobs.VerdictTooLarge:     theme.NewWarningThemedResource(theme.WarningIcon()),
		jobs.VerdictUnknownToken: theme.NewErrorThemedResource(theme.CancelIcon()),
		jobs.VerdictQueueFull:    theme.NewWarningThemedResource(theme.MediaPauseIcon()),
	}
})

func verdictIcon(v jobs.Verdict) fyne.Resource {
	if r, ok := verdictIcons()[v]; ok {
		return r
	}
	return theme.QuestionIcon()
}

// verdictText is a verdict in words.
func verdictText(v jobs.Verdict) string {
	switch v {
	case jobs.VerdictAccepted:
		return "accepted"
	case jobs.VerdictDuplicate:
		return "duplicate"
	case jobs.VerdictBadSignature:
		return "bad signature"
	case jobs.VerdictStale:
		return "stale timestamp"
	case jobs.VerdictNotReducto:
		return "not a Reducto payload"
	case jobs.VerdictTooLarge:
		return "too large"
	case jobs.VerdictUnknownToken:
		return "unknown token"
	case jobs.VerdictQueueFull:
		return "queue full"
	}
	return string(v)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
