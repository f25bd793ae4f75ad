package reducto_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// TestEditAsyncLegacyShape: an edit is POSTed to /edit_async with the
// document in document_url, priority and the webhook top-level and the
// metadata inside the webhook; raw fields merge over the typed ones, and
// a raw field the app sets for an edit is refused before anything is sent.
func TestEditAsyncLegacyShape(t *testing.T) {
	var body map[string]any
	var path string
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("decode: %v", err)
		}
		writeJSON(w, 200, `{"job_id":"edit-1"}`)
	})
	req := reducto.EditRequest{
		DocumentURL: "reducto://form.pdf", EditInstructions: "Name: Ada",
		EditOptions: &reducto.EditOptions{Color: "#000000", Flatten: true},
		Priority:    true,
		Webhook:     &reducto.EditWebhook{Mode: "svix", Channels: []string{"ops"}, Metadata: json.RawMessage(`{"reducto_tray_ref":"r-1"}`)},
		RawFields:   json.RawMessage(`{"edit_options":{"font_size":10},"form_schema":[{"type":"text"}]}`),
	}
	id, err := e.c.EditAsync(context.Background(), req)
	if err != nil || id != "edit-1" || path != "/edit_async" {
		t.Fatalf("EditAsync = %q, %v (path %s)", id, err, path)
	}
	if body["document_url"] != "reducto://form.pdf" || body["edit_instructions"] != "Name: Ada" || body["priority"] != true {
		t.Errorf("body = %v", body)
	}
	if _, v3 := body["input"]; v3 {
		t.Errorf("an edit carries no V3 input: %v", body)
	}
	if _, v3 := body["async"]; v3 {
		t.Errorf("an edit carries no V3 async object: %v", body)
	}
	wh, _ := body["webhook"].(map[string]any)
	md, _ := wh["metadata"].(map[string]any)
	if wh["mode"] != "svix" || md["reducto_tray_ref"] != "r-1" {
		t.Errorf("webhook = %v", body["webhook"])
	}
	eo, _ := body["edit_options"].(map[string]any)
	if eo["color"] != "#000000" || eo["flatten"] != true || eo["font_size"] != float64(10) {
		t.Errorf("edit_options (typed and raw merged) = %v", eo)
	}
	if fs, _ := body["form_schema"].([]any); len(fs) != 1 {
		t.Errorf("form_schema = %v", body["form_schema"])
	}

	path = ""
	req.RawFields = json.RawMessage(`{"webhook":{"mode":"disabled"}}`)
	_, err = e.c.EditAsync(context.Background(), req)
	var fe *jobs.FieldError
	if !errors.As(err, &fe) || fe.Field != "request.webhook" || path != "" {
		t.Errorf("raw webhook: err = %v, path %q; want a refusal naming request.webhook, nothing sent", err, path)
	}
}
