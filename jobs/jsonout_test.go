package jobs

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestWriteJSONGolden(t *testing.T) {
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	done := created.Add(90 * time.Second)
	credits := 4.5
	js := []Job{
		{ID: 2, File: "/home/ann/b <&>.pdf", Kind: KindSplit, Status: StatusFailed, Webhook: WebhookDirect,
			JobID: "rj-2", Error: "Parse failed: bad PDF", CreatedAt: created, UpdatedAt: done, CompletedAt: &done, RetryOf: 1,
			Source: SourceRoute, Preset: "invoices", ParentID: 7, Category: "invoice", Outputs: []string{"/home/ann/b <&>.split.json"}, Pages: 3, Credits: &credits},
		{ID: 1, File: "/home/ann/a.pdf", Kind: KindParse, Status: StatusQueued, Webhook: WebhookNone,
			CreatedAt: created, UpdatedAt: created.Add(123 * time.Millisecond)},
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, js); err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "id": 2,
    "job_id": "rj-2",
    "file": "/home/ann/b <&>.pdf",
    "kind": "split",
    "status": "failed",
    "webhook": "direct",
    "created_at": "2025-03-04T05:06:07Z",
    "updated_at": "2025-03-04T05:07:37Z",
    "completed_at": "2025-03-04T05:07:37Z",
    "error": "Parse failed: bad PDF",
    "retry_of": 1,
    "source": "route",
    "preset": "invoices",
    "parent_id": 7,
    "category": "invoice",
    "outputs": [
      "/home/ann/b <&>.split.json"
    ],
    "pages": 3,
    "credits": 4.5,
    "studio_link": ""
  },
  {
    "id": 1,
    "job_id": "",
    "file": "/home/ann/a.pdf",
    "kind": "parse",
    "status": "queued",
    "webhook": "none",
    "created_at": "2025-03-04T05:06:07Z",
    "updated_at": "2025-03-04T05:06:07.123Z",
    "completed_at": null,
    "error": null,
    "retry_of": null,
    "source": null,
    "preset": null,
    "parent_id": null,
    "category": null,
    "outputs": [],
    "pages": null,
    "credits": null,
    "studio_link": ""
  }
]
`
	if buf.String() != want {
		t.Fatalf("WriteJSON =\n%s\nwant\n%s", buf.String(), want)
	}
	var back []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"created_at", "updated_at", "completed_at"} {
		if s, ok := back[0][key].(string); !ok {
			t.Fatalf("%s is not a string", key)
		} else if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Fatalf("%s = %q is not RFC 3339: %v", key, s, err)
		}
	}
}

func TestWriteJSONEmptyHistory(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "[]\n" {
		t.Fatalf("empty history printed %q, want []", buf.String())
	}
}
