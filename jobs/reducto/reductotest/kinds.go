package reductotest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// simKind is one kind of work as the simulator serves it, registered from
// the kind's own file (kind_parse.go, kind_extract.go, kind_split.go,
// edit.go, classify.go), so a new kind adds a file instead of editing the
// router and the result switch.
type simKind struct {
	// typ is the job's "type" in GET /job and GET /jobs ("Parse"); empty
	// for a kind never listed (a synchronous one).
	typ string
	// routes adds the kind's endpoints to the API's router.
	routes func(s *Server, m *http.ServeMux)
	// check adds the kind's own 422s to a submission through
	// handleSubmit (the body is valid JSON); nil: none.
	check func(body []byte) []fieldError
	// otherBody is the body another client submits a job of the kind
	// with (SubmitAsOther); nil: the V3 shape {"input", "async"}.
	otherBody func(input string, async reducto.AsyncConfig) map[string]any
	// result is a completed job's result, marshalled as the API's JSON;
	// nil for a kind answered at once.
	result func(s *Server, j *job) any
}

var simKinds = map[string]simKind{}

// registerKind adds kind; each kind's file calls it from init.
func registerKind(kind string, k simKind) {
	if _, dup := simKinds[kind]; dup {
		panic("reductotest: kind " + kind + " registered twice")
	}
	simKinds[kind] = k
}

// kindType is kind's "type" in the job listings.
func kindType(kind string) string {
	if t := simKinds[kind].typ; t != "" {
		return t
	}
	return kind
}

// buildResultLocked returns the result JSON of a completed job; a kind
// without a result of its own answers as a parse.
func (s *Server) buildResultLocked(j *job) json.RawMessage {
	build := simKinds[j.Kind].result
	if build == nil {
		build = simKinds["parse"].result
	}
	b, err := json.Marshal(build(s, j))
	if err != nil {
		// Only our own types are marshalled; failing here is a bug.
		panic(fmt.Sprintf("reductotest: marshal result: %v", err))
	}
	return b
}
