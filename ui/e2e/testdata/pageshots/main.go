// Command pageshots shows the page view (ui/pageview) beside a parse's
// blocks, on a generated invoice whose layout is known, so every box lands
// on its words: the README's picture of the page view, taken under Xvfb
// by ui/e2e TestPageScreenshots. Built with
// `go build ./ui/e2e/testdata/pageshots` (testdata is outside ./...).
//
//	pageshots -view pages -size 1000x680 -hold 30s
//
// With -pdf FILE it shows that document instead, and with -tour it goes to
// every page in turn, waiting until each is shown, then prints the
// process's peak RSS (Linux): the page view's memory in a real window
// (docs/benchmarks.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/ui/pageview"
)

// block is one parse block of the sample and where it is, in points.
type block struct {
	typ, text  string
	page       int
	x, y, w, h float64
	low        bool
}

func main() {
	flag.String("view", "pages", "the one view this program shows (the shots harness passes it)")
	size := flag.String("size", "1000x680", "window size WxH")
	hold := flag.Duration("hold", 30*time.Second, "how long to show the view before quitting")
	pdf := flag.String("pdf", "", "show this PDF instead of the sample invoice")
	tour := flag.Bool("tour", false, "go to every page in turn, then print the peak RSS and quit")
	flag.Parse()
	var w, h float32
	if _, err := fmt.Sscanf(*size, "%fx%f", &w, &h); err != nil {
		fmt.Fprintln(os.Stderr, "bad -size:", err)
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "pageshots")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "invoice-2041.pdf")
	blocks := sampleBlocks()
	if err := os.WriteFile(path, samplePDF(), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	a := fyneapp.NewWithID("ai.reducto.tray.pageshots")
	win := a.NewWindow("Reducto Tray")
	r := pages.New(pages.Config{CompileCacheDir: pages.DefaultCompileCacheDir()})
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pv := pageview.New(r, &export.FigureFetcher{MaxBytes: 5 << 20, MaxPixels: 16_000_000}, func(f func(context.Context)) { go f(ctx) }, fyne.Do)
	// Start PDFium before the window shows (compiling it the first time
	// takes seconds): the harness photographs the first settled frame.
	if d, err := r.Open(ctx, path); err == nil {
		d.Close()
	}

	doc := &result.Doc{}
	for _, b := range blocks {
		doc.Blocks = append(doc.Blocks, result.Block{Type: b.typ, Content: b.text, Page: b.page, Low: b.low,
			Box: &result.Box{Left: b.x / 612, Top: b.y / 792, Width: b.w / 612, Height: b.h / 792}})
	}
	list := widget.NewList(func() int { return len(blocks) },
		func() fyne.CanvasObject {
			return container.NewVBox(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}}, &widget.Label{Truncation: fyne.TextTruncateEllipsis})
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			b := blocks[id]
			kind := fmt.Sprintf("%s · page %d", b.typ, b.page)
			if b.low {
				kind += " · low confidence"
			}
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(kind)
			o.(*fyne.Container).Objects[1].(*widget.Label).SetText(b.text)
		})
	list.OnSelected = func(id widget.ListItemID) { pv.Select(id) }
	pv.OnBoxTapped = func(b pageview.Block) { list.Select(b.Index) }
	if *pdf != "" {
		path, blocks, doc = *pdf, nil, &result.Doc{}
	}
	start := time.Now()
	pv.SetSource(pageview.Source{Path: path}, pageview.Blocks(doc))

	split := container.NewHSplit(list, pv.Object())
	split.Offset = 0.34
	win.SetContent(split)
	win.Resize(fyne.NewSize(w, h))
	if *tour {
		go touring(pv, start, a.Quit)
	} else {
		go func() {
			// Select the table once the document is open, as a click would.
			time.Sleep(1500 * time.Millisecond)
			fyne.Do(func() { list.Select(3) })
			time.Sleep(*hold)
			fyne.Do(a.Quit)
		}()
	}
	win.ShowAndRun()
}

