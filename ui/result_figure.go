package ui

import (
	"context"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs/export"
	"github.com/reductotray/reducto-tray/jobs/pages"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// figureFetcher fetches the parse result's figure images (image_url): a
// plain-Go fetcher with its caps, https or loopback http only. A variable
// so tests can keep it on loopback.
var figureFetcher = &export.FigureFetcher{MaxBytes: 5 << 20, MaxPixels: 16_000_000}

// maxFigureHeight bounds a figure's height in the list, so a tall image
// scaled to a wide column does not fill many screens.
const maxFigureHeight float32 = 480

// maxFigureSide bounds a figure's pixels kept after its fetch: at most
// 480 units high and a column wide, twice that for a HiDPI screen.
const maxFigureSide = 1600

// maxFigureCacheBytes bounds the decoded figures the open result keeps (a
// 16 Mpx 16-bit PNG alone is 128 MiB): past it, the figures shown least
// recently are dropped, and fetched again if scrolled back to.
const maxFigureCacheBytes = 96 << 20

// figureState is one figure image of the open result: being fetched, or
// fetched (img) or failed (err). Main goroutine only.
type figureState struct {
	img  image.Image
	err  error
	done bool
	used uint64 // figureClock when a row last showed it
}

// figureClock orders the figures' uses (main goroutine only).
var figureClock uint64

// figure returns the state of url's image, starting its fetch the first
// time a row shows it: only figures scrolled into view are fetched, once
// per URL for the open result. Main goroutine.
func (p *parseView) figure(url string) *figureState {
	figureClock++
	if st, ok := p.figures[url]; ok {
		st.used = figureClock
		return st
	}
	st := &figureState{used: figureClock}
	p.figures[url] = st
	ctx := p.ctx
	p.v.u.goBg(func(context.Context) {
		img, err := fetcherOr(p.v.u.cfg.Fetcher).Fetch(ctx, url)
		if err != nil {
			p.v.u.log.Debug("figure image not shown", "err", err)
		} else {
			// Kept at most the size it can be shown at: a 16 Mpx figure
			// shown 480 units high need not stay 64-128 MiB.
			img = pages.Shrink(img, maxFigureSide, maxFigureSide)
		}
		p.v.u.do(func() {
			st.img, st.err, st.done = img, err, true
			pruneFigures(p.figures, maxFigureCacheBytes)
			p.refreshFigure(url)
		})
	})
	return st
}

// pruneFigures drops the least recently shown fetched figures until those
// kept fit in max bytes (the latest one is always kept; figures in flight
// cost nothing yet).
func pruneFigures(figs map[string]*figureState, max int64) {
	var total int64
	for _, st := range figs {
		total += imageBytes(st.img)
	}
	for total > max {
		var oldURL string
		var old *figureState
		for u, st := range figs {
			if st.img != nil && (old == nil || st.used < old.used) {
				oldURL, old = u, st
			}
		}
		if old == nil || imageBytes(old.img) == total {
			return // nothing else to drop
		}
		total -= imageBytes(old.img)
		delete(figs, oldURL)
	}
}

// imageBytes is the memory of img's pixels.
func imageBytes(img image.Image) int64 {
	switch m := img.(type) {
	case nil:
		return 0
	case *image.RGBA:
		return int64(len(m.Pix))
	case *image.NRGBA:
		return int64(len(m.Pix))
	case *image.RGBA64:
		return int64(len(m.Pix))
	case *image.NRGBA64:
		return int64(len(m.Pix))
	case *image.Gray:
		return int64(len(m.Pix))
	case *image.Gray16:
		return int64(len(m.Pix))
	case *image.Paletted:
		return int64(len(m.Pix))
	case *image.YCbCr:
		return int64(len(m.Y) + len(m.Cb) + len(m.Cr))
	}
	b := img.Bounds()
	return int64(b.Dx()) * int64(b.Dy()) * 4
}

// refreshFigure shows url's image in the rows on screen that hold it.
func (p *parseView) refreshFigure(url string) {
	if p.ctx.Err() != nil { // another result is shown
		return
	}
	for _, c := range p.cells {
		if c.row >= 0 && c.row < len(p.m.rows) && p.m.rows[c.row].block >= 0 && p.blockOf(c.row).ImageURL == url {
			p.List.RefreshItem(c.row)
		}
	}
}

// showFigure puts block b's image in cell c when it has arrived; while it
// is fetched, or when it failed, the caption keeps its "Open image" link
// and says why in small text.
func (p *parseView) showFigure(c *blockCell, b result.Block) {
	st := p.figure(b.ImageURL)
	if st.img != nil {
		c.img.Image = st.img
		c.img.Show()
		c.img.Refresh()
		c.link.Hide()
		return
	}
	note := "Loading the image…"
	if st.done {
		note = "Image not shown: " + st.err.Error()
	}
	c.text.Segments = append(c.text.Segments, &widget.TextSegment{Text: note,
		Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, SizeName: theme.SizeNameCaptionText}})
	c.text.Refresh()
}

// figureHeight is the height of img shown w wide at its aspect ratio,
// within maxFigureHeight (the image then keeps its aspect, centred).
func figureHeight(img image.Image, w float32) float32 {
	b := img.Bounds()
	if b.Dx() <= 0 {
		return 0
	}
	return min(w*float32(b.Dy())/float32(b.Dx()), maxFigureHeight)
}

// newFigureImage is the canvas a figure row shows its image in.
func newFigureImage() *canvas.Image {
	img := &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleSmooth}
	img.Hide()
	return img
}

// sizeFigure gives c's image the height it needs at text width w; it
// returns the height it adds to the row.
func sizeFigure(c *blockCell, w float32) float32 {
	if !c.img.Visible() || c.img.Image == nil {
		return 0
	}
	h := figureHeight(c.img.Image, w)
	c.img.SetMinSize(fyne.NewSize(0, h))
	return h + theme.Padding()
}
