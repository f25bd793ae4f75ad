package reductotest

import (
	"encoding/json"
	"net/http"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

func init() {
	registerKind("split", simKind{
		typ:    "Split",
		routes: func(s *Server, m *http.ServeMux) { m.HandleFunc("POST /split_async", s.handleSubmit("split")) },
		check:  checkSplitBody,
		otherBody: func(input string, async reducto.AsyncConfig) map[string]any {
			return map[string]any{"input": input, "async": async,
				"split_description": []reducto.SplitDescription{{Name: "all", Description: "everything"}}}
		},
		result: func(s *Server, j *job) any { return s.splitResult(j) },
	})
}

// checkSplitBody answers a split without sections as Reducto does: 422.
func checkSplitBody(raw []byte) []fieldError {
	var body struct {
		SplitDescription json.RawMessage `json:"split_description"`
	}
	_ = json.Unmarshal(raw, &body) // the caller decoded it already
	var descs []reducto.SplitDescription
	if len(body.SplitDescription) == 0 || string(body.SplitDescription) == "null" {
		return []fieldError{{Loc: []any{"body", "split_description"}, Msg: "Field required", Type: "missing"}}
	} else if json.Unmarshal(body.SplitDescription, &descs) != nil || len(descs) == 0 {
		return []fieldError{{Loc: []any{"body", "split_description"}, Msg: "Input should be a non-empty list of {name, description}", Type: "list_type"}}
	}
	return nil
}

type simSplit struct {
	Name  string `json:"name"`
	Pages []int  `json:"pages"`
	Conf  string `json:"conf"`
}

type simSplitResponse struct {
	Usage  simUsage `json:"usage"`
	Result struct {
		Splits         []simSplit       `json:"splits"`
		SectionMapping map[string][]int `json:"section_mapping"`
	} `json:"result"`
	ResponseType string `json:"response_type"`
}

func (s *Server) splitResult(j *job) simSplitResponse {
	var req reducto.SplitRequest
	_ = json.Unmarshal(j.RawConfig, &req)
	var resp simSplitResponse
	resp.ResponseType = "split"
	perPage := 1.0
	if chained(j) {
		perPage = 0.5 // the parse is reused: only the split is paid for
	}
	resp.Usage = simUsage{NumPages: j.Pages, Credits: jobCredits(j, perPage)}
	resp.Result.SectionMapping = map[string][]int{}
	n := len(req.SplitDescription)
	resp.Result.Splits = []simSplit{}
	for i, d := range req.SplitDescription {
		// Contiguous page ranges, one per description, as even as possible.
		from, to := i*j.Pages/n+1, (i+1)*j.Pages/n
		pages := []int{}
		for p := from; p <= to; p++ {
			pages = append(pages, p)
		}
		resp.Result.Splits = append(resp.Result.Splits, simSplit{Name: d.Name, Pages: pages, Conf: "high"})
		resp.Result.SectionMapping[d.Name] = pages
	}
	return resp
}
