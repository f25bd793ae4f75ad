package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// drawnText is a text as drawn: its string and its rectangle in the row.
type drawnText struct {
	text     string
	pos      fyne.Position
	size     fyne.Size
	truncate bool // the string ends in an ellipsis
}

// drawnTexts walks o's visible objects (through the widgets' renderers)
// and returns each non-empty canvas.Text with the rectangle its string
// takes, relative to o.
func drawnTexts(o fyne.CanvasObject) []drawnText {
	var out []drawnText
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *canvas.Text:
			if strings.TrimSpace(w.Text) == "" {
				return
			}
			p := at.Add(w.Position())
			size := fyne.MeasureText(w.Text, w.TextSize, w.TextStyle)
			switch w.Alignment {
			case fyne.TextAlignTrailing:
				p.X += w.Size().Width - size.Width
			case fyne.TextAlignCenter:
				p.X += (w.Size().Width - size.Width) / 2
			}
			out = append(out, drawnText{text: w.Text, pos: p, size: size, truncate: strings.HasSuffix(w.Text, "…")})
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c, at.Add(w.Position()))
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c, at.Add(w.Position()))
			}
		}
	}
	walk(o, fyne.Position{}.Subtract(o.Position()))
	return out
}

func overlaps(a, b drawnText) bool {
	return a.pos.X < b.pos.X+b.size.Width && b.pos.X < a.pos.X+a.size.Width &&
		a.pos.Y < b.pos.Y+b.size.Height && b.pos.Y < a.pos.Y+a.size.Height
}