// touring waits for the first page, then goes to each page in turn and
// waits until the label names it and its picture is painted a moment, and
// prints the time to the first page and the peak RSS.
func touring(pv *pageview.View, start time.Time, quit func()) {
	count := func() int {
		n := 0
		fyne.DoAndWait(func() {
			var of int
			if _, err := fmt.Sscanf(pv.PageLabel.Text, "Page %d of %d", &n, &of); err == nil {
				n = of
			}
		})
		return n
	}
	n := 0
	for n == 0 && time.Since(start) < time.Minute {
		time.Sleep(5 * time.Millisecond)
		n = count()
	}
	first := time.Since(start)
	for i := 0; i < n; i++ {
		fyne.DoAndWait(func() { pv.GoTo(i) })
		time.Sleep(60 * time.Millisecond) // rendered and painted
	}
	time.Sleep(time.Second)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("pages %d, document open %s, peak RSS %s, RSS now %s, Go heap in use %d MiB, Go sys %d MiB\n", n, first.Round(time.Millisecond),
		procField("VmHWM:"), procField("VmRSS:"), m.HeapInuse>>20, m.Sys>>20)
	fyne.Do(quit)
}

// procField is a line's value from /proc/self/status ("" elsewhere).
func procField(key string) string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, key) {
			return strings.TrimSpace(strings.TrimPrefix(l, key))
		}
	}
	return ""
}

// sampleBlocks is the invoice's parse: where each block is, in points from
// the top-left of a US Letter page.
func sampleBlocks() []block {
	return []block{
		{"Title", "Invoice INV-2041", 1, 70, 58, 250, 32, false},
		{"Text", "Northwind Traders, 12 Harbour Road, Leith. Billed to Contoso Ltd.", 1, 70, 112, 400, 40, false},
		{"Section Header", "Services", 1, 70, 180, 120, 22, false},
		{"Table", "Item | Qty | Price | Total (4 rows)", 1, 70, 210, 472, 130, false},
		{"Text", "Payment due within 30 days by bank transfer to the account below.", 1, 70, 362, 420, 34, false},
		{"Comment", "Approved, see amended total (handwritten)", 1, 330, 420, 212, 40, true},
		{"Figure", "Figure 1: Hours per week", 1, 70, 480, 300, 170, false},
		{"Page Number", "1", 1, 296, 740, 20, 16, false},
	}
}

// samplePDF draws the invoice so that each block's box frames its words.
func samplePDF() []byte {
	p := pages.SamplePage{}
	t := func(x, y, size float64, s string) {
		p.Texts = append(p.Texts, pages.SampleText{X: x, Y: y, Size: size, Text: s})
	}
	r := func(x, y, w, h, rr, g, b float64) {
		p.Rects = append(p.Rects, pages.SampleRect{X: x, Y: y, W: w, H: h, R: rr, G: g, B: b})
	}
	t(72, 84, 26, "Invoice INV-2041")
	t(72, 128, 11, "Northwind Traders, 12 Harbour Road, Leith")
	t(72, 146, 11, "Billed to Contoso Ltd., 4 Market Street")
	t(72, 196, 15, "Services")
	r(72, 212, 468, 24, 0.85, 0.88, 0.92)
	for i, row := range [][4]string{{"Item", "Qty", "Price", "Total"}, {"Consulting", "12", "150.00", "1,800.00"},
		{"Workshop", "2", "900.00", "1,800.00"}, {"Travel", "1", "240.00", "240.00"}, {"", "", "Total", "3,840.00"}} {
		y := 229 + float64(i)*24
		for c, cell := range row {
			t(80+float64(c)*118, y, 11, cell)
		}
	}
	t(72, 376, 11, "Payment due within 30 days by bank transfer")
	t(72, 390, 11, "to the account below.")
	r(334, 424, 204, 32, 1, 0.97, 0.8)
	t(340, 444, 12, "Approved - see amended total")
	r(72, 482, 296, 166, 0.96, 0.96, 0.96)
	for i, hgt := range []float64{60, 110, 80, 140, 95} {
		r(92+float64(i)*52, 640-hgt, 36, hgt, 0.2, 0.45, 0.75)
	}
	t(300, 752, 10, "1")
	return pages.SamplePDF([]pages.SamplePage{p, {Texts: []pages.SampleText{{X: 72, Y: 84, Size: 14, Text: "Terms and conditions"}}}})
}
