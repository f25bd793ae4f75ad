package ui

import (
	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// PresetStore adapts the presets folder (jobs/presets) to Presets: a
// preset is read as the options it gives (presets.Apply over the panel's
// defaults, as for a drop: not a watched folder) and the panel's options
// are saved with presets.FromOptions.
func PresetStore(s *presets.Store) Presets { return presetStore{s} }

type presetStore struct{ s *presets.Store }

func (p presetStore) List() ([]string, []error) {
	ps, errs := p.s.List()
	names := make([]string, len(ps))
	for i, x := range ps {
		names[i] = x.Name
	}
	return names, errs
}

func (p presetStore) Get(name string, base jobs.Options) (jobs.Options, error) {
	pr, err := p.s.Get(name)
	if err != nil {
		return jobs.Options{}, err
	}
	return pr.Apply(base, false), nil
}

func (p presetStore) Save(name string, o jobs.Options) error {
	return p.s.Save(presets.FromOptions(name, o))
}

func (p presetStore) Delete(name string) error { return p.s.Delete(name) }
