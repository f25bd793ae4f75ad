package reducto_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// submittedBody returns the body the simulator recorded for job id.
func submittedBody(t *testing.T, srv *reductotest.Server, id string) map[string]any {
	t.Helper()
	ji, ok := srv.Job(id)
	if !ok {
		t.Fatalf("the simulator has no job %s", id)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(ji.RawConfig), &m); err != nil {
		t.Fatalf("recorded body %q: %v", ji.RawConfig, err)
	}
	return m
}

// at walks a decoded JSON object along path.
func at(m map[string]any, path ...string) any {
	var cur any = m
	for _, k := range path {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

func TestRawFieldsReachTheAPIMergedOverTheTypedOnes(t *testing.T) {
	srv := newSim(t, reductotest.Config{})
	c := reducto.New(srv.URL, "sim-key")
	ctx := context.Background()
	doc := []byte("%PDF-1.7 raw fields\n")
	up, err := c.Upload(ctx, "raw.pdf", bytes.NewReader(doc), int64(len(doc)), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := json.RawMessage(`{
		"settings": {"queue_priority": "low"},
		"formatting": {"table_output_format": "html", "add_page_markers": true},
		"parsing": {"enhance": {"agentic": [{"scope": "table"}]}}
	}`)
	id, err := c.ParseAsync(ctx, reducto.ParseRequest{
		Input: up.FileID, Async: &reducto.AsyncConfig{Metadata: json.RawMessage(`{"ref":"r1"}`)},
		// The form's choices: the raw table format wins, the page range stays.
		Formatting: &reducto.Formatting{TableOutputFormat: "md"},
		Settings:   &reducto.ParseSettings{PageRange: &reducto.PageRange{Start: 2, End: 3}},
		RawFields:  raw,
	})
	if err != nil {
		t.Fatal(err)
	}
	body := submittedBody(t, srv, id)
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"settings", "queue_priority"}, "low"},
		{[]string{"settings", "page_range", "start"}, 2.0},
		{[]string{"formatting", "table_output_format"}, "html"},
		{[]string{"formatting", "add_page_markers"}, true},
		{[]string{"input"}, up.FileID},
		{[]string{"async", "metadata", "ref"}, "r1"},
	}
	for _, ck := range checks {
		if got := at(body, ck.path...); got != ck.want {
			t.Errorf("%s = %#v; want %#v (body %v)", strings.Join(ck.path, "."), got, ck.want, body)
		}
	}
	agentic, _ := json.Marshal(at(body, "parsing", "enhance", "agentic"))
	if string(agentic) != `[{"scope":"table"}]` {
		t.Errorf("parsing.enhance.agentic = %s", agentic)
	}

	// The same for extract and split, whose typed parts live elsewhere.
	id, err = c.ExtractAsync(ctx, reducto.ExtractRequest{Input: up.FileID,
		Instructions: &reducto.Instructions{SystemPrompt: "be brief"},
		RawFields:    json.RawMessage(`{"instructions":{"schema":{"type":"object"}},"settings":{"citations":{"enabled":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	body = submittedBody(t, srv, id)
	if at(body, "instructions", "system_prompt") != "be brief" || at(body, "instructions", "schema", "type") != "object" ||
		at(body, "settings", "citations", "enabled") != true {
		t.Errorf("extract body %v", body)
	}
	id, err = c.SplitAsync(ctx, reducto.SplitRequest{Input: up.FileID,
		RawFields: json.RawMessage(`{"split_description":[{"name":"a","description":"the a part"}]}`)})
	if err != nil {
		t.Fatalf("split with its descriptions in the raw fields: %v", err)
	}
	if d, _ := json.Marshal(at(submittedBody(t, srv, id), "split_description")); string(d) != `[{"description":"the a part","name":"a"}]` {
		t.Errorf("split_description = %s", d)
	}
}

func TestRawFieldsNeverSetWhatTheAppOwns(t *testing.T) {
	for _, raw := range []string{`{"input":"https://elsewhere/x.pdf"}`, `{"async":{"metadata":{}}}`, `[1,2]`, `"x"`} {
		_, err := json.Marshal(reducto.ParseRequest{Input: "reducto://a", RawFields: json.RawMessage(raw)})
		if err == nil {
			t.Errorf("raw fields %s were accepted", raw)
		}
	}
	// Without raw fields the body is exactly the typed encoding.
	b, err := json.Marshal(reducto.ParseRequest{Input: "reducto://a"})
	if err != nil || string(b) != `{"input":"reducto://a"}` {
		t.Fatalf("plain body %s, %v", b, err)
	}
}
