package reductotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/reductotray/reducto-tray/jobs/settings"
)

// persistedState is the StatePath file's content.
type persistedState struct {
	Version    int                        `json:"version"`
	Seq        int64                      `json:"seq"`
	Files      []*fileRec                 `json:"files"`
	Presigned  map[string]string          `json:"presigned"`
	Jobs       []*job                     `json:"jobs"`
	Results    map[string]json.RawMessage `json:"results"`
	URLResults int                        `json:"url_results"`
}

// persister writes the state file at most every saveDelay, in the
// background, so a burst of submissions costs one write.
type persister struct {
	path string
	log  *slog.Logger

	mu      sync.Mutex
	pending bool
	closed  bool
}

const saveDelay = 200 * time.Millisecond

func newPersister(path string, log *slog.Logger) *persister {
	return &persister{path: path, log: log}
}

// dirtyLocked schedules a save of the state file if one is configured.
func (s *Server) dirtyLocked() {
	p := s.persist
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending || p.closed {
		return
	}
	p.pending = true
	time.AfterFunc(saveDelay, func() {
		p.mu.Lock()
		p.pending = false
		closed := p.closed
		p.mu.Unlock()
		if closed {
			return
		}
		s.mu.Lock()
		b, err := s.snapshotLocked()
		s.mu.Unlock()
		if err == nil {
			err = p.write(b)
		}
		if err != nil {
			s.log.Error("reductotest: save state", "path", p.path, "err", err)
		}
	})
}

// flush writes the final state on Close and stops further saves.
func (p *persister) flush(b []byte, err error) {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	if err == nil {
		err = p.write(b)
	}
	if err != nil {
		p.log.Error("reductotest: save state", "path", p.path, "err", err)
	}
}

// write replaces the file atomically, so a crash leaves the old or the
// new state, never half of one.
func (p *persister) write(b []byte) error {
	if err := settings.WriteFileAtomic(p.path, b); err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	return nil
}

// snapshotLocked serialises the state (under s.mu, as jobs change in place).
func (s *Server) snapshotLocked() ([]byte, error) {
	st := persistedState{Version: 1, Seq: s.state.seq, Presigned: s.state.presigned,
		Jobs: s.state.order, Results: s.state.results, URLResults: s.state.urlResults}
	for _, f := range s.state.files {
		st.Files = append(st.Files, f)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("marshal state: %w", err)
	}
	return b, nil
}

// loadState reads the state file, if it exists.
func (s *Server) loadState() error {
	b, err := os.ReadFile(s.cfg.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read state %s: %w", s.cfg.StatePath, err)
	}
	var st persistedState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("parse state %s: %w", s.cfg.StatePath, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.seq = st.Seq
	s.state.urlResults = st.URLResults
	for _, f := range st.Files {
		s.state.files[f.ID] = f
	}
	for k, v := range st.Presigned {
		s.state.presigned[k] = v
	}
	for k, v := range st.Results {
		s.state.results[k] = v
	}
	sort.Slice(st.Jobs, func(a, b int) bool { return st.Jobs[a].Seq < st.Jobs[b].Seq })
	for _, j := range st.Jobs {
		s.state.jobs[j.ID] = j
	}
	s.state.order = st.Jobs
	return nil
}
