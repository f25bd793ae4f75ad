package widgets

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

func TestTextLinesCutsLinesAndColumns(t *testing.T) {
	tl := NewTextLines("{\n  \"a\": \"héllo wörld\"\n}")
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
	if NewTextLines("").Len() != 1 || (*TextLines)(nil).Len() != 0 {
		t.Error("empty text")
	}
}

// A text the size of a 300-page result's JSON draws a screenful of lines,
// not one object per line (the TextGrid it replaces built ~34,000 rows of
// cells, 40 s and 4 GB on a 19-page result), and scrolling shows the
// lines that come into view.
func TestLinesViewDrawsOnlyWhatIsInView(t *testing.T) {
	a := test.NewTempApp(t)
	var b strings.Builder
	b.WriteString("{\n")
	for i := range 35000 {
		fmt.Fprintf(&b, "  \"line %d\": \"some text of a typical length\",\n", i)
	}
	b.WriteString("}")
	tl := NewTextLines(b.String())
	v := NewLinesView()
	w := a.NewWindow("lines")
	w.SetContent(v)
	w.Resize(fyne.NewSize(1000, 680))
	v.SetLines(tl)
	w.Resize(fyne.NewSize(1000, 681))
	rr := test.WidgetRenderer(v.content).(*linesRenderer)
	drawn := rr.Objects()
	if len(drawn) == 0 || len(drawn) > 100 {
		t.Fatalf("%d lines drawn for a viewport of %v", len(drawn), v.scroll.Size())
	}
	if got := drawnLines(rr); got[0] != "{" {
		t.Errorf("first line drawn %q", got)
	}
	v.scroll.ScrollToBottom()
	drawn = rr.Objects()
	if len(drawn) == 0 || len(drawn) > 100 {
		t.Fatalf("%d lines drawn at the bottom", len(drawn))
	}
	got := drawnLines(rr)
	if got[len(got)-1] != "}" {
		t.Errorf("last line drawn %q", got[len(got)-1])
	}
	if v.Text() != b.String() {
		t.Error("the view's text is not the text it was given")
	}
}

func drawnLines(r fyne.WidgetRenderer) []string {
	var out []string
	for _, o := range r.Objects() {
		out = append(out, o.(*canvas.Text).Text)
	}
	return out
}
