package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

// Presets is the saved presets as the UI needs them (jobs/presets'
// Store, adapted by PresetStore). A preset is seen here as the options it
// gives a submission, so the UI holds no second copy of the preset rules.
type Presets interface {
	// List returns the valid presets' names, sorted, and one error per
	// file that could not be read (naming the file and the field).
	List() ([]string, []error)
	// Get returns the options preset name gives a submission whose other
	// settings are base (the panel's defaults); Preset is set to name.
	Get(name string, base jobs.Options) (jobs.Options, error)
	// Save stores o as the preset name, replacing one of that name.
	Save(name string, o jobs.Options) error
	// Delete removes the preset name.
	Delete(name string) error
}

// noPreset is the picker's entry for "the saved defaults, no preset".
const noPreset = "(no preset)"

// refusedRequestKeys are request fields the app sets itself: a preset
// naming them would be silently overridden, so the raw view refuses them.
var refusedRequestKeys = []string{"input", "async"}

// requestJSON validates the raw view: empty, or a JSON object of Reducto
// request fields without the ones the app sets. It returns it compacted.
func requestJSON(text string) (json.RawMessage, error) {
	raw, err := objectJSON(text)
	if err != nil || raw == nil {
		return raw, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	var refused []string
	for _, k := range refusedRequestKeys {
		if _, ok := fields[k]; ok {
			refused = append(refused, fmt.Sprintf("%q", k))
		}
	}
	if len(refused) > 0 {
		return nil, fmt.Errorf("%s: set by the app for each document; remove it", strings.Join(refused, ", "))
	}
	return raw, nil
}

// presetNames is the preset picker's list: no preset first, then names.
func presetNames(names []string) []string {
	return append([]string{noPreset}, names...)
}

// reloadPresets reads the preset names in the background and updates the
// pickers and the tray; problems with preset files go to the status line
// and the log. Main goroutine.
func (u *App) reloadPresets() {
	if u.cfg.Presets == nil {
		return
	}
	u.presetGen++
	gen := u.presetGen
	u.goBg(func(context.Context) {
		names, errs := u.cfg.Presets.List()
		u.do(func() {
			if gen != u.presetGen {
				return // a newer read or a save came meanwhile
			}
			for _, err := range errs {
				u.log.Warn("preset", "err", err)
			}
			if len(errs) > 0 {
				u.setStatus(fmt.Sprintf("Preset problem: %v", errs[0]))
			}
			u.setPresetNames(names)
		})
	})
}

// setPresetNames updates what the pickers and the tray offer. Main
// goroutine.
func (u *App) setPresetNames(names []string) {
	sort.Strings(names)
	if slices.Equal(names, u.presetNames) {
		return
	}
	u.presetNames = names
	if u.submit != nil { // built later, they read u.presetNames
		u.submit.setPresetNames(names)
	} else {
		u.list.syncDrop() // the picker under the list offers them
	}
	if u.prefs != nil {
		u.prefs.folders.setPresetNames(names)
	}
	u.tray.update()
}

// setPresetNames updates the panel's picker, keeping its choice. Main
// goroutine.
func (f *SubmitForm) setPresetNames(names []string) {
	f.Preset.SetOptions(presetNames(names))
	// Keep what the picker shows (a preset being read may not be the
	// panel's yet), or the panel's preset, while it still exists.
	sel := f.Preset.Selected
	if !slices.Contains(names, sel) {
		sel = f.preset
	}
	if sel == "" || !slices.Contains(names, sel) {
		sel = noPreset
	}
	f.filling = true // the choice is unchanged: do not reload it
	f.Preset.SetSelected(sel)
	f.filling = false
	f.u.list.syncDrop()
}

// pickPreset fills the panel with the options of preset name ("" or
// noPreset: the defaults). The preset is read in the background; until
// it arrives the panel keeps what it shows. Main goroutine.
func (f *SubmitForm) pickPreset(name string) {
	if f.filling {
		return
	}
	if name == noPreset || name == "" || f.u.cfg.Presets == nil {
		f.preset = ""
		f.fill(f.u.defaults)
		return
	}
	base := f.u.defaults
	f.u.goBg(func(context.Context) {
		o, err := f.u.cfg.Presets.Get(name, base)
		f.u.do(func() {
			if f.Preset.Selected != name {
				return // another choice came since
			}
			if err != nil {
				f.u.showError("Preset "+name, err)
				f.showProblem(fmt.Errorf("preset %s: %w", name, err))
				return
			}
			f.fill(o)
		})
	})
}

// SaveAsPreset asks for a name and saves the panel's options as a preset.
func (f *SubmitForm) SaveAsPreset() {
	opts, err := f.options()
	if err != nil {
		f.validate()
		return
	}
	if f.u.cfg.Presets == nil {
		f.u.setStatus("Presets are not available in this run")
		return
	}
	name := &widget.Entry{Text: f.preset, PlaceHolder: "e.g. invoices"}
	problem := &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	problem.Hide()
	items := []*widget.FormItem{
		widget.NewFormItem("Name", name),
		widget.NewFormItem("", problem),
	}
	var dlg *dialog.FormDialog
	dlg = dialog.NewForm("Save as preset", "Save", "Cancel", items, func(ok bool) {
		if ok {
			f.savePreset(strings.TrimSpace(name.Text), opts)
		}
	}, f.u.win)
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("a preset needs a name")
		}
		return nil
	}
	name.OnSubmitted = func(string) { dlg.Submit() }
	dlg.Resize(fyne.NewSize(420, 0))
	f.saveDialog, f.saveName = dlg, name
	dlg.Show()
	f.u.win.Canvas().Focus(name)
}

