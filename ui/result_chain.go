package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// Chainer is the part of the engine (*engine.Engine) that acts on a
// completed parse without uploading it again, and resubmits a protected
// document with its password. A Backend without it offers neither.
type Chainer interface {
	// Chain submits an extract or split on the completed parse parentID
	// with input jobid://; the new job is linked to it.
	Chain(ctx context.Context, parentID int64, opts jobs.Options) (jobs.Job, error)
	// Children are the jobs chained on job id, oldest first.
	Children(ctx context.Context, id int64) ([]jobs.Job, error)
	// SubmitWithPassword submits job id's document again with the
	// password, which is held in memory only and never stored.
	SubmitWithPassword(ctx context.Context, id int64, password string) (jobs.Job, error)
}

func (d *DetailView) chainer() Chainer {
	c, _ := d.u.be.(Chainer)
	return c
}

// loadChildren returns the jobs chained on j (background goroutine).
func (d *DetailView) loadChildren(ctx context.Context, j jobs.Job) []jobs.Job {
	c := d.chainer()
	if c == nil || (j.Kind != jobs.KindParse && j.Kind != jobs.KindClassify) {
		return nil
	}
	kids, err := c.Children(ctx, j.ID)
	if err != nil {
		d.u.log.Warn("chained jobs", "job", j.ID, "err", err)
	}
	return kids
}

// showLinks shows the way to the parse a chained job ran on and to the
// jobs chained on this parse. Main goroutine.
func (d *DetailView) showLinks() {
	d.Links.RemoveAll()
	link := func(text string, id int64) {
		b := widget.NewButtonWithIcon(text, theme.NavigateNextIcon(), func() { d.u.ShowJob(id) })
		b.Importance = widget.LowImportance
		d.Links.Add(b)
	}
	if d.job.ParentID != 0 && d.job.Source == jobs.SourceRoute {
		link(fmt.Sprintf("Routed by classify #%d", d.job.ParentID), d.job.ParentID)
	} else if d.job.ParentID != 0 {
		link(fmt.Sprintf("Ran on parse #%d", d.job.ParentID), d.job.ParentID)
	} else if d.job.Options.From != "" {
		d.Links.Add(widget.NewLabel("Ran on Reducto parse " + d.job.Options.From))
	}
	for _, c := range d.children {
		text := fmt.Sprintf("%s #%d (%s)", c.Kind, c.ID, c.Status)
		if c.Source == jobs.SourceRoute && c.Category != "" {
			text = c.Category + " → " + text
		}
		link(text, c.ID)
	}
	show(d.Links, len(d.Links.Objects) > 0)
}

// showRemedy offers what a failure needs: the password of a protected PDF,
// or, when the parse a chained job named has expired at Reducto, uploading
// the document again (never done without asking). Main goroutine.
func (d *DetailView) showRemedy() {
	d.Remedy.RemoveAll()
	j := d.job
	switch j.Failure() {
	case jobs.FailurePasswordRequired:
		if d.chainer() != nil {
			d.Remedy.Add(widget.NewButtonWithIcon("Enter password…", theme.VisibilityOffIcon(), d.askPassword))
		}
	case jobs.FailureParseExpired:
		file := j.File
		if strings.HasPrefix(file, "jobid://") {
			d.Remedy.Add(widget.NewLabel("Reducto no longer has that parse, and this install has no copy of the document."))
			break
		}
		d.Remedy.Add(widget.NewLabel("Reducto no longer has the parse."))
		upload := widget.NewButtonWithIcon("Upload "+filepath.Base(file)+" again…", theme.UploadIcon(), d.uploadAgain)
		upload.Hide()
		d.Remedy.Add(upload)
		// The document may sit on a slow or unmounted share: look in the
		// background, offer the upload only if it is still there.
		d.u.goBg(func(context.Context) {
			_, err := os.Stat(file)
			d.u.do(func() {
				if err != nil {
					upload.SetText(filepath.Base(file) + " is gone from its folder")
					upload.Disable()
				}
				upload.Show()
			})
		})
	}
	show(d.Remedy, len(d.Remedy.Objects) > 0)
}

