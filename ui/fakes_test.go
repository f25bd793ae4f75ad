package ui

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
)

// fakePresets stands in for jobs/presets' store: presets are the options
// they give, applied over the base as presets.Apply does.
type fakePresets struct {
	mu      sync.Mutex
	presets map[string]jobs.Options
	saveErr error
	saved   []savedPreset
	deleted []string
}

type savedPreset struct {
	name string
	opts jobs.Options
}

func newFakePresets(ps map[string]jobs.Options) *fakePresets {
	if ps == nil {
		ps = map[string]jobs.Options{}
	}
	return &fakePresets{presets: ps}
}

func (p *fakePresets) List() ([]string, []error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for n := range p.presets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (p *fakePresets) Get(name string, base jobs.Options) (jobs.Options, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	o, ok := p.presets[name]
	if !ok {
		return jobs.Options{}, fmt.Errorf("presets/%s.json: no such preset", name)
	}
	out := base
	out.Kind, out.Request = o.Kind, o.Request
	out.Parse, out.Extract, out.Split = o.Parse, o.Extract, o.Split
	out.Outputs = o.Outputs
	if out.Outputs == "" {
		out.Outputs = jobs.OutputsNone
	}
	out.Then = o.Then
	out.Classify, out.Routes = o.Classify, o.Routes
	out.Preset = name
	return out, nil
}

func (p *fakePresets) Save(name string, o jobs.Options) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.saveErr != nil {
		return p.saveErr
	}
	p.saved = append(p.saved, savedPreset{name, o})
	p.presets[name] = o
	return nil
}

func (p *fakePresets) Delete(name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.presets, name)
	p.deleted = append(p.deleted, name)
	return nil
}

func (p *fakePresets) savedList() []savedPreset {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.saved)
}

// fakeFolders stands in for jobs/watch's Manager.
type fakeFolders struct {
	mu     sync.Mutex
	st     []jobs.FolderStatus
	pauses []pauseCall
	ch     chan struct{}
}

type pauseCall struct {
	path   string
	paused bool
}

func newFakeFolders(st ...jobs.FolderStatus) *fakeFolders {
	return &fakeFolders{st: st, ch: make(chan struct{}, 1)}
}

func (f *fakeFolders) Statuses() []jobs.FolderStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.st)
}

func (f *fakeFolders) SetPaused(path string, paused bool) {
	f.mu.Lock()
	f.pauses = append(f.pauses, pauseCall{path, paused})
	for i := range f.st {
		if f.st[i].Folder.Path == path {
			f.st[i].Folder.Paused = paused
			if paused {
				f.st[i].State = jobs.FolderPaused
			} else {
				f.st[i].State = jobs.FolderWatching
			}
		}
	}
	f.mu.Unlock()
	f.tick()
}

func (f *fakeFolders) Changes() <-chan struct{} { return f.ch }

// set replaces the statuses and ticks, as the manager does on a change.
func (f *fakeFolders) set(st ...jobs.FolderStatus) {
	f.mu.Lock()
	f.st = st
	f.mu.Unlock()
	f.tick()
}

func (f *fakeFolders) tick() {
	select {
	case f.ch <- struct{}{}:
	default:
	}
}

func (f *fakeFolders) pauseCalls() []pauseCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.pauses)
}

// openedURLs records what the UI asks the desktop to open.
type openedURLs struct {
	mu   sync.Mutex
	urls []string
}

func (o *openedURLs) open(u *url.URL) error {
	o.mu.Lock()
	o.urls = append(o.urls, u.String())
	o.mu.Unlock()
	return nil
}

func (o *openedURLs) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.urls)
}
