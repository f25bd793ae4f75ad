package reductotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func init() {
	registerKind("extract", simKind{
		typ:    "Extract",
		routes: func(s *Server, m *http.ServeMux) { m.HandleFunc("POST /extract_async", s.handleSubmit("extract")) },
		result: func(s *Server, j *job) any { return s.extractResult(j) },
	})
}

type simExtractResponse struct {
	JobID        string   `json:"job_id"`
	Result       []any    `json:"result"`
	Citations    any      `json:"citations"`
	Usage        simUsage `json:"usage"`
	StudioLink   string   `json:"studio_link"`
	ResponseType string   `json:"response_type"`
}

// extractPerPage is an extract's credits a page: its parse and the
// extraction, or only the extraction on a reused parse (jobid://).
func extractPerPage(j *job) float64 {
	if chained(j) {
		return 1
	}
	return 2
}

func (s *Server) extractResult(j *job) simExtractResponse {
	var req reducto.ExtractRequest
	_ = json.Unmarshal(j.RawConfig, &req)
	obj := map[string]any{}
	if req.Instructions != nil && len(req.Instructions.Schema) > 0 {
		var schema any
		if json.Unmarshal(req.Instructions.Schema, &schema) == nil {
			if m, ok := sampleValue(schema, "value", j).(map[string]any); ok {
				obj = m
			}
		}
	}
	n := len(obj)
	return simExtractResponse{
		JobID:        j.ID,
		Result:       []any{obj},
		Usage:        simUsage{NumPages: j.Pages, NumFields: &n, Credits: jobCredits(j, extractPerPage(j))},
		StudioLink:   s.studioLink(j),
		ResponseType: "extract",
	}
}

// sampleValue fills a JSON Schema with plausible values.
func sampleValue(schema any, name string, j *job) any {
	m, _ := schema.(map[string]any)
	switch m["type"] {
	case "object":
		out := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out[k] = sampleValue(props[k], k, j)
		}
		return out
	case "array":
		return []any{sampleValue(m["items"], name, j)}
	case "number":
		return float64(stableHash(j.ID+name)%10000) / 100
	case "integer":
		return int(stableHash(j.ID+name) % 1000)
	case "boolean":
		return stableHash(j.ID+name)%2 == 0
	case nil:
		if _, ok := m["properties"]; ok {
			return sampleValue(map[string]any{"type": "object", "properties": m["properties"]}, name, j)
		}
	}
	return fmt.Sprintf("%s from %s", name, j.FileName)
}
