package core

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/presets"
	"github.com/reductotray/reducto-tray/jobs/settings"
	"github.com/reductotray/reducto-tray/receiver"
	"github.com/reductotray/reducto-tray/receiver/control"
)

// invoicesPreset is a parse preset with request fields no form offers.
const invoicesPreset = `{
  "kind": "parse",
  "request": {"settings": {"queue_priority": "low"}, "formatting": {"table_output_format": "html"}},
  "metadata": {"team": "ap"},
  "outputs": "beside"
}`

// homeWithPresets makes a data folder holding the given preset files.
func homeWithPresets(t *testing.T, files map[string]string) string {
	t.Helper()
	home := t.TempDir()
	dir := settings.PresetsDir(home)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return home
}

// startCoreIn starts a headless sandboxed core on home.
func startCoreIn(t *testing.T, home string, flags Flags) (*App, error) {
	t.Helper()
	svc, err := settings.NewService(settings.ServiceConfig{
		Home: home, Secrets: settings.NewSecrets(home, false), CheckSecret: receiver.ValidateSecret,
		Getenv: func(string) string { return "" },
	})
	if err != nil {
		t.Fatal(err)
	}
	flags.Listen, flags.Sandbox = "127.0.0.1:0", true
	a, err := Start(Config{Home: home, Flags: flags, Settings: svc, Logger: quietLogger()})
	if err == nil {
		t.Cleanup(a.Close)
	}
	return a, err
}

// sentBody waits until job id is submitted and returns the request body
// the sandbox recorded for it.
func sentBody(t *testing.T, a *App, id int64) map[string]any {
	t.Helper()
	var jobID string
	waitFor(t, "submission", func() bool {
		j, err := a.Engine().Job(context.Background(), id)
		jobID = j.JobID
		return err == nil && jobID != ""
	})
	ji, ok := a.sim.Job(jobID)
	if !ok {
		t.Fatalf("the sandbox has no job %s", jobID)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(ji.RawConfig), &body); err != nil {
		t.Fatal(err)
	}
	return body
}

func field(m map[string]any, path ...string) any {
	var cur any = m
	for _, k := range path {
		obj, _ := cur.(map[string]any)
		cur = obj[k]
	}
	return cur
}

func TestRunPresetIsUsedForTheRunsFiles(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"invoices": invoicesPreset})
	a, err := startCoreIn(t, home, Flags{Preset: "invoices"})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := a.RunPreset()
	if !ok || p.Name != "invoices" || p.Outputs != jobs.OutputsBeside {
		t.Fatalf("RunPreset = %+v, %v", p, ok)
	}
	if a.Presets() == nil || a.Presets().Dir() != settings.PresetsDir(home) {
		t.Fatalf("Presets() is not the data folder's presets folder")
	}
	queued := a.submitCLI([]string{writePDF(t, t.TempDir(), "inv.pdf")})
	if len(queued) != 1 {
		t.Fatalf("queued %d", len(queued))
	}
	j := queued[0]
	if j.Preset != "invoices" || j.Source != jobs.SourceCLI || j.Options.Outputs != jobs.OutputsBeside {
		t.Errorf("job preset %q source %q outputs %q", j.Preset, j.Source, j.Options.Outputs)
	}
	body := sentBody(t, a, j.ID)
	if field(body, "settings", "queue_priority") != "low" || field(body, "formatting", "table_output_format") != "html" ||
		field(body, "async", "metadata", "team") != "ap" {
		t.Errorf("the sandbox got %v", body)
	}
}

func TestBadRunPresetStopsTheStart(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"bad": `{"kind":"parsee"}`})
	_, err := startCoreIn(t, home, Flags{Preset: "bad"})
	if err == nil || err.Error() != `--preset bad: presets/bad.json: field "kind": "parsee" is not one of `+jobs.KindNames(",") {
		t.Fatalf("Start with a bad preset: %v", err)
	}
}

