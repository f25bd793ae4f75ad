package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui/widgets"
)

// maxJSONView bounds the text of the JSON tab; Export writes it all. The
// tab draws only what is in view, so this is about memory, not speed.
const maxJSONView = 64 << 20

// DetailView shows one job: its fields, timeline, error, result (as
// markdown and as JSON) and the actions on it.
type DetailView struct {
	u *App

	Title    *widget.Label
	Origin   *widget.Label   // where the job came from and its preset
	titleRow *fyne.Container // Title and Origin
	Fields   *widget.Form
	Error    *widget.Label
	Timeline *widget.Label
	Result   *widget.RichText // a one-line summary, or why there is no result
	View     *ResultView      // the structured result
	JSON     *widgets.LinesView
	Outputs  *OutputsView
	// Links lead to the parse a chained job ran on and to the jobs
	// chained on this one; Remedy offers what a failure needs (a password,
	// uploading the document again).
	Links  *fyne.Container
	Remedy *fyne.Container

	// The action bar: what the job can use now; More holds the rarely
	// used CopyID, Studio and Folder.
	Cancel, Retry, Export, More *widget.Button
	ExtractWith, SplitWith      *widget.Button
	CopyID, Studio, Folder      *fyne.MenuItem
	actions                     *fyne.Container
	flow                        *widgets.Flow
	moreMenu                    *widget.PopUpMenu

	model    *resultModel
	children []jobs.Job
	menu     *widget.PopUpMenu  // the export menu, once shown
	chainDlg *ChainDialog       // the last "Extract with…"/"Split with…" form
	prompt   *Prompt            // the remedy's open question, if any
	pages    *detailPages       // the page view beside the result
	tabs     *container.AppTabs // Result, JSON, Details

	job    jobs.Job
	result []byte
	shown  bool
	seq    uint64 // bumps per Show; older loads are dropped
	want   int64  // the job last asked for (shown once its load is done)
	// loading says a load of want is on its way in; again that an event
	// about want came meanwhile, which that load may have read before:
	// it is read once more when the load is in.
	loading, again bool
	obj            fyne.CanvasObject
	empty          fyne.CanvasObject
	body           *fyne.Container
	values         map[string]*widget.Label
}

var detailFields = []string{"Status", "Kind", "Category", "File", "Source", "Preset", "Reducto job", "Webhook", "Size", "Pages", "Credits", "Created", "Updated", "Completed", "Retry of"}

func newDetailView(u *App) *DetailView {
	d := &DetailView{u: u, values: map[string]*widget.Label{}}
	d.Title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	d.Origin = &widget.Label{Truncation: fyne.TextTruncateEllipsis, TextStyle: fyne.TextStyle{Italic: true}}
	// Shown once a job has an origin (load): laid out empty at start, it
	// parsed the italic font sets for an app that may never show a job.
	d.Origin.Hide()
	d.Fields = widget.NewForm()
	for _, f := range detailFields {
		v := &widget.Label{Truncation: fyne.TextTruncateEllipsis, Selectable: true}
		d.values[f] = v
		d.Fields.Append(f, v)
	}
	d.Error = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord, Selectable: true}
	d.Timeline = &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Monospace: true}}
	d.Result = widget.NewRichText()
	d.Result.Wrapping = fyne.TextWrapWord
	d.JSON = widgets.NewLinesView()
	d.View = newResultView(d)
	d.Links = container.NewHBox()
	d.Remedy = container.NewHBox()
	d.Outputs = newOutputsView(u)
	d.actions = d.newActions()
	// Ctrl+F finds in a parse result.
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
		if d.View.Parse != nil {
			d.View.Parse.focusFind()
		}
	})
	d.tabs = container.NewAppTabs(
		container.NewTabItem("Result", d.withPages(container.NewBorder(d.Result, nil, nil, nil, d.View.Object()))),
		container.NewTabItem("JSON", d.JSON), // scrolls itself; draws only the lines in view
		container.NewTabItem("Details", container.NewVScroll(container.NewVBox(d.Fields, widget.NewLabel("Timeline"), d.Timeline))),
	)
	title := container.New(&titleLine{title: d.Title}, d.Title, d.Origin)
	d.titleRow = title
	head := container.NewVBox(container.NewVBox(title, d.Links), d.Error, d.Remedy, d.actions, d.Outputs.Object())
	d.body = widgets.NewBarOver(head, d.actions, d.flow, d.tabs)
	d.empty = container.NewCenter(widget.NewLabel("Select a job to see its details."))
	d.body.Hide()
	d.obj = container.NewStack(d.empty, d.body)
	return d
}

// Object is the view's canvas object.
func (d *DetailView) Object() fyne.CanvasObject { return d.obj }

// Show loads job id into the view. Main goroutine.
func (d *DetailView) Show(id int64) {
	if d.u.list != nil {
		d.u.list.showing(id)
	}
	d.load(id)
}

