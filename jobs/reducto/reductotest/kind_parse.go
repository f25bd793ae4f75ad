package reductotest

import (
	"net/http"
)

func init() {
	registerKind("parse", simKind{
		typ:    "Parse",
		routes: func(s *Server, m *http.ServeMux) { m.HandleFunc("POST /parse_async", s.handleSubmit("parse")) },
		result: func(s *Server, j *job) any { return s.parseResultLocked(j) },
	})
}
