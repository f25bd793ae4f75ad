package notify

import (
	"strings"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
)

func TestRenderTitles(t *testing.T) {
	ok := outcome{name: "a.pdf", kind: jobs.KindParse}
	bad := outcome{name: "b.pdf", kind: jobs.KindExtract, failed: true, reason: "bad scan"}
	cases := []struct {
		batch []outcome
		title string
		body  string
	}{
		{[]outcome{ok}, "a.pdf completed", "a.pdf: parse completed"},
		{[]outcome{bad}, "b.pdf failed", "b.pdf: extract failed: bad scan"},
		{[]outcome{ok, ok, ok}, "3 documents completed", "a.pdf: parse completed\na.pdf: parse completed\na.pdf: parse completed"},
		{[]outcome{bad, bad, bad}, "3 documents failed", "b.pdf: extract failed: bad scan\nb.pdf: extract failed: bad scan\nb.pdf: extract failed: bad scan"},
		{[]outcome{ok, bad, ok}, "2 completed, 1 failed", "a.pdf: parse completed\nb.pdf: extract failed: bad scan\na.pdf: parse completed"},
		{[]outcome{{name: "c.pdf", failed: true}}, "c.pdf failed", "c.pdf: failed: no reason given"},
	}
	for _, c := range cases {
		title, body := render(c.batch)
		if title != c.title || body != c.body {
			t.Errorf("render(%v) = %q, %q; want %q, %q", c.batch, title, body, c.title, c.body)
		}
	}
}

func TestOutcomeFlattensAndShortens(t *testing.T) {
	o := newOutcome(jobs.Job{ID: 1, File: "/d/two\nlines.pdf", Status: jobs.StatusFailed,
		Error: "line one\n\tline two " + strings.Repeat("x", 500)})
	if o.name != "two lines.pdf" {
		t.Errorf("name = %q, want the newline flattened", o.name)
	}
	line := o.line()
	if strings.Contains(line, "\n") || strings.Contains(line, "\t") {
		t.Errorf("line %q has control characters", line)
	}
	if !strings.HasPrefix(line, "two lines.pdf: failed: line one line two xxx") || !strings.HasSuffix(line, "…") {
		t.Errorf("line = %q, want flattened and shortened reason", line)
	}
	if n := len([]rune(line)); n > len("two lines.pdf: failed: ")+maxReason {
		t.Errorf("line has %d runes, want the reason cut to %d", n, maxReason)
	}
}

func TestParseModeRoundTrip(t *testing.T) {
	for _, m := range []Mode{All, FailuresOnly, Off} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", m.String(), got, err, m)
		}
	}
	if _, err := ParseMode("sometimes"); err == nil {
		t.Error("ParseMode(sometimes) succeeded")
	}
}