// load reads job id and fills the view with it; a reload of the shown job
// (apply) comes here without touching the list's selection.
func (d *DetailView) load(id int64) {
	d.want = id
	d.seq++
	d.loading, d.again = true, false
	seq := d.seq
	d.u.goBg(func(ctx context.Context) {
		j, err := d.u.be.Job(ctx, id)
		if err != nil {
			d.u.do(func() {
				if seq == d.seq {
					d.loading = false
				}
				d.u.showError("Load job", err)
			})
			return
		}
		tl, terr := d.u.be.Timeline(ctx, id)
		var res []byte
		var rerr error
		if j.Status == jobs.StatusCompleted {
			res, rerr = d.u.be.Result(ctx, id)
		}
		// Reading a result of megabytes (blocks, tables) is work for this
		// goroutine, not for the one that draws the window.
		var model *resultModel
		var js *widgets.TextLines
		if res != nil {
			model = buildResult(j.Kind, res)
			js = jsonView(res)
		}
		children := d.loadChildren(ctx, j)
		d.u.do(func() {
			if seq != d.seq {
				return
			}
			d.loading = false
			d.children = children
			d.fill(j, tl, terr, res, rerr, model, js)
			if d.again {
				d.load(id)
			}
		})
	})
}

// jsonView is the result as shown in the JSON tab: indented, cut into
// lines, and shortened past maxJSONView. Off the UI goroutine.
func jsonView(res []byte) *widgets.TextLines {
	js := prettyJSON(res)
	if len(js) > maxJSONView {
		js = js[:maxJSONView] + "\n… shortened for display; Export JSON gives the whole result."
	}
	return widgets.NewTextLines(js)
}

func (d *DetailView) fill(j jobs.Job, tl []jobs.Transition, terr error, res []byte, rerr error, model *resultModel, js *widgets.TextLines) {
	d.job, d.result, d.shown, d.model = j, res, true, model
	d.empty.Hide()
	d.body.Show()
	d.Title.SetText(filepath.Base(j.File))
	set := func(k, v string) { d.values[k].SetText(v) }
	set("Status", string(j.Status))
	set("Kind", string(j.Kind))
	set("Category", orDash(j.Category))
	set("File", j.File)
	set("Source", sourceText(j.Source))
	d.Origin.SetText(originText(j))
	show(d.Origin, d.Origin.Text != "")
	d.titleRow.Refresh() // lays the origin out: a hidden one is not
	set("Preset", orDash(j.Preset))
	set("Reducto job", orDash(j.JobID))
	webhook := string(j.Webhook)
	if len(j.Options.Channels) > 0 {
		webhook += " (" + strings.Join(j.Options.Channels, ", ") + ")"
	}
	set("Webhook", webhook)
	set("Size", byteSize(j.Size))
	set("Pages", orDash(intText(j.Pages)))
	set("Credits", creditsText(j.Credits))
	set("Created", j.CreatedAt.Local().Format(time.DateTime))
	set("Updated", j.UpdatedAt.Local().Format(time.DateTime))
	if j.CompletedAt != nil {
		set("Completed", j.CompletedAt.Local().Format(time.DateTime)+" ("+duration(j.CompletedAt.Sub(j.CreatedAt))+")")
	} else {
		set("Completed", "—")
	}
	set("Retry of", orDash(intText(int(j.RetryOf))))
	d.Error.SetText(j.Error)
	show(d.Error, j.Error != "")
	d.Outputs.show(j, tl, "")

	var b strings.Builder
	for _, t := range tl {
		fmt.Fprintf(&b, "%s  %-9s → %s", t.At.Local().Format("15:04:05.000"), t.From, t.To)
		if t.Detail != "" {
			b.WriteString("  " + t.Detail)
		}
		b.WriteString("\n")
	}
	if terr != nil {
		b.WriteString("timeline unavailable: " + terr.Error())
	}
	d.Timeline.SetText(b.String())
	defer d.setPages(j, model) // after the result view is built

	switch {
	case res != nil:
		setNote(d.Result, model.summary(), false)
		d.View.show(model)
		d.JSON.SetLines(js)
	case rerr != nil && !errors.Is(rerr, jobs.ErrNotFound):
		setNote(d.Result, "The result could not be read: "+rerr.Error(), true)
		d.View.show(nil)
		d.JSON.SetLines(nil)
	default:
		setNote(d.Result, waitingText(j.Status), true)
		d.View.show(nil)
		d.JSON.SetLines(nil)
	}
	d.showLinks()
	d.showRemedy()
	// Only what this job can use is shown (and the hidden ones are
	// disabled too): a finished job has no Cancel, a running one no Export.
	offer := func(b *widget.Button, on bool) {
		enable(b, on)
		show(b, on)
	}
	offer(d.Cancel, !j.Status.Final())
	offer(d.Retry, j.Status == jobs.StatusFailed || j.Status == jobs.StatusCancelled)
	offer(d.Export, res != nil)
	chainable := j.Kind == jobs.KindParse && j.Status == jobs.StatusCompleted && j.JobID != "" && d.chainer() != nil
	offer(d.ExtractWith, chainable)
	offer(d.SplitWith, chainable)
	d.CopyID.Disabled = j.JobID == ""
	d.Studio.Disabled = j.StudioLink == ""
	d.Folder.Disabled = strings.HasPrefix(j.File, "jobid://")
	// The action bar may need fewer or more lines: lay the body out again
	// (not Refresh: that would redraw the whole result).
	d.actions.Refresh()
	d.body.Layout.Layout(d.body.Objects, d.body.Size())
}

