package presets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/settings"
)

// Store is the presets folder. Its methods are safe for concurrent use;
// files are read afresh on every call, so a preset copied into the folder
// by hand is seen at once.
type Store struct {
	dir string
	mu  sync.Mutex // serialises Save and Delete, which check other files first
}

// Open returns the store on dir (datadir.PresetsDir of the data folder).
// The folder is made on the first Save; a missing folder holds no presets.
func Open(dir string) *Store { return &Store{dir: dir} }

// Dir is the presets folder.
func (s *Store) Dir() string { return s.dir }

// Path is the file of the preset name.
func (s *Store) Path(name string) string { return filepath.Join(s.dir, name+".json") }

// file is the preset's file as errors show it: "presets/<name>.json".
func (s *Store) file(name string) string {
	// Not Join: a bad name such as "../x" is shown as it was given.
	return filepath.Base(s.dir) + "/" + name + ".json"
}

// Get reads and checks the preset name, including that its "then" names a
// valid extract or split preset. Every error is an *Error naming the file
// and the field; a missing file matches ErrNotFound.
func (s *Store) Get(name string) (Preset, error) {
	p, err := s.load(name)
	if err != nil {
		return Preset{}, err
	}
	if err := s.checkThen(p, nil); err != nil {
		return Preset{}, err
	}
	if err := s.checkRoutes(p, nil); err != nil {
		return Preset{}, err
	}
	return p, nil
}

// load reads and decodes one file, without following "then".
func (s *Store) load(name string) (Preset, error) {
	if err := CheckName(name); err != nil {
		return Preset{}, &Error{File: s.file(name), Msg: err.Error()}
	}
	data, err := os.ReadFile(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return Preset{}, &Error{File: s.file(name), Msg: s.notFound(), Err: ErrNotFound}
	}
	if err != nil {
		return Preset{}, &Error{File: s.file(name), Msg: fmt.Sprintf("cannot read it: %v", err), Err: err}
	}
	p, err := decode(s.file(name), data)
	if err != nil {
		return Preset{}, err
	}
	p.Name = name
	return p, nil
}

// notFound says there is no such preset and which ones there are.
func (s *Store) notFound() string {
	names := s.names()
	if len(names) == 0 {
		return fmt.Sprintf("no such preset (there are none yet in %s)", s.dir)
	}
	return fmt.Sprintf("no such preset (%s has: %s)", s.dir, strings.Join(names, ", "))
}

// names lists the preset files' names, sorted, valid or not.
func (s *Store) names() []string {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		// Dot files include WriteFileAtomic's temporary files.
		if e.Type().IsRegular() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") {
			out = append(out, strings.TrimSuffix(n, ".json"))
		}
	}
	sort.Strings(out)
	return out
}

// checkThen checks that p's "then" names a valid extract or split preset.
// known holds presets already read (List), else the file is read.
func (s *Store) checkThen(p Preset, known map[string]Preset) error {
	if p.Then == "" {
		return nil
	}
	fail := func(format string, args ...any) error {
		return &Error{File: s.file(p.Name), Field: "then", Msg: fmt.Sprintf(format, args...)}
	}
	next, ok := known[p.Then]
	if !ok {
		var err error
		next, err = s.load(p.Then)
		if errors.Is(err, ErrNotFound) {
			return fail("no preset %q (%s does not exist)", p.Then, s.file(p.Then))
		}
		if err != nil {
			return fail("preset %q is not valid: %v", p.Then, err)
		}
	}
	if spec, _ := next.Kind.Spec(); !spec.OnParse {
		return fail("preset %q is a %s preset; \"then\" names an extract or split preset", p.Then, next.Kind)
	}
	return nil
}