// A row never draws text over text, at 1000, 700 and 420 px, for short and
// long names, with and without a cost, in every status (the cost was drawn
// over long names, and columns over each other once the pane widened).
// What gives way is checked too: the cost first, then duration, age and
// kind, and the name is never cut while the row has room for it.
func TestRowTextsNeverOverlap(t *testing.T) {
	test.NewTempApp(t)
	now := time.Now()
	done := now.Add(-2*time.Hour + 5*time.Minute)
	credits := 1.0
	long := "Quarterly consolidated financial statements of the northern region 2025 (final, signed).pdf"
	jobsToShow := []jobs.Job{
		{File: "/d/scan.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted, Pages: 165, Credits: &credits, CreatedAt: now.Add(-26 * time.Hour), CompletedAt: &done},
		{File: "/d/" + long, Kind: jobs.KindExtract, Status: jobs.StatusCompleted, Pages: 165, Credits: &credits, CreatedAt: now.Add(-2 * time.Hour), CompletedAt: &done},
		{File: "/d/" + long, Kind: jobs.KindSplit, Status: jobs.StatusCancelled, CreatedAt: now.Add(-12 * 24 * time.Hour)},
		{File: "/d/b.pdf", Kind: jobs.KindParse, Status: jobs.StatusRunning, CreatedAt: now.Add(-time.Minute)},
		{File: "/d/c.pdf", Kind: jobs.KindExtract, Status: jobs.StatusCompleted, CreatedAt: now.Add(-20 * time.Minute), CompletedAt: &done},
	}
	for _, width := range []float32{1000, 700, 420, 300} {
		cols := map[string]bool{} // each row's visible columns and where: they must line up
		for k, j := range jobsToShow {
			t.Run(fmt.Sprintf("%.0f/%d", width, k), func(t *testing.T) {
				r := newJobRow()
				test.WidgetRenderer(r)
				r.show(j, 0.4, j.Status == jobs.StatusRunning, now)
				r.Resize(fyne.NewSize(width, r.MinSize().Height))
				texts := drawnTexts(r)
				for a := range texts {
					if texts[a].pos.X < 0 || texts[a].pos.X+texts[a].size.Width > width+0.5 {
						t.Errorf("%q drawn outside the row: x %.0f–%.0f of %.0f", texts[a].text, texts[a].pos.X, texts[a].pos.X+texts[a].size.Width, width)
					}
					for b := a + 1; b < len(texts); b++ {
						if overlaps(texts[a], texts[b]) {
							t.Errorf("%q (x %.0f–%.0f) and %q (x %.0f–%.0f) overlap", texts[a].text, texts[a].pos.X, texts[a].pos.X+texts[a].size.Width,
								texts[b].text, texts[b].pos.X, texts[b].pos.X+texts[b].size.Width)
						}
					}
				}
				name := texts[0]
				if k == 0 || k >= 3 { // the short names
					if name.truncate {
						t.Errorf("short name cut to %q with %0.f px", name.text, r.name.Size().Width)
					}
				} else if len([]rune(name.text)) < 12 {
					t.Errorf("long name cut to %q", name.text)
				}
				if !r.status.Visible() && !r.progress.Visible() {
					t.Error("the status column gave way")
				}
				if width >= 700 && (!r.kind.Visible() || !r.age.Visible()) {
					t.Errorf("at %.0f px kind %v age %v hidden", width, r.kind.Visible(), r.age.Visible())
				}
				if width == 1000 {
					for _, d := range texts[1:] {
						if d.truncate && d.text != "…" {
							t.Errorf("column text cut to %q at 1000 px", d.text)
						}
					}
				}
				if k == 0 && width >= 700 && !r.cost.Visible() {
					t.Error("the cost of a short name is hidden")
				}
				cols[fmt.Sprint(r.kind.Visible(), r.age.Visible(), r.duration.Visible(), r.status.Position().X)] = true
			})
		}
		if len(cols) != 1 {
			t.Errorf("at %.0f px the rows' columns do not line up: %v", width, cols)
		}
	}
}

// The name is laid out for the job a recycled row shows now, not for the
// one before it ("scan.p…" after a row that was loading).
func TestRecycledRowLaysOutItsNewName(t *testing.T) {
	test.NewTempApp(t)
	r := newJobRow()
	test.WidgetRenderer(r)
	r.Resize(fyne.NewSize(1000, 36))
	r.loading()
	r.show(jobs.Job{File: "/d/scan.pdf", Kind: jobs.KindParse, Status: jobs.StatusQueued, CreatedAt: time.Now()}, 0, false, time.Now())
	if got := drawnTexts(r)[0].text; got != "scan.pdf" {
		t.Errorf("name drawn as %q", got)
	}
}

// Enter on a focused row opens it, as Space does (only Space did).
func TestEnterOpensTheFocusedRow(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	r.onMain(func() { r.u.Dropped(fyne.Position{}, uris(r.files("a.pdf", "b.pdf"))) })
	l := r.u.list
	r.eventually("two rows", func() bool { return l.List.Length() == 2 })
	r.onMain(func() {
		r.u.win.Canvas().Focus(l.List)
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	r.eventually("the second row opened", func() bool {
		j, ok, _ := l.pager.Row(1)
		return ok && r.u.detail.shown && r.u.detail.job.ID == j.ID && l.selected == j.ID
	})
}

// The Jobs tab says what a drop does and changes it: a preset picked in
// Submit silently became what every drop does.
func TestJobsTabSaysWhatADropDoes(t *testing.T) {
	fp := newFakePresets(map[string]jobs.Options{"invoices": {Kind: jobs.KindExtract, Extract: jobs.ExtractOptions{Schema: []byte(`{"type":"object"}`)}}})
	r := newRigWith(t, reductotest.Config{}, func(_ *rig, cfg *Config) { cfg.Presets = fp })
	l := r.u.list
	r.eventually("the plain drop", func() bool { return l.Drop.Text == "Drop documents here: parse with the Submit tab's options" })
	r.eventually("the preset offered", func() bool { return slices.Contains(l.DropPreset.Options, "invoices") })
	r.onMain(func() { l.DropPreset.SetSelected("invoices") })
	r.eventually("the drop uses the preset", func() bool {
		return l.Drop.Text == "Drop documents here: extract with invoices" && r.u.submit.preset == "invoices"
	})
}
