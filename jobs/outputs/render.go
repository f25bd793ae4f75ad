package outputs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// render returns the content of each output file of a job of kind, in the
// order of suffixes(kind). raw is the result as the history keeps it:
// Reducto's whole response (ParseResponse, ExtractResponse, SplitResponse)
// with a URL-form result already resolved into "result" by the engine, or,
// when the response itself was a URL result, the resolved full result.
// document reads the document the history keeps beside the result (an
// edit's filled PDF), for the kinds that write it.
func render(kind jobs.Kind, raw []byte, document func() ([]byte, error)) ([][]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("the job has no result")
	}
	if !json.Valid(raw) {
		return nil, fmt.Errorf("the result is not valid JSON (%d bytes)", len(raw))
	}
	r, ok := renderers[kind]
	if !ok {
		// A kind without a renderer of its own that writes one file
		// (.extract.json, .split.json, .classify.json) writes its payload.
		spec, known := kind.Spec()
		if !known || len(spec.Outputs) != 1 {
			return nil, fmt.Errorf("no outputs for kind %q", kind)
		}
		r = renderPayload
	}
	return r(raw, document)
}

// renderer turns a job's stored result (and, for a kind that keeps one,
// its document) into the content of each of its kind's output files
// (KindSpec.Outputs), in that order.
type renderer func(raw []byte, document func() ([]byte, error)) ([][]byte, error)

// renderers are the kinds' own renderers (render_edit.go registers the
// edit's from its file); a kind without one writes its payload (render).
var renderers = map[jobs.Kind]renderer{
	jobs.KindParse: renderParse,
}

// renderParse writes a parse as Markdown (the model's: what Export
// Markdown writes) and as the whole result.
func renderParse(raw []byte, _ func() ([]byte, error)) ([][]byte, error) {
	r, err := result.Read(jobs.KindParse, raw)
	if err != nil {
		return nil, err
	}
	if r.Parse.URL {
		return nil, errors.New("the parse result is still a URL (not downloaded)")
	}
	return [][]byte{[]byte(r.Markdown()), result.Pretty(raw)}, nil
}

// renderPayload writes the payload only: what was extracted, or the splits
// with their section mapping; usage and links stay in the history.
func renderPayload(raw []byte, _ func() ([]byte, error)) ([][]byte, error) {
	return [][]byte{result.Pretty(result.Payload(raw))}, nil
}