func TestUnknownOrInvalidPresetIsExit2WithOneLine(t *testing.T) {
	home := homeWithPresets(t, map[string]string{
		"bad":  `{"kind":"parse","outputs":"next-to"}`,
		"good": `{"kind":"parse"}`,
	})
	t.Setenv(settings.HomeEnv, home)
	cases := map[string]string{
		"bad":     `reducto-tray: --preset bad: presets/bad.json: field "outputs": "next-to" is not one of beside, none` + "\n",
		"missing": "reducto-tray: --preset missing: presets/missing.json: no such preset (" + settings.PresetsDir(home) + " has: bad, good)\n",
	}
	for name, want := range cases {
		var stdout, stderr bytes.Buffer
		code := Main([]string{"--headless", "--sandbox", "--listen", "127.0.0.1:0", "--preset", name}, Options{Stdout: &stdout, Stderr: &stderr})
		if code != 2 || stderr.String() != want {
			t.Errorf("--preset %s: exit %d, stderr %q; want 2 and %q", name, code, stderr.String(), want)
		}
	}
	// Nothing started: the folder has no database and no control socket.
	if _, err := os.Stat(settings.DatabasePath(home)); !os.IsNotExist(err) {
		t.Errorf("a refused launch opened the history: %v", err)
	}
}

func TestHandOffCarriesThePreset(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"invoices": invoicesPreset, "bad": `{"kind":"parse","webhook":"svx"}`})
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	srv, _, err := ClaimWith(context.Background(), home, control.Request{Show: true}, a.HandleControl)
	if err != nil || srv == nil {
		t.Fatalf("the first launch did not become the instance: %v", err)
	}
	defer srv.Close()

	doc := writePDF(t, t.TempDir(), "handed.pdf")
	_, resp, err := ClaimWith(context.Background(), home, control.Request{Open: []string{doc}, Preset: "invoices"}, nil)
	if err != nil || resp == nil || resp.Accepted != 1 {
		t.Fatalf("hand-off with a preset: %+v, %v", resp, err)
	}
	var handed jobs.Job
	waitFor(t, "the handed file queued", func() bool {
		js, err := a.Engine().List(context.Background(), jobs.Query{Limit: 10})
		if err != nil || len(js) != 1 {
			return false
		}
		handed = js[0]
		return true
	})
	if handed.Preset != "invoices" || handed.Source != jobs.SourceCLI {
		t.Errorf("handed job preset %q source %q", handed.Preset, handed.Source)
	}
	if body := sentBody(t, a, handed.ID); field(body, "settings", "queue_priority") != "low" {
		t.Errorf("the sandbox got %v", body)
	}

	// The running instance reads the preset itself: a bad one is refused
	// with the file and the field, and nothing is queued.
	_, _, err = ClaimWith(context.Background(), home, control.Request{Open: []string{doc}, Preset: "bad"}, nil)
	if err == nil || !strings.Contains(err.Error(), `--preset bad: presets/bad.json: field "webhook": "svx" is not one of none, svix, direct`) {
		t.Errorf("hand-off with a bad preset: %v", err)
	}
	// Without a preset the hand-off uses the defaults.
	_, resp, err = ClaimWith(context.Background(), home, control.Request{Open: []string{doc}}, nil)
	if err != nil || resp.Accepted != 1 {
		t.Fatalf("plain hand-off: %+v, %v", resp, err)
	}
	js, _ := a.Engine().List(context.Background(), jobs.Query{Limit: 10})
	if len(js) != 2 || js[0].Preset != "" {
		t.Errorf("jobs after a plain hand-off: %d, newest preset %q", len(js), js[0].Preset)
	}
}

func TestPresetOptionsForOtherSources(t *testing.T) {
	home := homeWithPresets(t, map[string]string{"invoices": `{"kind":"parse"}`})
	a, err := startCoreIn(t, home, Flags{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.RunPreset(); ok {
		t.Error("RunPreset without --preset")
	}
	o, err := a.PresetOptions("invoices", jobs.SourceWatch, true)
	if err != nil || o.Preset != "invoices" || o.Source != jobs.SourceWatch || o.Outputs != jobs.OutputsBeside {
		t.Errorf("PresetOptions = %+v, %v", o, err)
	}
	if _, err := a.PresetOptions("nope", jobs.SourceWatch, true); err == nil || !strings.HasPrefix(err.Error(), "presets/nope.json: no such preset") {
		t.Errorf("PresetOptions of a missing preset: %v", err)
	}
	var _ *presets.Store = a.Presets()
}

func TestAFailedStartStopsWhatItStartedWithoutPanicking(t *testing.T) {
	home := t.TempDir()
	// The history cannot be opened: its path is a folder.
	if err := os.MkdirAll(settings.DatabasePath(home), 0o700); err != nil {
		t.Fatal(err)
	}
	a, err := startCoreIn(t, home, Flags{})
	if err == nil || a != nil || !strings.Contains(err.Error(), "open history") {
		t.Fatalf("Start = %v, %v; want the history's error", a, err)
	}
}