// savePreset saves opts as preset name in the background; the store's
// verdict is shown (an error in a dialog, success in the status line) and
// the pickers list the new preset, selected in the panel.
func (f *SubmitForm) savePreset(name string, opts jobs.Options) {
	opts.Source, opts.Preset, opts.ParentID = "", "", 0
	f.u.goBg(func(context.Context) {
		err := f.u.cfg.Presets.Save(name, opts)
		f.u.do(func() {
			if err != nil {
				err = fmt.Errorf("save preset %q: %w", name, err)
				f.u.showError("Save preset", err)
				f.showProblem(err)
				dialog.ShowError(err, f.u.win)
				return
			}
			f.preset = name
			f.u.setStatus(fmt.Sprintf("Saved preset %q", name))
			f.u.presetGen++ // a list read before the save would not list it
			if !slices.Contains(f.u.presetNames, name) {
				f.u.setPresetNames(append(slices.Clone(f.u.presetNames), name))
			}
			f.filling = true
			f.Preset.SetSelected(name)
			f.filling = false
			f.validate()
		})
	})
}

// DeletePreset asks, then deletes the panel's preset.
func (f *SubmitForm) DeletePreset() {
	name := f.preset
	if name == "" || f.u.cfg.Presets == nil {
		return
	}
	dialog.ShowConfirm("Delete preset", fmt.Sprintf("Delete the preset %q? Folders using it fall back to the defaults.", name), func(ok bool) {
		if !ok {
			return
		}
		f.u.goBg(func(context.Context) {
			err := f.u.cfg.Presets.Delete(name)
			f.u.do(func() {
				if err != nil {
					f.u.showError("Delete preset", err)
					return
				}
				f.u.setStatus(fmt.Sprintf("Deleted preset %q", name))
				f.preset = ""
				f.Preset.SetSelected(noPreset)
				f.u.reloadPresets()
			})
		})
	}, f.u.win)
}

// submitWithPreset asks for files (one dialog after another, until
// cancelled, as Add files does) and submits each with preset name: the tray
// menu's "Submit with…". Main goroutine.
func (u *App) submitWithPreset(name string) {
	if u.cfg.Presets == nil {
		return
	}
	base := u.defaults
	u.goBg(func(context.Context) {
		o, err := u.cfg.Presets.Get(name, base)
		u.do(func() {
			if err != nil {
				u.showError("Preset "+name, err)
				dialog.ShowError(fmt.Errorf("preset %s: %w", name, err), u.win)
				return
			}
			u.pickFiles(fmt.Sprintf("Submit with %s", name), func(path string) {
				u.submitFiles([]string{path}, withSource(o, jobs.SourceDrop), nil)
			})
		})
	})
}