// originText is the line under a job's title: where it came from and
// with which preset; "" when neither is known.
func originText(j jobs.Job) string {
	var parts []string
	if j.Source != "" {
		parts = append(parts, "From "+sourceText(j.Source))
	}
	switch {
	case j.Preset != "":
		parts = append(parts, "preset "+j.Preset)
	case j.Source == jobs.SourceChain && j.Kind == jobs.KindExtract:
		parts = append(parts, "a one-off schema")
	case j.Source == jobs.SourceChain && j.Kind == jobs.KindSplit:
		parts = append(parts, "one-off sections")
	}
	if j.Category != "" {
		parts = append(parts, "category "+j.Category)
	}
	return strings.Join(parts, " · ")
}

// sourceText says what started a job.
func sourceText(s jobs.Source) string {
	switch s {
	case jobs.SourceDrop:
		return "the window (drop or Add files)"
	case jobs.SourceCLI:
		return "the command line"
	case jobs.SourceWatch:
		return "a watched folder"
	case jobs.SourceChain:
		return "a completed parse"
	case jobs.SourceRoute:
		return "a classify's route"
	}
	return "—"
}

func waitingText(s jobs.Status) string {
	switch s {
	case jobs.StatusFailed:
		return "The job failed; see the error above."
	case jobs.StatusCancelled:
		return "The job was cancelled."
	}
	return "The result appears here when the job completes."
}

func intText(n int) string { return fmt.Sprint(n) }

// apply reloads the shown job when an event is about it. Main goroutine.
func (d *DetailView) apply(batch []jobs.Event) {
	if d.loading && slices.ContainsFunc(batch, func(ev jobs.Event) bool { return ev.Job.ID == d.want && ev.Kind != jobs.EventProgress }) {
		// The load on its way in may have read the job before this change
		// (the view would stay stale): read it again once it is in.
		d.again = true
		return
	}
	if !d.shown || d.want != d.job.ID {
		return // another job is on its way in
	}
	for _, ev := range batch {
		if ev.Job.ID == d.job.ID && ev.Kind == jobs.EventProgress && ev.Total == 0 && ev.Progress < 0 && !d.job.Status.Final() {
			// A passing state such as "waiting for the API (503), next try
			// in 20 s"; an empty note puts the plain status back.
			status := string(d.job.Status)
			if ev.Note != "" {
				status += " — " + ev.Note
			}
			d.values["Status"].SetText(status)
		}
		if ev.Job.ID == d.job.ID && ev.Kind == jobs.EventProgress && ev.Note != "" && d.job.Status == jobs.StatusCompleted {
			// A completed job's note is about its results beside the
			// document (a folder that refused them).
			d.Outputs.show(d.job, nil, ev.Note)
		}
		if ev.Job.ID == d.job.ID && ev.Kind != jobs.EventProgress && (ev.Job.Status != d.job.Status || len(ev.Job.Outputs) != len(d.job.Outputs)) {
			d.load(d.job.ID)
			return
		}
	}
}

func (d *DetailView) doCancel() {
	id := d.job.ID
	d.u.goBg(func(ctx context.Context) {
		err := d.u.be.Cancel(ctx, id)
		d.u.do(func() {
			if err != nil {
				d.u.showError("Cancel", err)
				return
			}
			d.u.setStatus("Cancel requested")
		})
	})
}

func (d *DetailView) doRetry() {
	id := d.job.ID
	d.u.goBg(func(ctx context.Context) {
		j, err := d.u.be.Retry(ctx, id)
		d.u.do(func() {
			if err != nil {
				d.u.showError("Retry", err)
				return
			}
			d.u.setStatus(fmt.Sprintf("Retrying %s as job %d", filepath.Base(j.File), j.ID))
			d.Show(j.ID)
		})
	})
}

func (d *DetailView) copyID() {
	d.u.app.Clipboard().SetContent(d.job.JobID)
	d.u.setStatus("Copied " + d.job.JobID)
}

func (d *DetailView) openStudio() {
	u, err := url.Parse(d.job.StudioLink)
	if err != nil {
		d.u.showError("Open in Studio", err)
		return
	}
	if err := d.u.app.OpenURL(u); err != nil {
		d.u.showError("Open in Studio", err)
	}
}

func (d *DetailView) openFolder() {
	u := &url.URL{Scheme: "file", Path: filepath.Dir(d.job.File)}
	if err := d.u.app.OpenURL(u); err != nil {
		d.u.showError("Show in folder", err)
	}
}
