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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// Folders is the live side of the watched folders (jobs/watch's Manager):
// what each is doing, and pausing it. Which folders are watched, and how,
// is saved in the settings (Settings.WatchFolders), which the UI edits
// through the settings service.
type Folders interface {
	// Statuses returns every watched folder's state and counts, the
	// saved ones and this run's (--watch).
	Statuses() []jobs.FolderStatus
	// SetPaused stops or resumes submitting from the folder path.
	SetPaused(path string, paused bool)
	// Changes ticks whenever a status changed (coalesced).
	Changes() <-chan struct{}
}

// ExistingFolders is the side of the watcher (jobs/watch's Manager) that
// looks at a folder before it is first watched, so adding a folder that
// already holds documents asks before submitting them. A Folders without
// it adds folders without asking.
type ExistingFolders interface {
	// Existing says whether f was never watched and, if so, how many
	// documents it holds already.
	Existing(ctx context.Context, f jobs.WatchFolder) (jobs.ExistingDocs, error)
	// SkipExisting records those documents as already there: only
	// documents that arrive later are submitted.
	SkipExisting(ctx context.Context, f jobs.WatchFolder) (int, error)
}

// noFolderPreset is the folder preset picker's entry for the defaults.
const noFolderPreset = "(defaults)"

// After-success choices of a watched folder.
const (
	afterKeep = "keep the document"
	afterMove = "move it into processed/"
)

// folderEmptyText is the folder list's empty state.
const folderEmptyText = "No watched folders. Add a folder and every document saved into it is processed, with results written beside it."

// followFolders keeps u.folders current from the Folders service and
// redraws the settings list and the tray on each change.
func (u *App) followFolders() {
	f := u.cfg.Folders
	if f == nil {
		return
	}
	u.goBg(func(ctx context.Context) {
		c := f.Changes()
		for {
			st := f.Statuses()
			u.do(func() { u.setFolderStatuses(st) })
			select {
			case <-ctx.Done():
				return
			case _, ok := <-c:
				if !ok {
					return
				}
			}
		}
	})
}

// setFolderStatuses shows st. Main goroutine.
func (u *App) setFolderStatuses(st []jobs.FolderStatus) {
	u.folders = st
	if u.prefs != nil {
		u.prefs.folders.sync()
	}
	u.tray.update()
}

// folderStatus is the last reported status of the folder path.
func (u *App) folderStatus(path string) (jobs.FolderStatus, bool) {
	for _, st := range u.folders {
		if st.Folder.Path == path {
			return st, true
		}
	}
	return jobs.FolderStatus{}, false
}

// FolderList is the Settings' "Watched folders": add, remove, and per
// folder its preset, recursion, what happens after success, its live
// status and a pause toggle. Edits are saved at once.
type FolderList struct {
	u *App

	Add   *widget.Button
	Empty *widget.Label
	Rows  []*FolderRow

	// The question asked when an added folder already holds documents
	// (nil when none is open): submit them all, only new ones, or cancel.
	Existing                                 *dialog.CustomDialog
	ExistingAll, ExistingNew, ExistingCancel *widget.Button

	presets []string
	shape   string // the listed folders' paths; a change rebuilds the rows
	box     *fyne.Container
	obj     fyne.CanvasObject
}

// FolderRow is one watched folder in the list.
type FolderRow struct {
	Path    string
	Session bool // watched for this run only (--watch): not editable

	Title     *widget.Label
	StateIcon *widget.Icon
	Status    *widget.Label
	Preset    *widget.Select
	Recursive *widget.Check
	After     *widget.Select
	Pause     *widget.Button
	Open      *widget.Button
	Remove    *widget.Button

	filling bool // set while sync writes the widgets
	obj     fyne.CanvasObject
}

func newFolderList(u *App) *FolderList {
	l := &FolderList{u: u}
	l.Add = widget.NewButtonWithIcon("Add folder…", theme.FolderNewIcon(), l.pickFolder)
	l.Empty = &widget.Label{Text: folderEmptyText, Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter}
	l.box = container.NewVBox()
	intro := &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: "Each document saved into these folders is submitted once it stops changing, and its results are written beside it. Changes here apply at once."}
	l.obj = container.NewBorder(container.NewVBox(intro, container.NewHBox(l.Add)), nil, nil, nil,
		container.NewVScroll(container.NewVBox(l.Empty, l.box)))
	return l
}

// Object is the list's canvas object.
func (l *FolderList) Object() fyne.CanvasObject { return l.obj }

// Row returns the row of the folder path, or nil.
func (l *FolderList) Row(path string) *FolderRow {
	for _, r := range l.Rows {
		if r.Path == path {
			return r
		}
	}
	return nil
}