// uploadAgain, after asking, submits the document itself with the chained
// job's options: Reducto parses it again (and charges for it).
func (d *DetailView) uploadAgain() {
	j := d.job
	answer := func(ok bool) {
		d.prompt = nil
		if !ok {
			return
		}
		opts := j.Options
		opts.From, opts.ParentID, opts.Source = "", 0, jobs.SourceDrop
		d.u.goBg(func(ctx context.Context) {
			created, err := d.u.be.Submit(ctx, []string{j.File}, opts)
			d.u.do(func() {
				if err != nil {
					d.u.showError("Upload again", err)
					return
				}
				if len(created) > 0 {
					d.u.setStatus(fmt.Sprintf("Uploading %s again as job %d", filepath.Base(j.File), created[0].ID))
					d.Show(created[0].ID)
				}
			})
		})
	}
	d.prompt = &Prompt{Answer: answer}
	dialog.ShowConfirm("Upload again?",
		fmt.Sprintf("Reducto has deleted the parse this %s ran on (jobs expire after about 12 hours).\n\nUpload %s and run the %s on it? It is parsed again, which costs credits.", j.Kind, filepath.Base(j.File), j.Kind),
		answer, d.u.win)
}

// Prompt is the open question of a failure's remedy (tests answer it as
// the dialog's buttons do): upload the document again, or its password.
type Prompt struct {
	Password *widget.Entry // the password prompt's field; nil when asking to upload
	Answer   func(ok bool)
}

// askPassword asks for a protected PDF's password and resubmits with it
// through the engine; the password is not kept by the UI either.
func (d *DetailView) askPassword() {
	id, name := d.job.ID, filepath.Base(d.job.File)
	pw := widget.NewPasswordEntry()
	items := []*widget.FormItem{widget.NewFormItem("Password", pw)}
	answer := func(ok bool) {
		d.prompt = nil
		secret := pw.Text
		pw.SetText("")
		if !ok || secret == "" {
			return
		}
		d.u.goBg(func(ctx context.Context) {
			j, err := d.chainer().SubmitWithPassword(ctx, id, secret)
			d.u.do(func() {
				if err != nil {
					d.u.showError("Submit with password", err)
					return
				}
				d.u.setStatus(fmt.Sprintf("Submitting %s again with its password as job %d", name, j.ID))
				d.Show(j.ID)
			})
		})
	}
	d.prompt = &Prompt{Password: pw, Answer: answer}
	dlg := dialog.NewForm("Password for "+name, "Submit", "Cancel", items, answer, d.u.win)
	dlg.Resize(fyne.NewSize(380, 160))
	dlg.Show()
	d.u.win.Canvas().Focus(pw)
}

// chainWith asks which preset (or a one-off schema / split description) to
// run on this completed parse, and submits it with jobid://: no upload, no
// second parse.
func (d *DetailView) chainWith(kind jobs.Kind) {
	c := d.chainer()
	if c == nil {
		return
	}
	parent := d.job
	presets, base := d.u.cfg.Presets, d.u.defaults
	d.u.goBg(func(ctx context.Context) {
		// Only presets of this kind are offered.
		var names []string
		if presets != nil {
			all, _ := presets.List()
			for _, n := range all {
				if o, err := presets.Get(n, base); err == nil && o.Kind == kind {
					names = append(names, n)
				}
			}
		}
		d.u.do(func() { d.showChainDialog(kind, parent, names) })
	})
}

// oneOff is the picker's entry for a schema or description typed here.
const oneOff = "(one-off)"

// chainOneOff is what the chain dialog asks of a kind that runs on a
// parse (KindSpec.OnParse) for a run without a preset: its kindView's.
type chainOneOff struct {
	title             string                                   // a format of the document's name: "Extract from %s"
	label, hint, help string                                   // the text field's
	options           func(text string, o *jobs.Options) error // the typed text into o, or why not
}

// ChainDialog is the open "Extract with…"/"Split with…" form (tests).
type ChainDialog struct {
	Preset *widget.Select
	Text   *widget.Entry
	Submit func() error
}

