package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/engine"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// submittedConfig submits one file with opts and returns the request body
// the simulated API recorded for it.
func submittedConfig(t *testing.T, r *rig, opts jobs.Options) map[string]any {
	t.Helper()
	queued, err := r.engine.Submit(context.Background(), r.files(1), opts)
	if err != nil {
		t.Fatal(err)
	}
	jobID := r.waitSubmitted(queued[0].ID)
	ji, ok := r.sim.Job(jobID)
	if !ok {
		t.Fatalf("the simulator has no job %s", jobID)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(ji.RawConfig), &body); err != nil {
		t.Fatalf("recorded body %q: %v", ji.RawConfig, err)
	}
	return body
}

func pathIn(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

func TestPresetRequestFieldsReachTheAPI(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	body := submittedConfig(t, r, jobs.Options{
		Kind:     jobs.KindParse,
		Metadata: json.RawMessage(`{"customer":"acme"}`),
		Parse:    jobs.ParseOptions{TableFormat: "md", PageStart: 1, PageEnd: 4},
		Request: json.RawMessage(`{"settings":{"queue_priority":"low"},"formatting":{"table_output_format":"html"},` +
			`"parsing":{"enhance":{"agentic":[{"scope":"figure"}]}}}`),
	})
	want := map[string]any{
		"settings.queue_priority":        "low",
		"settings.page_range.end":        4.0, // the form's field, kept beside the raw one
		"formatting.table_output_format": "html",
		"async.metadata.customer":        "acme",
	}
	for p, w := range want {
		if got := pathIn(body, p); got != w {
			t.Errorf("%s = %#v; want %#v (body %v)", p, got, w, body)
		}
	}
	if ref, _ := pathIn(body, "async.metadata."+engine.RefKey).(string); ref == "" {
		t.Errorf("the client reference is missing from %v", body)
	}
	if agentic, _ := json.Marshal(pathIn(body, "parsing.enhance.agentic")); string(agentic) != `[{"scope":"figure"}]` {
		t.Errorf("parsing.enhance.agentic = %s", agentic)
	}
	if in, _ := body["input"].(string); !strings.HasPrefix(in, "reducto://") {
		t.Errorf("input = %v; the app sets it", body["input"])
	}
}

func TestExtractAndSplitTakeWhatTheyNeedFromTheRequest(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	body := submittedConfig(t, r, jobs.Options{Kind: jobs.KindExtract,
		Request: json.RawMessage(`{"instructions":{"schema":{"type":"object","properties":{"total":{"type":"number"}}}}}`)})
	if pathIn(body, "instructions.schema.properties.total.type") != "number" {
		t.Errorf("extract body %v", body)
	}
	body = submittedConfig(t, r, jobs.Options{Kind: jobs.KindSplit,
		Request: json.RawMessage(`{"split_description":[{"name":"invoice","description":"an invoice"}]}`)})
	if d, _ := body["split_description"].([]any); len(d) != 1 {
		t.Errorf("split body %v", body)
	}
}

func TestRequestFieldsTheAppOwnsAreRefusedBeforeAnythingIsWritten(t *testing.T) {
	r := newRig(t, reductotest.Config{}, engine.PollPolicy{})
	cases := map[string]jobs.Options{
		"request.input":      {Request: json.RawMessage(`{"input":"https://example.com/x.pdf"}`)},
		"request.async":      {Request: json.RawMessage(`{"async":{"priority":true}}`)},
		"JSON object":        {Request: json.RawMessage(`[]`)},
		"JSON schema object": {Kind: jobs.KindExtract, Request: json.RawMessage(`{"instructions":{"schema":"x"}}`)},
		"split_description":  {Kind: jobs.KindSplit, Request: json.RawMessage(`{"split_description":[]}`)},
	}
	for want, opts := range cases {
		_, err := r.engine.Submit(context.Background(), r.files(1), opts)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("options %s: err %v; want it to mention %s", opts.Request, err, want)
		}
	}
	if n := len(r.jobs()); n != 0 {
		t.Errorf("%d jobs written for refused options", n)
	}
}
