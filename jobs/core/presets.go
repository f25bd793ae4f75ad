package core

import (
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// Presets is the presets folder of the data folder, for the UI's preset
// editor and pickers.
func (a *App) Presets() *presets.Store { return a.presets }

// RunPreset is this run's --preset, read and checked at start; false when
// the run has none (the saved defaults apply). Watched folders of this run
// without a preset of their own use it.
func (a *App) RunPreset() (presets.Preset, bool) {
	if a.runPreset == nil {
		return presets.Preset{}, false
	}
	return *a.runPreset, true
}

// PresetOptions returns the options a document is submitted with under
// the preset name (read afresh from its file), from source; watched says
// it comes from a watched folder (results beside it by default).
func (a *App) PresetOptions(name string, source jobs.Source, watched bool) (jobs.Options, error) {
	p, err := a.presets.Get(name)
	if err != nil {
		return jobs.Options{}, err
	}
	o := p.Apply(a.Defaults(), watched)
	o.Source = source
	return o, nil
}

// loadRunPreset reads the preset a run was started with (--preset), so an
// unknown or invalid one stops the start with the file and the field.
func (a *App) loadRunPreset(name string) error {
	a.presets = presets.Open(datadir.PresetsDir(a.home))
	if name == "" {
		return nil
	}
	p, err := a.presets.Get(name)
	if err != nil {
		return fmt.Errorf("--preset %s: %w", name, err)
	}
	a.runPreset = &p
	return nil
}

// CheckPreset reads the preset name in the data folder home as a launch
// does before anything else: nil, or the error naming the file and the
// field (the launch then exits 2).
func CheckPreset(home, name string) error {
	if name == "" {
		return nil
	}
	if _, err := presets.Open(datadir.PresetsDir(home)).Get(name); err != nil {
		return &UsageError{Msg: fmt.Sprintf("reducto-tray: --preset %s: %v", name, err)}
	}
	return nil
}
