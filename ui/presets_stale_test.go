package ui

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// slowListPresets answers its first List only when released, with the
// names it had then: a read that started before a save and ends after it.
type slowListPresets struct {
	*fakePresets
	first   chan struct{}
	release chan struct{}
}

func (p *slowListPresets) List() ([]string, []error) {
	select {
	case <-p.first: // later calls answer at once
		return p.fakePresets.List()
	default:
	}
	close(p.first)
	names, errs := p.fakePresets.List()
	<-p.release
	return names, errs
}

func TestStaleListReadNeverUndoesASavedPreset(t *testing.T) {
	slow := &slowListPresets{fakePresets: newFakePresets(nil), first: make(chan struct{}), release: make(chan struct{})}
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Presets = slow })
	f := r.u.submit
	r.eventually("the first list read under way", func() bool {
		select {
		case <-slow.first:
			return true
		default:
			return false
		}
	})
	r.onMain(func() { f.savePreset("invoices", jobs.Options{Kind: jobs.KindParse}) })
	r.eventually("the saved preset selected", func() bool { return f.preset == "invoices" })
	close(slow.release) // the old read (no presets yet) lands now
	r.onMain(r.u.reloadPresets)
	r.eventually("the preset still offered and selected", func() bool {
		return f.Preset.Selected == "invoices" && len(f.Preset.Options) == 2
	})
}
