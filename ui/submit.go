package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/intake"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// SubmitForm is the submit panel: the options new jobs get, and files
// waiting to be submitted. Its widgets are fields so tests can type into
// them and tap them.
type SubmitForm struct {
	u *App

	// Preset picks the preset the panel edits and drops, Add files and
	// Submit use; SavePreset saves the panel as a preset.
	Preset     *widget.Select
	SavePreset *widget.Button
	DeletePre  *widget.Button
	Kind       *widget.RadioGroup
	Webhook    *widget.RadioGroup
	Channels   *widget.Entry
	DirectURL  *widget.Label
	Metadata   *widget.Entry
	Priority   *widget.Check
	// Beside writes each document's results next to it.
	Beside *widget.Check
	// Request is the raw view: the request fields the form has no widget
	// for, as JSON with the API's names.
	Request      *widget.Entry
	Remember     *widget.Check
	Problem      *widget.Label // the first invalid input, in words
	Staged       *widget.Label
	SubmitButton *widget.Button
	AddFile      *widget.Button
	AddFolder    *widget.Button

	// kinds are each kind's section (submit_kinds.go), shown while its
	// kind is chosen.
	kinds   map[jobs.Kind]kindForm
	files   []string
	then    string // a loaded preset's chained preset (no widget)
	obj     fyne.CanvasObject
	filling bool // set while fill writes the widgets, to validate once
	// preset is the name of the preset the panel shows ("" = the
	// defaults); submissions record it.
	preset     string
	saveDialog *dialog.FormDialog // the last "Save as preset" dialog
	saveName   *widget.Entry      // its name entry
}

func newSubmitForm(u *App) *SubmitForm {
	f := &SubmitForm{u: u}
	onChange := func(string) { f.validate() }
	var kinds []string
	for _, k := range jobs.Kinds() {
		kinds = append(kinds, string(k.Kind))
	}
	f.Kind = widget.NewRadioGroup(kinds, onChange)
	f.Kind.Horizontal, f.Kind.Required = true, true
	f.Webhook = widget.NewRadioGroup([]string{string(jobs.WebhookNone), string(jobs.WebhookSvix), string(jobs.WebhookDirect)}, onChange)
	f.Webhook.Horizontal, f.Webhook.Required = true, true
	f.Channels = &widget.Entry{OnChanged: onChange, PlaceHolder: "Svix channels, comma separated (empty = all)"}
	f.DirectURL = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	f.Metadata = &widget.Entry{MultiLine: true, OnChanged: onChange, TextStyle: fyne.TextStyle{Monospace: true}, PlaceHolder: `Optional, e.g. {"project": "q3-invoices"}`}
	f.Metadata.SetMinRowsVisible(3)
	f.Priority = widget.NewCheck("Priority", func(bool) { f.validate() })
	f.Beside = widget.NewCheck("Write results beside each document (invoice.parse.md, …)", func(bool) { f.validate() })
	f.Request = &widget.Entry{MultiLine: true, Wrapping: fyne.TextWrapOff, OnChanged: onChange, TextStyle: fyne.TextStyle{Monospace: true},
		PlaceHolder: `Optional, e.g. {"settings": {"ocr_system": "standard"}}`}
	f.Request.SetMinRowsVisible(4)
	f.Preset = widget.NewSelect(presetNames(nil), f.pickPreset)
	f.Preset.PlaceHolder = noPreset
	f.SavePreset = widget.NewButtonWithIcon("Save as preset…", theme.DocumentSaveIcon(), f.SaveAsPreset)
	f.DeletePre = widget.NewButtonWithIcon("", theme.DeleteIcon(), f.DeletePreset)
	f.Remember = widget.NewCheck("Remember as default", nil)
	f.Problem = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	f.Staged = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	f.SubmitButton = &widget.Button{Text: "Submit", Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: f.Submit}
	f.AddFile = widget.NewButtonWithIcon("Add files…", theme.FileIcon(), f.PickFiles)
	f.AddFolder = widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), f.PickFolder)
	var sections []fyne.CanvasObject
	f.kinds, sections = newKindForms(f.validate)
	common := widget.NewForm(
		widget.NewFormItem("Kind", f.Kind),
		widget.NewFormItem("Webhook", container.NewVBox(f.Webhook, f.Channels, f.DirectURL)),
		widget.NewFormItem("Metadata", f.Metadata),
		widget.NewFormItem("Results", f.Beside),
		widget.NewFormItem("", container.NewHBox(f.Priority, f.Remember)),
	)
	requestHint := widget.NewLabel("Any other Reducto request fields, with the API's names and nesting; the app sets input and async.")
	requestHint.Wrapping = fyne.TextWrapWord
	requestHint.Importance = widget.LowImportance
	raw := widget.NewForm(widget.NewFormItem("Request JSON", container.NewVBox(f.Request, requestHint)))
	presetRow := widget.NewForm(widget.NewFormItem("Preset",
		container.NewBorder(nil, nil, nil, container.NewHBox(f.SavePreset, f.DeletePre), f.Preset)))
	files := container.NewBorder(nil, nil, nil,
		container.NewHBox(f.AddFile, f.AddFolder, widget.NewButtonWithIcon("", theme.ContentClearIcon(), f.clearStaged)), f.Staged)
	hint := widget.NewLabel("Documents dropped anywhere on the window, and Add files, are submitted with this preset and these options.")
	hint.Wrapping = fyne.TextWrapWord
	f.obj = container.NewBorder(nil,
		container.NewVBox(widget.NewSeparator(), f.Problem, files, f.SubmitButton), nil, nil,
		container.NewVScroll(container.NewVBox(slices.Concat([]fyne.CanvasObject{presetRow, hint, common}, sections, []fyne.CanvasObject{raw})...)))
	f.fill(u.defaults)
	return f
}

