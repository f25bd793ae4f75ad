package main

import (
	"encoding/json"
	"path/filepath"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
)

// sortMailPreset classifies mail and routes invoices and contracts on.
var sortMailPreset = presets.Preset{Name: "sort mail", Kind: jobs.KindClassify, Outputs: jobs.OutputsBeside,
	Request: json.RawMessage(`{"classification_schema":[{"category":"invoice","criteria":["invoice","amount due"]},` +
		`{"category":"contract","criteria":["agreement","signature"]},{"category":"letter","criteria":[]}]}`),
	Routes: map[string]string{"invoice": "invoices", "contract": "contracts (split)"}}

// classifyID is the classify job the "classify" view shows.
const classifyID = 6

// addClassify adds a "sort my mail" classify of a scan in folder, whose
// invoice category routed it to the invoices preset (job 7).
func (b *cannedBackend) addClassify(folder string) {
	now := time.Now()
	done := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	credits := 1.0
	scan := filepath.Join(folder, "scan 0412.pdf")
	routes := map[string]string{"invoice": "invoices", "contract": "contracts (split)"}
	classify := jobs.Job{ID: classifyID, JobID: "c3a1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d", File: scan, Kind: jobs.KindClassify,
		Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: 231 << 10, Pages: 1, Credits: &credits,
		Source: jobs.SourceWatch, Preset: "sort mail", Category: "invoice",
		Options: jobs.Options{Kind: jobs.KindClassify, Outputs: jobs.OutputsBeside, Preset: "sort mail", Source: jobs.SourceWatch, Routes: routes,
			Classify: jobs.ClassifyOptions{Categories: []jobs.ClassifyCategory{
				{Category: "invoice", Criteria: []string{"invoice", "amount due"}},
				{Category: "contract", Criteria: []string{"agreement", "signature"}},
				{Category: "letter", Criteria: []string{}}}}},
		Outputs:   []string{filepath.Join(folder, "scan 0412.classify.json")},
		CreatedAt: now.Add(-70 * time.Second), UpdatedAt: now.Add(-68 * time.Second), CompletedAt: done(68 * time.Second)}
	routed := jobs.Job{ID: classifyID + 1, JobID: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70", File: scan, Kind: jobs.KindExtract,
		Status: jobs.StatusCompleted, Webhook: jobs.WebhookNone, Size: 231 << 10, Pages: 2, Source: jobs.SourceRoute,
		Preset: "invoices", ParentID: classifyID, Category: "invoice",
		Options:   jobs.Options{Kind: jobs.KindExtract, Outputs: jobs.OutputsBeside, Preset: "invoices", Source: jobs.SourceRoute, ParentID: classifyID, Category: "invoice"},
		Outputs:   []string{filepath.Join(folder, "scan 0412.extract.json")},
		CreatedAt: now.Add(-67 * time.Second), UpdatedAt: now.Add(-50 * time.Second), CompletedAt: done(50 * time.Second)}
	b.jobs = append([]jobs.Job{routed, classify}, b.jobs...)
	b.results = map[int64][]byte{
		classifyID: []byte(`{"response_type":"classify","job_id":"c3a1b2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d","result":{"category":"invoice"},` +
			`"usage":{"num_pages":1,"num_categories":3,"credits":1},"duration":0.8}`),
		classifyID + 1: []byte(`{"result":{"vendor":"Nordlicht Energie AG","total":86.4,"due":"2026-12-20"},"usage":{"num_pages":2}}`),
	}
	b.children = map[int64][]jobs.Job{classifyID: {routed}}
}
