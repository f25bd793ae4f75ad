package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func TestTextLinesCutsLinesAndColumns(t *testing.T) {
	tl := newTextLines("{\n  \"a\": \"héllo wörld\"\n}")
	if tl.Len() != 3 || tl.line(0) != "{" || tl.line(2) != "}" {
		t.Fatalf("lines %d: %q %q", tl.Len(), tl.line(0), tl.line(2))
	}
	if tl.maxCols != len([]rune(`  "a": "héllo wörld"`)) {
		t.Errorf("maxCols %d", tl.maxCols)
	}
	if got := tl.cols(1, 9, 4); got != "éllo" {
		t.Errorf("cols(1, 9, 4) = %q", got)
	}
	if got := tl.cols(0, 5, 4); got != "" {
		t.Errorf("past the end: %q", got)
	}
	if newTextLines("").Len() != 1 || (*textLines)(nil).Len() != 0 {
		t.Error("empty text")
	}
}

// The JSON tab of a 300-page result draws a screenful of lines, not one
// object per line (the TextGrid it replaces built ~34,000 rows of cells,
// 40 s and 4 GB on a 19-page result), and scrolling shows the lines that
// come into view.
func TestJSONTabDrawsOnlyWhatIsInView(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	raw := largeParse(300)
	d := r.u.detail
	j := jobs.Job{ID: 1, JobID: "big", File: "/data/big.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted}
	js := jsonView(raw)
	if js.Len() < 30000 {
		t.Fatalf("fixture has only %d lines", js.Len())
	}
	r.onMain(func() {
		r.u.win.Resize(fyne.NewSize(1000, 680))
		d.fill(j, nil, nil, raw, nil, buildResult(jobs.KindParse, raw), js)
		d.tabs.SelectIndex(1)
		r.u.win.Resize(fyne.NewSize(1000, 681))
		rr := test.WidgetRenderer(d.JSON.content).(*linesRenderer)
		drawn := rr.Objects()
		if len(drawn) == 0 || len(drawn) > 100 {
			t.Fatalf("%d lines drawn for a viewport of %v", len(drawn), d.JSON.scroll.Size())
		}
		if got := drawnLines(rr); got[0] != "{" {
			t.Errorf("first line drawn %q", got)
		}
		d.JSON.scroll.ScrollToBottom()
		drawn = rr.Objects()
		if len(drawn) == 0 || len(drawn) > 100 {
			t.Fatalf("%d lines drawn at the bottom", len(drawn))
		}
		got := drawnLines(rr)
		if got[len(got)-1] != "}" {
			t.Errorf("last line drawn %q", got[len(got)-1])
		}
		if !strings.Contains(d.JSON.Text(), `"job_id": "big"`) {
			t.Error("the view's text is not the indented result")
		}
	})
}

func drawnLines(r fyne.WidgetRenderer) []string {
	var out []string
	for _, o := range r.Objects() {
		out = append(out, o.(*canvas.Text).Text)
	}
	return out
}