func labels(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		if v == "" {
			v = "default"
		}
		out[i] = v
	}
	return out
}

func unlabel(s string) string {
	if s == "default" {
		return ""
	}
	return s
}

// Object is the panel's canvas object.
func (f *SubmitForm) Object() fyne.CanvasObject { return f.obj }

// fill shows saved options in the widgets.
func (f *SubmitForm) fill(o jobs.Options) {
	form := presets.ToForm(o)
	in := fromOptions(form)
	f.filling = true
	f.Kind.SetSelected(string(in.Kind))
	for _, s := range f.kinds {
		s.fill(form)
	}
	f.Webhook.SetSelected(string(in.Webhook))
	f.Channels.SetText(in.Channels)
	f.Metadata.SetText(in.Metadata)
	f.Priority.SetChecked(in.Priority)
	f.Beside.SetChecked(in.Beside)
	f.Request.SetText(in.Request)
	f.then = in.Then
	f.preset = o.Preset
	f.showPreset()
	f.filling = false
	f.validate()
}

// input reads the common widgets.
func (f *SubmitForm) input() formInput {
	return formInput{
		Kind: jobs.Kind(f.Kind.Selected), Webhook: jobs.WebhookMode(f.Webhook.Selected),
		Channels: f.Channels.Text, DirectURL: f.u.cfg.DirectURL(), Metadata: f.Metadata.Text,
		Priority: f.Priority.Checked, Request: f.Request.Text, Beside: f.Beside.Checked, Then: f.then,
	}
}

// options returns the options the panel describes, recording its preset,
// or why it cannot.
func (f *SubmitForm) options() (jobs.Options, error) {
	o, err := f.input().withKind(f.kinds[jobs.Kind(f.Kind.Selected)])
	o.Preset = f.preset
	return o, err
}

// showPreset shows f.preset in the picker, listing it if the names have not
// arrived yet. It does not reload the preset.
func (f *SubmitForm) showPreset() {
	sel := f.preset
	if sel == "" {
		sel = noPreset
	}
	if !slices.Contains(f.Preset.Options, sel) {
		f.Preset.SetOptions(append(slices.Clone(f.Preset.Options), sel))
	}
	filling := f.filling
	f.filling = true
	f.Preset.SetSelected(sel)
	f.filling = filling
	enable(f.DeletePre, f.preset != "")
}

// showProblem shows err where the panel shows invalid input.
func (f *SubmitForm) showProblem(err error) {
	f.Problem.SetText(err.Error())
	f.Problem.Show()
}

// validate shows the kind's options, the first problem, and enables Submit
// only for valid options with files waiting.
func (f *SubmitForm) validate() {
	if f.filling || f.SubmitButton == nil {
		return
	}
	for k, s := range f.kinds {
		show(s.object(), f.Kind.Selected == string(k))
	}
	// The kind says what a webhook and the files beside a document are
	// for it: a classify is answered at once (no webhook to choose), and
	// each kind writes its own files.
	spec, _ := jobs.Kind(f.Kind.Selected).Spec()
	enable(f.Webhook, !spec.NoWebhook)
	show(f.Channels, !spec.NoWebhook && f.Webhook.Selected == string(jobs.WebhookSvix))
	show(f.DirectURL, !spec.NoWebhook && f.Webhook.Selected == string(jobs.WebhookDirect))
	f.Beside.SetText(besideLabel(spec))
	if url := f.u.cfg.DirectURL(); url != "" {
		f.DirectURL.SetText("Reducto will POST to " + url)
	} else {
		f.DirectURL.SetText("Direct mode needs a public URL (Settings, or --public-url)")
	}
	_, err := f.options()
	f.u.list.syncDrop()
	enable(f.SavePreset, err == nil)
	if err != nil {
		f.showProblem(err)
	} else {
		f.Problem.SetText("")
		f.Problem.Hide()
	}
	f.SubmitButton.SetText(fmt.Sprintf("Submit %d file(s)", len(f.files)))
	if err != nil || len(f.files) == 0 {
		f.SubmitButton.Disable()
	} else {
		f.SubmitButton.Enable()
	}
}

