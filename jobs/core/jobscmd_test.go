package core

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/jobs/store"
)

func TestJobsWithoutJSONPrintsATable(t *testing.T) {
	home := t.TempDir()
	t.Setenv(datadir.HomeEnv, home)
	var out, errOut bytes.Buffer
	if code := RunJobs(nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "No jobs yet") {
		t.Fatalf("empty history: exit %d, %q %q", code, out.String(), errOut.String())
	}
	st, err := store.Open(datadir.DatabasePath(home))
	if err != nil {
		t.Fatal(err)
	}
	created, err := st.Create(context.Background(), []jobs.Job{{
		File: "/home/ann/quarterly report.pdf", ClientRef: "ref-1",
		Options: jobs.Options{Kind: jobs.KindParse, Webhook: jobs.WebhookNone},
	}})
	if err != nil {
		t.Fatal(err)
	}
	reason := "Reducto could not read the file"
	if _, _, err := st.Update(context.Background(), created[0].ID, jobs.StatusFailed, store.Patch{Error: &reason}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out.Reset()
	if code := RunJobs(nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	table := out.String()
	for _, want := range []string{"STATUS", "quarterly report.pdf", "failed", "parse", reason} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if code := RunJobs([]string{"--bogus"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "allowed:") {
		t.Errorf("bad flag: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := RunJobs([]string{"--all"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--all goes with --json") {
		t.Errorf("--all without --json: exit %d, stderr %q", code, errOut.String())
	}
}