// listed returns the saved folders followed by this run's.
func (l *FolderList) listed() []jobs.FolderStatus { return l.u.watchedFolders() }

// watchedFolders are the saved watched folders with their last reported
// status, then this run's session folders. Main goroutine.
func (u *App) watchedFolders() []jobs.FolderStatus {
	var out []jobs.FolderStatus
	for _, f := range u.settings.WatchFolders {
		st, ok := u.folderStatus(f.Path)
		st.Folder, st.Session = f, false
		if !ok {
			st.State = ""
		}
		out = append(out, st)
	}
	for _, st := range u.folders {
		if st.Session && !slices.ContainsFunc(out, func(o jobs.FolderStatus) bool { return o.Folder.Path == st.Folder.Path }) {
			out = append(out, st)
		}
	}
	return out
}

// sync shows the saved folders and the statuses. Main goroutine.
func (l *FolderList) sync() {
	listed := l.listed()
	var shape strings.Builder
	for _, st := range listed {
		fmt.Fprintf(&shape, "%s|%v\n", st.Folder.Path, st.Session)
	}
	if shape.String() != l.shape {
		l.shape = shape.String()
		l.Rows = nil
		l.box.RemoveAll()
		for i, st := range listed {
			if i > 0 {
				l.box.Add(widget.NewSeparator())
			}
			r := l.newRow(st.Folder.Path, st.Session)
			l.Rows = append(l.Rows, r)
			l.box.Add(r.obj)
		}
	}
	show(l.Empty, len(listed) == 0)
	for i, st := range listed {
		l.Rows[i].show(st, l.presets)
	}
}

// setPresetNames updates the folders' preset pickers. Main goroutine.
func (l *FolderList) setPresetNames(names []string) {
	l.presets = names
	l.sync()
}

func (l *FolderList) newRow(path string, session bool) *FolderRow {
	r := &FolderRow{Path: path, Session: session}
	r.Title = &widget.Label{Text: path, TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis}
	r.StateIcon = widget.NewIcon(theme.VisibilityIcon())
	r.Status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	r.Preset = widget.NewSelect(nil, func(s string) {
		if r.filling {
			return
		}
		if s == noFolderPreset {
			s = ""
		}
		l.update(path, func(f *jobs.WatchFolder) { f.Preset = s })
	})
	r.Recursive = widget.NewCheck("Include subfolders", func(on bool) {
		if !r.filling {
			l.update(path, func(f *jobs.WatchFolder) { f.Recursive = on })
		}
	})
	r.After = widget.NewSelect([]string{afterKeep, afterMove}, func(s string) {
		if !r.filling {
			l.update(path, func(f *jobs.WatchFolder) { f.MoveOriginals = s == afterMove })
		}
	})
	r.Pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), func() { l.togglePause(r) })
	r.Open = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { l.u.openPath("Open folder", path) })
	r.Remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { l.confirmRemove(path) })
	if session {
		r.Title.SetText(path + " (this run only, --watch)")
		r.Preset.Disable()
		r.Recursive.Disable()
		r.After.Disable()
		r.Remove.Hide()
	}
	// Two label columns keep the pickers aligned; the pickers take the
	// width, so a narrow window shortens them rather than clipping.
	settings := widget.NewForm(
		widget.NewFormItem("Preset", r.Preset),
		widget.NewFormItem("After success", r.After),
		widget.NewFormItem("", r.Recursive),
	)
	head := container.NewBorder(nil, nil, nil, container.NewHBox(r.Pause, r.Open, r.Remove), r.Title)
	status := container.NewBorder(nil, nil, r.StateIcon, nil, r.Status)
	r.obj = container.NewVBox(head, status, settings)
	return r
}

// show writes a folder's settings and status into its row.
func (r *FolderRow) show(st jobs.FolderStatus, presets []string) {
	r.filling = true
	defer func() { r.filling = false }()
	opts := append([]string{noFolderPreset}, presets...)
	sel := st.Folder.Preset
	if sel == "" {
		sel = noFolderPreset
	} else if !slices.Contains(opts, sel) {
		opts = append(opts, sel) // missing or invalid: shown, and the status says why
	}
	r.Preset.SetOptions(opts)
	r.Preset.SetSelected(sel)
	r.Recursive.SetChecked(st.Folder.Recursive)
	if st.Folder.MoveOriginals {
		r.After.SetSelected(afterMove)
	} else {
		r.After.SetSelected(afterKeep)
	}
	text, icon, imp := folderStatusText(st)
	r.Status.SetText(text)
	r.Status.Importance = imp
	r.Status.Refresh()
	r.StateIcon.SetResource(icon)
	if folderPaused(st) {
		r.Pause.SetText("Resume")
		r.Pause.SetIcon(theme.MediaPlayIcon())
	} else {
		r.Pause.SetText("Pause")
		r.Pause.SetIcon(theme.MediaPauseIcon())
	}
}

