package main

import (
	"context"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// cannedSearch is a search index over the canned jobs: a few places for
// "revenue", and a history still being indexed.
type cannedSearch struct{ b *cannedBackend }

func (s cannedSearch) Search(_ context.Context, q jobs.SearchQuery) ([]jobs.SearchHit, error) {
	if !strings.Contains(strings.ToLower(q.Text), "revenue") {
		return nil, nil
	}
	job := func(id int64) jobs.Job { j, _ := s.b.Job(context.Background(), id); return j }
	m := func(w string) string { return jobs.MarkStart + w + jobs.MarkEnd }
	return []jobs.SearchHit{
		{Job: job(4), Page: 2, Block: 6, Score: 9.4, Snippet: "…second quarter: total " + m("revenue") + " rose 8 % to EUR 41.2 million, driven by the new service contracts in…"},
		{Job: job(4), Page: 5, Block: 21, Score: 7.1, Snippet: m("Revenue") + " by region (EUR million): Europe 22.4, Americas 12.9, Asia-Pacific 5.9"},
		{Job: job(2), Page: 1, Block: 0, Score: 6.3, Snippet: "Annual report " + m("Revenue") + " grew 12 %."},
		{Job: job(3), Page: 1, Block: -1, Field: "notes", Score: 3.2, Snippet: "Deferred " + m("revenue") + " — invoiced in advance for Q1 2027"},
	}, nil
}

func (s cannedSearch) IndexProgress() jobs.IndexProgress {
	return jobs.IndexProgress{Done: 1204, Total: 3180, Running: true}
}
