package outputs

import (
	"bytes"
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
func render(kind jobs.Kind, raw []byte) ([][]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("the job has no result")
	}
	if len(suffixes(kind)) == 0 {
		return nil, fmt.Errorf("no outputs for kind %q", kind)
	}
	r, err := result.Read(kind, raw)
	if err != nil {
		return nil, err
	}
	if kind == jobs.KindParse {
		if r.Parse.URL {
			return nil, errors.New("the parse result is still a URL (not downloaded)")
		}
		// The Markdown Export writes, from the same model.
		return [][]byte{[]byte(r.Markdown()), result.Pretty(raw)}, nil
	}
	// The payload only: what was extracted, or the splits with their
	// section mapping; usage and links stay in the history.
	return [][]byte{result.Pretty(result.Payload(raw))}, nil
}
