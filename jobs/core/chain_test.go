package core

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/datadir"
	"github.com/reductotray/reducto-tray/receiver/control"
)

const totalsPreset = `{"kind": "extract", "request": {"instructions": {"schema": {"type": "object", "properties": {"total": {"type": "number"}}}}}}`

// completedParse submits a document for parsing with opts and waits for
// it to complete.
func completedParse(t *testing.T, a *App, opts jobs.Options) jobs.Job {
	t.Helper()
	opts.Kind = jobs.KindParse
	queued, _, err := a.Submit(context.Background(), []string{writePDF(t, t.TempDir(), "scan.pdf")}, opts)
	if err != nil || len(queued) != 1 {
		t.Fatalf("submit: %v", err)
	}
	var j jobs.Job
	waitFor(t, "the parse to complete", func() bool {
		j, err = a.Engine().Job(context.Background(), queued[0].ID)
		return err == nil && j.Status == jobs.StatusCompleted
	})
	return j
}

// chainedInput is the input the sandbox received for job id.
func chainedInput(t *testing.T, a *App, id int64) string {
	t.Helper()
	body := sentBody(t, a, id)
	s, _ := body["input"].(string)
	return s
}

func TestFromNeedsAnExtractOrSplitPresetAndAnID(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"totals": totalsPreset, "scan": `{"kind":"parse"}`})
	t.Setenv(datadir.HomeEnv, home)
	cases := map[string]struct {
		args []string
		want string
	}{
		"no preset":    {[]string{"--from", "3"}, "reducto-tray: --from needs --preset NAME, an extract or split preset to run on the parse\n"},
		"parse preset": {[]string{"--from", "3", "--preset", "scan"}, "reducto-tray: --from runs an extract or split preset on a parse; preset scan is a parse\n"},
		"bad id":       {[]string{"--from", "a b", "--preset", "totals"}, "reducto-tray: --from \"a b\" is neither a local id nor a Reducto job id\n"},
		"zero id":      {[]string{"--from", "0", "--preset", "totals"}, "reducto-tray: --from 0: a local id is a positive number\n"},
	}
	for name, c := range cases {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--headless", "--sandbox", "--listen", "127.0.0.1:0"}, c.args...)
		if code := Main(args, Options{Stdout: &stdout, Stderr: &stderr}); code != 2 || stderr.String() != c.want {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", name, code, stderr.String(), c.want)
		}
	}
	f, err := ParseFlags([]string{"--from", "7", "--from", "jobid://abc", "--preset", "totals"}, &bytes.Buffer{})
	if err != nil || len(f.From) != 2 || f.From[1] != "jobid://abc" {
		t.Fatalf("repeated --from: %+v, %v", f.From, err)
	}
}

func TestFromRunsThePresetOnALocalOrReductoID(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"totals": totalsPreset})
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	parse := completedParse(t, a, a.Defaults())
	uploads := a.sim.Requests("/upload")
	queued, err := a.SubmitFrom(context.Background(), "totals", []string{strconv.FormatInt(parse.ID, 10), parse.JobID, "999"})
	if len(queued) != 2 || err == nil || !strings.Contains(err.Error(), "--from 999") {
		t.Fatalf("SubmitFrom: %d queued, %v; want 2 and the unknown local id refused", len(queued), err)
	}
	for _, j := range queued {
		if j.ParentID != parse.ID || j.Source != jobs.SourceChain || j.Preset != "totals" || j.Kind != jobs.KindExtract {
			t.Errorf("chained job %+v", j)
		}
		if in := chainedInput(t, a, j.ID); in != "jobid://"+parse.JobID {
			t.Errorf("input %q, want jobid://%s", in, parse.JobID)
		}
	}
	if a.sim.Requests("/upload") != uploads {
		t.Error("--from uploaded the document again")
	}
}

func TestFromIsHandedToTheRunningInstance(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"totals": totalsPreset})
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	inst := &instance{ready: make(chan struct{})}
	inst.setApp(a)
	inst.markReady()
	srv, _, err := ClaimWith(context.Background(), home, control.Request{Show: true}, inst.handle)
	if err != nil || srv == nil {
		t.Fatalf("the first launch did not become the instance: %v", err)
	}
	defer srv.Close()
	parse := completedParse(t, a, a.Defaults())

	_, resp, err := ClaimWith(context.Background(), home, control.Request{From: []string{parse.JobID}, Preset: "totals"}, nil)
	if err != nil || resp == nil || resp.Accepted != 1 {
		t.Fatalf("hand-off of --from: %+v, %v", resp, err)
	}
	var kids []jobs.Job
	waitFor(t, "the chained job", func() bool {
		kids, err = a.Engine().Children(context.Background(), parse.ID)
		return err == nil && len(kids) == 1
	})
	if kids[0].Preset != "totals" || chainedInput(t, a, kids[0].ID) != "jobid://"+parse.JobID {
		t.Fatalf("handed chain %+v", kids[0])
	}
	// The running instance reads the preset: a parse preset is refused.
	_, _, err = ClaimWith(context.Background(), home, control.Request{From: []string{parse.JobID}, Preset: "missing"}, nil)
	if err == nil || !strings.Contains(err.Error(), "--preset missing") {
		t.Fatalf("hand-off with an unknown preset: %v", err)
	}
}

func TestParsePresetThenRunsTheExtract(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"totals": totalsPreset, "scan": `{"kind":"parse","then":"totals"}`})
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := a.PresetOptions("scan", jobs.SourceWatch, true)
	if err != nil {
		t.Fatal(err)
	}
	parse := completedParse(t, a, opts)
	var kids []jobs.Job
	waitFor(t, "the then job to complete", func() bool {
		kids, err = a.Engine().Children(context.Background(), parse.ID)
		return err == nil && len(kids) == 1 && kids[0].Status == jobs.StatusCompleted
	})
	k := kids[0]
	if k.Preset != "totals" || k.Kind != jobs.KindExtract || k.Source != jobs.SourceChain || k.Options.Outputs != jobs.OutputsBeside {
		t.Fatalf("then job %+v", k)
	}
	if in := chainedInput(t, a, k.ID); in != "jobid://"+parse.JobID {
		t.Fatalf("then input %q", in)
	}
}