func folderPaused(st jobs.FolderStatus) bool {
	return st.State == jobs.FolderPaused || (st.State == "" && st.Folder.Paused)
}

// folderStatusText says what a folder is doing, with its counts.
func folderStatusText(st jobs.FolderStatus) (string, fyne.Resource, widget.Importance) {
	counts := fmt.Sprintf("%d waiting · %d running · %d done today · %d failed today", st.Waiting, st.Running, st.DoneToday, st.FailedToday)
	if st.Failed > 0 {
		counts += fmt.Sprintf(" · %d gave up", st.Failed)
	}
	switch st.State {
	case jobs.FolderWatching:
		return "Watching — " + counts, theme.VisibilityIcon(), widget.MediumImportance
	case jobs.FolderScanning:
		return "Scanning — " + counts, theme.SearchIcon(), widget.MediumImportance
	case jobs.FolderPaused:
		return "Paused — " + counts, theme.MediaPauseIcon(), widget.WarningImportance
	case jobs.FolderError:
		reason := st.Err
		if reason == "" {
			reason = "unknown problem"
		}
		return "Error: " + reason, theme.ErrorIcon(), widget.DangerImportance
	}
	if st.Folder.Paused {
		return "Paused", theme.MediaPauseIcon(), widget.WarningImportance
	}
	return "Not watched in this run", theme.InfoIcon(), widget.LowImportance
}

// folderStateWord is the short state the tray shows.
func folderStateWord(st jobs.FolderStatus) string {
	switch st.State {
	case jobs.FolderError:
		return "error"
	case jobs.FolderWatching, jobs.FolderScanning, jobs.FolderPaused:
		s := string(st.State)
		if n := st.Waiting + st.Running; n > 0 {
			s += fmt.Sprintf(", %d in progress", n)
		}
		return s
	}
	return "not watched"
}

// update changes the saved folder path and saves the settings in the
// background. Main goroutine.
func (l *FolderList) update(path string, change func(*jobs.WatchFolder)) {
	l.u.updateSettings("Watched folders", func(s *settings.Settings) {
		for i := range s.WatchFolders {
			if s.WatchFolders[i].Path == path {
				change(&s.WatchFolders[i])
			}
		}
	})
}

// updateSettings applies change through the settings service in the
// background (it writes the file), then shows the result; then, if given,
// runs after on the main goroutine with the saved settings. Main goroutine.
func (u *App) updateSettings(what string, change func(*settings.Settings), after ...func(settings.Settings)) {
	u.goBg(func(context.Context) {
		s, err := u.cfg.Settings.Update(change)
		u.do(func() {
			if err != nil {
				u.showError(what, err)
				return // s is empty then: keep what the UI shows
			}
			u.settings = s
			if u.prefs != nil {
				u.prefs.folders.sync()
			}
			u.tray.update()
			for _, f := range after {
				f(s)
			}
		})
	})
}

// pickFolder asks for a folder and adds it.
func (l *FolderList) pickFolder() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			l.u.showError("Add folder", err)
			return
		}
		if dir != nil {
			l.AddFolder(dir.Path())
		}
	}, l.u.win)
}

// AddFolder starts watching path (with its subfolders, the defaults'
// preset, originals kept) and saves it. A folder never watched that
// already holds documents is first looked at in the background, and the
// person chooses: submit them all, only documents that arrive from now
// on, or cancel. Main goroutine.
func (l *FolderList) AddFolder(path string) {
	path = filepath.Clean(path)
	if slices.ContainsFunc(l.u.settings.WatchFolders, func(f jobs.WatchFolder) bool { return f.Path == path }) {
		l.u.setStatus(path + " is already watched")
		return
	}
	f := jobs.WatchFolder{Path: path, Recursive: true}
	ef, ok := l.u.cfg.Folders.(ExistingFolders)
	if !ok {
		l.saveFolder(f, "Watching "+path)
		return
	}
	l.u.setStatus("Looking for documents already in " + path + "…")
	l.u.goBg(func(ctx context.Context) {
		ex, err := ef.Existing(ctx, f)
		l.u.do(func() {
			switch {
			case err != nil:
				l.u.setStatus("")
				l.u.showError("Add folder", fmt.Errorf("look into %s: %w; the folder was not added, try again", path, err))
			case !ex.New || ex.Files == 0:
				l.saveFolder(f, "Watching "+path)
			default:
				l.askExisting(ef, f, ex)
			}
		})
	})
}