// List returns the valid presets sorted by name, and one error per file
// that is not (an *Error naming the file and the field).
func (s *Store) List() ([]Preset, []error) {
	var (
		valid []Preset
		errs  []error
		known = map[string]Preset{}
	)
	if _, err := os.Stat(s.dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	for _, name := range s.names() {
		p, err := s.load(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		known[name] = p
		valid = append(valid, p)
	}
	ok := valid[:0]
	for _, p := range valid {
		if err := s.checkThen(p, known); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.checkRoutes(p, known); err != nil {
			errs = append(errs, err)
			continue
		}
		ok = append(ok, p)
	}
	return ok, errs
}

// Save checks p as Get would and writes it atomically, mode 0600,
// replacing a preset of the same name. A preset that another one runs
// ("then") must stay an extract or split preset.
func (s *Store) Save(p Preset) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	file := s.file(p.Name)
	if err := CheckName(p.Name); err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	if len(p.Request) > 0 && !json.Valid(p.Request) {
		return &Error{File: file, Field: "request", Msg: "not valid JSON"}
	}
	if len(p.Metadata) > 0 && !json.Valid(p.Metadata) {
		return &Error{File: file, Field: "metadata", Msg: "not valid JSON"}
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return &Error{File: file, Msg: fmt.Sprintf("encode: %v", err), Err: err}
	}
	data = append(data, '\n')
	// What is written must read back as valid: check the very bytes.
	checked, err := decode(file, data)
	if err != nil {
		return err
	}
	checked.Name = p.Name
	if err := s.checkThen(checked, nil); err != nil {
		return err
	}
	if err := s.checkRoutes(checked, nil); err != nil {
		return err
	}
	if checked.Kind == jobs.KindParse {
		if by := s.runBy(p.Name); by != "" {
			return &Error{File: file, Field: "kind", Msg: fmt.Sprintf("preset %q runs this one (its \"then\"), so it must stay extract or split", by)}
		}
	}
	if checked.Kind == jobs.KindClassify {
		if by := s.routedBy(p.Name); by != "" {
			return &Error{File: file, Field: "kind", Msg: fmt.Sprintf("preset %q routes documents to this one, so it cannot be a classify (a route never leads to another classify)", by)}
		}
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return &Error{File: file, Msg: fmt.Sprintf("make the presets folder: %v", err), Err: err}
	}
	if err := settings.WriteFileAtomic(s.Path(p.Name), data); err != nil {
		return &Error{File: file, Msg: fmt.Sprintf("write: %v", err), Err: err}
	}
	return nil
}

// checkRoutes checks that each of p's routes names a preset that exists
// and is not itself a classify (a route never leads to another route, so
// no loop). known holds presets already read (List), else the file is
// read.
func (s *Store) checkRoutes(p Preset, known map[string]Preset) error {
	for _, cat := range slices.Sorted(maps.Keys(p.Routes)) {
		target := p.Routes[cat]
		fail := func(format string, args ...any) error {
			return &Error{File: s.file(p.Name), Field: "routes." + cat, Msg: fmt.Sprintf(format, args...)}
		}
		next, ok := known[target]
		if !ok {
			var err error
			next, err = s.load(target)
			if errors.Is(err, ErrNotFound) {
				return fail("no preset %q (%s does not exist)", target, s.file(target))
			}
			if err != nil {
				return fail("preset %q is not valid: %v", target, err)
			}
		}
		if next.Kind == jobs.KindClassify {
			return fail("preset %q is a classify preset; a route must run another kind, so routes cannot loop", target)
		}
	}
	return nil
}

// routedBy returns the name of a preset with a route to name, or "".
func (s *Store) routedBy(name string) string {
	for _, other := range s.names() {
		if other == name {
			continue
		}
		if p, err := s.load(other); err == nil && slices.Contains(slices.Collect(maps.Values(p.Routes)), name) {
			return other
		}
	}
	return ""
}

// runBy returns the name of a preset whose "then" is name, or "".
func (s *Store) runBy(name string) string {
	for _, other := range s.names() {
		if other == name {
			continue
		}
		if p, err := s.load(other); err == nil && p.Then == name {
			return other
		}
	}
	return ""
}

// Delete removes the preset name. A preset another one runs ("then") is
// kept, with an error naming that one.
func (s *Store) Delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	file := s.file(name)
	if err := CheckName(name); err != nil {
		return &Error{File: file, Msg: err.Error()}
	}
	if by := s.runBy(name); by != "" {
		return &Error{File: file, Msg: fmt.Sprintf("preset %q runs it (its \"then\"); change that one first", by)}
	}
	if by := s.routedBy(name); by != "" {
		return &Error{File: file, Msg: fmt.Sprintf("preset %q routes documents to it (its \"routes\"); change that one first", by)}
	}
	err := os.Remove(s.Path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return &Error{File: file, Msg: s.notFound(), Err: ErrNotFound}
	}
	if err != nil {
		return &Error{File: file, Msg: fmt.Sprintf("delete: %v", err), Err: err}
	}
	return nil
}
