package main

import (
	"context"
	"net/http"
	"time"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/ui"
)

// cannedDeliveries is a delivery log with one delivery of most verdicts,
// an accepted one forwarded to two local targets.
type cannedDeliveries struct {
	recs []jobs.DeliveryRecord
	ch   chan struct{}
}

func newCannedDeliveries() *cannedDeliveries {
	now := time.Now()
	body := []byte(`{"status":"Completed","job_id":"7c9e6679-7425-40de-944b-e07fc1f90ae7","metadata":{"client_ref":"4b1f0e52-93d4-4a8e-b3c1-2f9d8e7a6c50"}}`)
	signed := func(id string, at time.Time) http.Header {
		return http.Header{"Svix-Id": {id}, "Svix-Timestamp": {"1767268800"},
			"Svix-Signature": {"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="}, "Content-Type": {"application/json"},
			"User-Agent": {"Svix-Webhooks/1.81"}, "Content-Length": {"131"}}
	}
	return &cannedDeliveries{ch: make(chan struct{}), recs: []jobs.DeliveryRecord{
		{Seq: 8, ID: "msg_2zX8Qw1", ReceivedAt: now.Add(-20 * time.Second), Via: jobs.ViaRelay, Verdict: jobs.VerdictDuplicate,
			JobID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Status: "Completed", HTTPStatus: 204,
			Headers: signed("msg_2zX8Qw1", now), Body: body, BodySize: len(body)},
		{Seq: 7, ID: "msg_2zX8Qw1", ReceivedAt: now.Add(-40 * time.Second), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted,
			JobID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", Status: "Completed", HTTPStatus: 204,
			Headers: signed("msg_2zX8Qw1", now), Body: body, BodySize: len(body),
			Forwards: []jobs.Forward{
				{URL: "http://localhost:3000/webhooks", State: jobs.ForwardDelivered, Code: 204, Attempts: 1},
				{URL: "http://localhost:8080/reducto", State: jobs.ForwardRetrying, Attempts: 2, Error: "connection refused"},
			}},
		{Seq: 5, ID: "msg_2zX7aa9", ReceivedAt: now.Add(-3 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictBadSignature,
			Reason: "signed with a different secret than the one in Settings", HTTPStatus: 401,
			Headers: signed("msg_2zX7aa9", now), BodySize: 131},
		{Seq: 4, ID: "msg_2zX6Lm3", ReceivedAt: now.Add(-9 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictStale,
			Reason: "timestamp 9 min old: the computer's clock or a retried delivery", HTTPStatus: 401,
			Headers: signed("msg_2zX6Lm3", now), BodySize: 131},
		{Seq: 3, ID: "local-3", ReceivedAt: now.Add(-14 * time.Minute), Via: jobs.ViaDirect, Verdict: jobs.VerdictUnknownToken,
			Reason: "the URL's token is not this install's", HTTPStatus: 404, Summary: true, BodySize: 131},
		{Seq: 2, ID: "msg_2zX5Tt0", ReceivedAt: now.Add(-22 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictNotReducto,
			Reason: "the body has no job_id", HTTPStatus: 400, Headers: signed("msg_2zX5Tt0", now), BodySize: 18},
		{Seq: 1, ID: "msg_2zX4Pp2", ReceivedAt: now.Add(-26 * time.Minute), Via: jobs.ViaSvix, Verdict: jobs.VerdictAccepted,
			JobID: "16fd2706-8baf-433b-82eb-8c7fada847da", Status: "Completed", HTTPStatus: 204,
			Headers: signed("msg_2zX4Pp2", now), Body: body, BodySize: len(body),
			Forwards: []jobs.Forward{{URL: "http://localhost:3000/webhooks", State: jobs.ForwardDelivered, Code: 204, Attempts: 1}}},
	}}
}

func (d *cannedDeliveries) List(_ context.Context, f jobs.DeliveryFilter) ([]jobs.DeliveryRecord, error) {
	var out []jobs.DeliveryRecord
	for _, r := range d.recs {
		if (f.Verdict == "" || r.Verdict == f.Verdict) && (f.Via == "" || r.Via == f.Via) &&
			(f.BeforeSeq == 0 || r.Seq < f.BeforeSeq) && (f.Limit == 0 || len(out) < f.Limit) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (d *cannedDeliveries) Get(_ context.Context, seq int64) (jobs.DeliveryRecord, error) {
	for _, r := range d.recs {
		if r.Seq == seq {
			return r, nil
		}
	}
	return jobs.DeliveryRecord{}, jobs.ErrNotFound
}

func (d *cannedDeliveries) Changes() <-chan struct{}            { return d.ch }
func (d *cannedDeliveries) Replay(context.Context, int64) error { return nil }
func (d *cannedDeliveries) ReplayRange(context.Context, time.Time, time.Time) (int, error) {
	return 0, nil
}
func (d *cannedDeliveries) JobID(context.Context, string) (int64, error) { return 3, nil }
func (d *cannedDeliveries) Rerun(context.Context, int64) (ui.RerunOutcome, error) {
	return ui.RerunOutcome{Verdict: jobs.VerdictDuplicate}, nil
}

// SelfTest answers what the core's passing health check shows.
func (d *cannedDeliveries) SelfTest(context.Context) ([]ui.SelfTestStep, error) {
	return []ui.SelfTestStep{
		{Name: "listening", OK: true, Detail: "the receiver answers on 127.0.0.1:7433"},
		{Name: "signature accepted", OK: true, Detail: "a delivery signed with the secret in Settings was answered 204"},
		{Name: "recorded", OK: true, Detail: "in the delivery log as accepted"},
	}, nil
}