// askExisting asks what to do with the documents already in f. Main
// goroutine.
func (l *FolderList) askExisting(ef ExistingFolders, f jobs.WatchFolder, ex jobs.ExistingDocs) {
	docs := fmt.Sprintf("%d documents", ex.Files)
	if ex.Files == 1 {
		docs = "1 document"
	}
	text := &widget.Label{Wrapping: fyne.TextWrapWord, Text: fmt.Sprintf(
		"%s already holds %s (%s). Watching it can submit them all now (each is a job, and is paid for), "+
			"or only the documents saved into it from now on.", f.Path, docs, byteSize(ex.Bytes))}
	d := dialog.NewCustomWithoutButtons("Documents already in this folder", text, l.u.win)
	done := func() {
		d.Hide()
		l.Existing, l.ExistingAll, l.ExistingNew, l.ExistingCancel = nil, nil, nil, nil
	}
	l.ExistingAll = &widget.Button{Text: "Submit all " + docs, OnTapped: func() {
		done()
		l.saveFolder(f, "Watching "+f.Path+": submitting the "+docs+" already there")
	}}
	l.ExistingNew = &widget.Button{Text: "Only new documents", Importance: widget.HighImportance, OnTapped: func() {
		done()
		l.u.setStatus("Recording the " + docs + " already in " + f.Path + "…")
		l.u.goBg(func(ctx context.Context) {
			_, err := ef.SkipExisting(ctx, f)
			l.u.do(func() {
				if err != nil {
					l.u.setStatus("")
					l.u.showError("Add folder", fmt.Errorf("%w; the folder was not added, try again", err))
					return
				}
				l.saveFolder(f, "Watching "+f.Path+" for new documents; the "+docs+" already there are left alone")
			})
		})
	}}
	l.ExistingCancel = &widget.Button{Text: "Cancel", OnTapped: func() {
		done()
		l.u.setStatus(f.Path + " not added")
	}}
	d.SetButtons([]fyne.CanvasObject{l.ExistingCancel, l.ExistingAll, l.ExistingNew})
	d.Resize(fyne.NewSize(560, 0))
	l.Existing = d
	d.Show()
}

// saveFolder adds f to the saved folders and says status. Main goroutine.
func (l *FolderList) saveFolder(f jobs.WatchFolder, status string) {
	l.u.updateSettings("Add folder", func(s *settings.Settings) {
		if !slices.ContainsFunc(s.WatchFolders, func(w jobs.WatchFolder) bool { return w.Path == f.Path }) {
			s.WatchFolders = append(s.WatchFolders, f)
		}
	})
	l.u.setStatus(status)
}

func (l *FolderList) confirmRemove(path string) {
	dialog.ShowConfirm("Stop watching", fmt.Sprintf("Stop watching %s? Its documents and results stay where they are.", path), func(ok bool) {
		if ok {
			l.RemoveFolder(path)
		}
	}, l.u.win)
}

// RemoveFolder stops watching path and saves it. Main goroutine.
func (l *FolderList) RemoveFolder(path string) {
	l.u.updateSettings("Remove folder", func(s *settings.Settings) {
		s.WatchFolders = slices.DeleteFunc(s.WatchFolders, func(f jobs.WatchFolder) bool { return f.Path == path })
	})
	l.u.setStatus("Stopped watching " + path)
}

func (l *FolderList) togglePause(r *FolderRow) {
	st, ok := l.u.folderStatus(r.Path)
	paused := folderPaused(st)
	if !ok {
		for _, f := range l.u.settings.WatchFolders {
			if f.Path == r.Path {
				paused = f.Paused
			}
		}
	}
	l.u.setFolderPaused(r.Path, !paused)
}

// setFolderPaused pauses or resumes a folder at once and, for a saved
// folder, saves it so a restart keeps it. Main goroutine.
func (u *App) setFolderPaused(path string, paused bool) {
	if u.cfg.Folders != nil {
		f := u.cfg.Folders
		u.goBg(func(context.Context) { f.SetPaused(path, paused) })
	}
	if slices.ContainsFunc(u.settings.WatchFolders, func(f jobs.WatchFolder) bool { return f.Path == path }) {
		u.updateSettings("Pause folder", func(s *settings.Settings) {
			for i := range s.WatchFolders {
				if s.WatchFolders[i].Path == path {
					s.WatchFolders[i].Paused = paused
				}
			}
		})
	}
	verb := "Resumed"
	if paused {
		verb = "Paused"
	}
	u.setStatus(verb + " " + path)
}
