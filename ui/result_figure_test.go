package ui

import (
	"context"
	"fmt"
	"image"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

func init() {
	// Tests talk only to loopback: the fixtures' figure URLs
	// (https://example.invalid/...) are refused here, not looked up.
	figureFetcher.Client = &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, _ := net.SplitHostPort(addr); !reducto.IsLoopbackHost(host) {
				return nil, fmt.Errorf("ui tests dial only loopback, not %s", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
}

// showParseWithFigure shows the parse fixture with its figure's image_url
// set to url, scrolled to the figure; it returns the figure's row.
func showParseWithFigure(t *testing.T, r *rig, url string) (*DetailView, int) {
	t.Helper()
	raw, err := os.ReadFile("testdata/result-parse.json")
	if err != nil {
		t.Fatal(err)
	}
	raw = []byte(strings.Replace(string(raw), "https://example.invalid/fig1.png", url, 1))
	j := jobs.Job{ID: 41, JobID: "p-1", File: "/data/report.pdf", Kind: jobs.KindParse, Status: jobs.StatusCompleted, Options: jobs.Options{Kind: jobs.KindParse}}
	d := r.u.detail
	row := -1
	r.onMain(func() {
		d.fill(j, nil, nil, raw, nil, buildResult(jobs.KindParse, raw), jsonView(raw))
		r.u.win.Resize(fyne.NewSize(1000, 680))
		p := d.View.Parse
		for i, pr := range p.m.rows {
			if pr.block >= 0 && p.blockOf(i).ImageURL == url {
				row = i
			}
		}
		if row < 0 {
			t.Fatal("no figure row")
		}
		p.List.ScrollTo(row)
	})
	return d, row
}

// figureCell is the built cell showing row, or nil.
func figureCell(p *parseView, row int) *blockCell {
	for _, c := range p.cells {
		if c.row == row {
			return c
		}
	}
	return nil
}

func TestParseFigureShowsItsImage(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	// The simulator serves a real 240×140 PNG per page, as in the sandbox.
	url := r.sim.URL + "/figure/p-1/3.png"
	d, row := showParseWithFigure(t, r, url)
	p := d.View.Parse
	var c *blockCell
	r.eventually("the figure's image", func() bool {
		c = figureCell(p, row)
		return c != nil && c.img.Visible() && c.img.Image != nil
	})
	r.onMain(func() {
		if b := c.img.Image.Bounds(); b.Dx() != 240 || b.Dy() != 140 {
			t.Errorf("image %v, want the simulator's 240×140", b)
		}
		// Scaled to the column's width, at the image's aspect.
		w := c.text.Size().Width
		if h := c.img.MinSize().Height; w <= 0 || h < w*140/240-1 || h > w*140/240+1 {
			t.Errorf("image %v high at width %v, want %v", h, w, w*140/240)
		}
		if c.img.FillMode != canvas.ImageFillContain { // the aspect is kept
			t.Errorf("fill mode %v", c.img.FillMode)
		}
		if got := c.text.String(); !strings.Contains(got, "Figure 1: sales by month") || strings.Contains(got, "Image not shown") {
			t.Errorf("caption = %q", got)
		}
		if c.link.Visible() {
			t.Error("the image is shown and Open image still offered")
		}
		// The row is as tall as the image and its caption.
		if h := p.heights[row]; h < c.img.MinSize().Height+c.text.MinSize().Height {
			t.Errorf("row %v high, image %v + caption %v", h, c.img.MinSize().Height, c.text.MinSize().Height)
		}
		// Shown again, the cached image is used: no second fetch.
		if len(p.figures) != 1 || !p.figures[url].done {
			t.Errorf("cache %v", p.figures)
		}
	})
}

func TestParseFigureFailureKeepsCaptionAndLink(t *testing.T) {
	r := newRig(t, reductotest.Config{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("<html>Access denied</html>"))
	}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct{ url, reason string }{
		{srv.URL + "/fig.png", "not a PNG or JPEG image"},
		{"http://192.0.2.1/fig.png", "plain http:// is allowed only for a loopback host"},
	} {
		d, row := showParseWithFigure(t, r, tc.url)
		p := d.View.Parse
		var c *blockCell
		r.eventually("the reason beside the caption", func() bool {
			c = figureCell(p, row)
			return c != nil && strings.Contains(c.text.String(), "Image not shown")
		})
		r.onMain(func() {
			if got := c.text.String(); !strings.Contains(got, "Figure 1: sales by month") || !strings.Contains(got, tc.reason) {
				t.Errorf("%s: text = %q, want the caption and %q", tc.url, got, tc.reason)
			}
			if c.img.Visible() {
				t.Errorf("%s: an image is shown", tc.url)
			}
			if !c.link.Visible() || c.link.Text != "Open image" || c.link.URL.String() != tc.url {
				t.Errorf("%s: link %v %q %v", tc.url, c.link.Visible(), c.link.Text, c.link.URL)
			}
		})
	}
}

// The figures kept for the open result are bounded in bytes: the least
// recently shown go first, the one just fetched stays, those in flight
// cost nothing.
func TestFigureCacheBounded(t *testing.T) {
	mib := func() image.Image { return image.NewRGBA(image.Rect(0, 0, 512, 512)) } // 1 MiB
	deep := image.NewRGBA64(image.Rect(0, 0, 1024, 1024))                          // 8 MiB
	figs := map[string]*figureState{
		"a": {img: mib(), done: true, used: 1},
		"b": {img: mib(), done: true, used: 5},
		"c": {img: mib(), done: true, used: 3},
		"d": {used: 0}, // in flight
		"e": {img: mib(), done: true, used: 4},
	}
	pruneFigures(figs, 3<<20)
	for _, u := range []string{"b", "c", "d", "e"} {
		if figs[u] == nil {
			t.Errorf("%s was dropped", u)
		}
	}
	if figs["a"] != nil {
		t.Error("the least recently shown figure was kept over the bound")
	}
	figs["f"] = &figureState{img: deep, done: true, used: 6}
	pruneFigures(figs, 3<<20)
	if len(figs) != 2 || figs["f"] == nil || figs["d"] == nil {
		t.Errorf("after an 8 MiB figure: %v, want only it and the one in flight", figureKeys(figs))
	}
	if got := imageBytes(deep); got != 8<<20 {
		t.Errorf("a 1024x1024 16-bit image counts %d bytes, want 8 MiB", got)
	}
}

func figureKeys(m map[string]*figureState) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