func (d *DetailView) showChainDialog(kind jobs.Kind, parent jobs.Job, names []string) {
	cd := &ChainDialog{}
	cd.Text = widget.NewMultiLineEntry()
	cd.Text.SetMinRowsVisible(6)
	// The placeholder is a hint, worded as one: an example that looked
	// like typed sections was run as if it were (and failed).
	one := kindViews[kind].chain
	if one == nil {
		return // only a kind with a one-off of its own is offered on a parse
	}
	cd.Text.SetPlaceHolder(one.hint)
	// Run stays disabled while a one-off is not valid, and the reason
	// shows under the field: the dialog keeps what was typed.
	cd.Text.Validator = func(text string) error {
		if cd.Preset == nil || cd.Preset.Selected != oneOff {
			return nil
		}
		_, err := d.chainOptions(kind, oneOff, text)
		return err
	}
	cd.Preset = widget.NewSelect(append(names, oneOff), func(s string) {
		enable(cd.Text, s == oneOff)
		_ = cd.Text.Validate()
	})
	cd.Preset.SetSelectedIndex(0)
	cd.Submit = func() error {
		opts, err := d.chainOptions(kind, cd.Preset.Selected, cd.Text.Text)
		if err != nil {
			return err
		}
		d.u.goBg(func(ctx context.Context) {
			j, err := d.chainer().Chain(ctx, parent.ID, opts)
			d.u.do(func() {
				if err != nil {
					d.u.showError(string(kind)+" on the parse", err)
					return
				}
				d.u.setStatus(fmt.Sprintf("Running the %s on the parse of %s (no upload) as job %d", kind, filepath.Base(parent.File), j.ID))
				d.u.ShowJob(j.ID)
			})
		})
		return nil
	}
	d.chainDlg = cd
	note := widget.NewLabel("Runs on Reducto's stored parse (jobid://): nothing is uploaded and the document is not parsed again.")
	note.Wrapping = fyne.TextWrapWord
	textItem := widget.NewFormItem(one.label, cd.Text)
	textItem.HintText = one.help
	items := []*widget.FormItem{widget.NewFormItem("Preset", cd.Preset), textItem, widget.NewFormItem("", note)}
	dlg := dialog.NewForm(fmt.Sprintf(one.title, filepath.Base(parent.File)), "Run", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if err := cd.Submit(); err != nil {
			d.u.showError(string(kind)+" on the parse", err)
		}
	}, d.u.win)
	dlg.Resize(fyne.NewSize(520, 380))
	dlg.Show()
}

// chainOptions are the options of the chained job: the preset's, or the
// defaults with what the kind's one-off (its kindView's chain) reads
// from text.
func (d *DetailView) chainOptions(kind jobs.Kind, preset, text string) (jobs.Options, error) {
	base := d.u.defaults // main goroutine
	if preset != oneOff && preset != "" {
		if d.u.cfg.Presets == nil {
			return jobs.Options{}, errors.New("no presets")
		}
		o, err := d.u.cfg.Presets.Get(preset, base)
		if err != nil {
			return jobs.Options{}, fmt.Errorf("preset %s: %w", preset, err)
		}
		return o, nil
	}
	o := base
	o.Kind, o.Preset, o.Request, o.Then = kind, "", nil, ""
	text = strings.TrimSpace(text)
	one := kindViews[kind].chain
	if one == nil {
		return jobs.Options{}, fmt.Errorf("a %s does not run on a parse", kind)
	}
	if err := one.options(text, &o); err != nil {
		return jobs.Options{}, err
	}
	return o, nil
}

// creditsText is a job's credits for the list and the detail.
func creditsText(c *float64) string {
	if c == nil {
		return "—"
	}
	return strconv.FormatFloat(*c, 'f', -1, 64)
}

// setNote shows a one-line text in rt, dimmed when it is a message rather
// than a summary.
func setNote(rt *widget.RichText, text string, dim bool) {
	st := widget.RichTextStyleParagraph
	if dim {
		st.TextStyle.Italic = true
		st.ColorName = theme.ColorNamePlaceHolder
	}
	rt.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: text, Style: st}}
	rt.Refresh()
}

// costText is what a job cost, after its name in the list: "  · 12 p ·
// 4.5 cr"; "" until Reducto reports it.
func costText(j jobs.Job) string {
	var parts []string
	if j.Pages > 0 {
		parts = append(parts, fmt.Sprintf("%d p", j.Pages))
	}
	if j.Credits != nil {
		parts = append(parts, creditsText(j.Credits)+" cr")
	}
	if len(parts) == 0 {
		return ""
	}
	return "  · " + strings.Join(parts, " · ")
}
