package presets

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestToFormKeepsWhatTheFormCannotShow(t *testing.T) {
	o := ToForm(jobs.Options{Kind: jobs.KindParse, Request: json.RawMessage(
		`{"formatting":{"table_output_format":"latex","add_page_markers":true},"retrieval":{"chunking":{"chunk_mode":"page"}}}`)})
	if o.Parse.TableFormat != "" || o.Parse.ChunkMode != "page" {
		t.Fatalf("parse options %+v: an unknown table format must stay raw, a known chunk mode lifted", o.Parse)
	}
	if got := string(o.Request); !strings.Contains(got, `"table_output_format":"latex"`) || !strings.Contains(got, "add_page_markers") || strings.Contains(got, "retrieval") {
		t.Fatalf("rest %s", got)
	}
}