// stage adds files to those waiting for Submit.
func (f *SubmitForm) stage(files []string) {
	seen := map[string]bool{}
	for _, p := range f.files {
		seen[p] = true
	}
	for _, p := range files {
		if !seen[p] {
			seen[p] = true
			f.files = append(f.files, p)
		}
	}
	f.showStaged()
}

func (f *SubmitForm) showStaged() {
	switch len(f.files) {
	case 0:
		f.Staged.SetText("No files waiting")
	case 1:
		f.Staged.SetText(filepath.Base(f.files[0]))
	default:
		f.Staged.SetText(fmt.Sprintf("%d files: %s, …", len(f.files), filepath.Base(f.files[0])))
	}
	f.validate()
}

func (f *SubmitForm) clearStaged() {
	f.files = nil
	f.showStaged()
}

// Submit submits the waiting files with the panel's options.
func (f *SubmitForm) Submit() {
	opts, err := f.options()
	if err != nil || len(f.files) == 0 {
		f.validate()
		return
	}
	files := f.files
	f.files = nil
	f.showStaged()
	f.rememberIfAsked(opts)
	f.u.submitFiles(files, withSource(opts, jobs.SourceDrop), nil)
	f.u.tabs.SelectIndex(0)
}

// rememberIfAsked saves opts as the default for new submissions when
// "Remember as default" is ticked.
func (f *SubmitForm) rememberIfAsked(opts jobs.Options) {
	if !f.Remember.Checked {
		return
	}
	opts.Preset = "" // the defaults are a snapshot, not the preset
	f.u.defaults = opts
	// The file is written in the background; the Settings form follows.
	f.u.updateSettings("Save defaults", func(cur *settings.Settings) { cur.Defaults = opts }, func(s settings.Settings) {
		if f.u.prefs != nil {
			f.u.prefs.Fill(s)
		}
	})
}

// PickFiles opens the file dialog and stages each file picked for the
// panel's Submit.
func (f *SubmitForm) PickFiles() {
	f.u.pickFiles("Add", func(path string) { f.stage([]string{path}) })
}

// pickFiles opens the file dialog; Fyne's picks one file, so after each
// pick it opens again in the same folder until cancelled, handing each
// file to picked. Main goroutine.
func (u *App) pickFiles(confirm string, picked func(path string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.showError("Open file", err)
			return
		}
		if r == nil {
			return // cancelled: the selection is complete
		}
		uri := r.URI()
		_ = r.Close()
		picked(uri.Path())
		if dir, err := storage.ListerForURI(parentOf(uri)); err == nil {
			u.lastDir = dir
		}
		u.pickFiles(confirm, picked)
	}, u.win)
	d.SetConfirmText(confirm)
	d.SetDismissText("Done")
	if u.lastDir != nil {
		d.SetLocation(u.lastDir)
	}
	d.Show()
}

// PickFolder adds the documents of a folder (walked like a dropped folder).
func (f *SubmitForm) PickFolder() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			f.u.showError("Open folder", err)
			return
		}
		if dir == nil {
			return
		}
		path := dir.Path()
		f.u.goBg(func(context.Context) {
			files, skipped := intake.Collect([]string{path})
			f.u.do(func() {
				f.u.reportSkipped(skipped)
				f.stage(files)
			})
		})
	}, f.u.win)
}

func parentOf(u fyne.URI) fyne.URI {
	p, err := storage.Parent(u)
	if err != nil {
		return u
	}
	return p
}

// besideLabel is the Results box's label for a kind: the files it writes
// beside invoice.pdf.
func besideLabel(spec jobs.KindSpec) string {
	names := make([]string, len(spec.Outputs))
	for i, sfx := range spec.Outputs {
		names[i] = "invoice" + sfx
	}
	if len(names) == 0 {
		return "Write results beside each document"
	}
	return "Write results beside each document (" + strings.Join(names, ", ") + ")"
}
