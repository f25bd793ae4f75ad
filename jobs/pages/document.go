package pages

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/requests"
)

// Kind is how a document is rendered.
type Kind int

// The kinds of document.
const (
	KindPDF   Kind = iota + 1 // rendered by PDFium
	KindImage                 // decoded directly
)

// Size is a page's size in PDF points (1/72 inch); an image's in pixels.
type Size struct{ Width, Height float64 }

// Rect is a region of a page, normalised 0-1 from the top-left corner, as
// Reducto's bbox.
type Rect struct{ Left, Top, Width, Height float64 }

// TextRect is a run of text on a page and where it is.
type TextRect struct {
	Text string
	Rect Rect
}

// Document is an open document. Its methods are safe for concurrent use.
type Document struct {
	r     *Renderer
	id    uint64
	name  string
	kind  Kind
	sizes []Size
	load  func() ([]byte, error) // the file's bytes, read again after a restart

	img      *rasterDoc // KindImage
	mu       sync.Mutex
	closed   bool
	fileSize int64
}

// Open opens the document at path: a PDF (by its header, whatever the
// name), else an image (PNG, JPEG, TIFF). Anything else is ErrUnreadable; a
// file over Config.MaxFileBytes is ErrTooLarge, refused before it is read.
func (r *Renderer) Open(ctx context.Context, path string) (*Document, error) {
	name := filepath.Base(path)
	data, err := r.readFile(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	load := func() ([]byte, error) {
		b, err := r.readFile(path)
		if err != nil {
			return nil, fmt.Errorf("read %s again: %w", name, err)
		}
		return b, nil
	}
	return r.open(ctx, name, data, load)
}

// readFile reads path if it is within the size limit (checked before the
// read, and again while reading, in case the file grows).
func (r *Renderer) readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := r.checkSize(st.Size()); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, r.cfg.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	return data, r.checkSize(int64(len(data)))
}

// checkSize refuses a file over the limit, saying both sizes.
func (r *Renderer) checkSize(n int64) error {
	if n > r.cfg.MaxFileBytes {
		return fmt.Errorf("%w: the file is %s, and the page view opens files of up to %s",
			ErrTooLarge, SizeText(n), SizeText(r.cfg.MaxFileBytes))
	}
	return nil
}

// OpenBytes opens a document held in memory (a PDF downloaded from
// Reducto's pdf_url); data must not change afterwards.
func (r *Renderer) OpenBytes(ctx context.Context, name string, data []byte) (*Document, error) {
	if err := r.checkSize(int64(len(data))); err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return r.open(ctx, name, data, func() ([]byte, error) { return data, nil })
}

func (r *Renderer) open(ctx context.Context, name string, data []byte, load func() ([]byte, error)) (*Document, error) {
	d := &Document{r: r, id: r.ids.Add(1), name: name, load: load, fileSize: int64(len(data))}
	if isPDF(data) {
		d.kind = KindPDF
		// The bytes read here serve the first opening; later ones read again.
		first := data
		d.load = func() ([]byte, error) {
			if first != nil {
				b := first
				first = nil
				return b, nil
			}
			return load()
		}
		err := r.do(ctx, func(e *engine) error {
			ref, err := e.document(d)
			if err != nil {
				return err
			}
			n, err := e.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: ref})
			if err != nil {
				return fmt.Errorf("count pages of %s: %w", name, err)
			}
			d.sizes = make([]Size, n.PageCount)
			for i := range d.sizes {
				s, err := e.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: ref, Index: i})
				if err != nil {
					return fmt.Errorf("size of page %d of %s: %w", i+1, name, err)
				}
				d.sizes[i] = Size{s.Width, s.Height}
			}
			return nil
		})
		if err != nil {
			d.Close()
			return nil, err
		}
		if len(d.sizes) == 0 {
			d.Close()
			return nil, fmt.Errorf("open %s: %w: no pages", name, ErrUnreadable)
		}
		return d, nil
	}
	img, err := openRaster(ctx, name, data, r.cfg.MaxImageBytes, r.cfg.CallTimeout)
	if err != nil {
		return nil, err
	}
	d.kind, d.img = KindImage, img
	d.sizes = []Size{{float64(img.w), float64(img.h)}}
	return d, nil
}

// isPDF reports a PDF header in the first KiB (as PDF readers allow).
func isPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// Name is the document's file name.
func (d *Document) Name() string { return d.name }

// Kind says how the document is rendered.
func (d *Document) Kind() Kind { return d.kind }

// PageCount is the number of pages.
func (d *Document) PageCount() int { return len(d.sizes) }

// PageSize is the size of page i (0-based).
func (d *Document) PageSize(i int) Size {
	if i < 0 || i >= len(d.sizes) {
		return Size{}
	}
	return d.sizes[i]
}

// Render renders page i (0-based) width pixels wide (the height follows the
// page's shape), or smaller when that is over the pixel bound: the image is
// FitPixels(PageSize(i), width), so no page costs more than
// MaxRenderPixels whatever its shape. Pages come from the cache when they
// were rendered at that width; a ctx done before PDFium's turn cancels the
// render.
func (d *Document) Render(ctx context.Context, i, width int) (*image.RGBA, error) {
	if i < 0 || i >= len(d.sizes) {
		return nil, fmt.Errorf("render %s: no page %d (of %d)", d.name, i+1, len(d.sizes))
	}
	if width < 1 {
		return nil, fmt.Errorf("render %s: width %d out of range", d.name, width)
	}
	if d.isClosed() {
		return nil, ErrClosed
	}
	key := cacheKey{d.id, i, width}
	if img, ok := d.r.cache.get(key); ok {
		return img, nil
	}
	width, height := FitPixels(d.sizes[i], width)
	var img *image.RGBA
	var err error
	if d.kind == KindImage {
		img, err = d.img.render(width, height)
	} else {
		err = d.r.do(ctx, func(e *engine) error {
			ref, err := e.document(d)
			if err != nil {
				return err
			}
			res, err := e.inst.RenderPageInPixels(&requests.RenderPageInPixels{
				Page:        requests.Page{ByIndex: &requests.PageByIndex{Document: ref, Index: i}},
				Width:       width,
				Height:      height,
				RenderFlags: enums.FPDF_RENDER_FLAG_ANNOT,
				// Form fields are drawn by PDFium's form layer, not as
				// annotations: without it a filled form (an edit's
				// result) shows its fields empty.
				RenderForm: true,
			})
			if err != nil {
				return fmt.Errorf("render page %d of %s: %w", i+1, d.name, err)
			}
			defer res.Cleanup()
			src := res.Result.Image
			// The pixels live in PDFium's memory until Cleanup: copy them out.
			img = image.NewRGBA(src.Rect)
			copy(img.Pix, src.Pix)
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	if !d.isClosed() {
		d.r.cache.put(key, img)
	}
	return img, nil
}

// TextRects lists the runs of text on page i (0-based) with their places,
// normalised as Reducto's bboxes; none for an image.
func (d *Document) TextRects(ctx context.Context, i int) ([]TextRect, error) {
	if d.kind != KindPDF {
		return nil, nil
	}
	if i < 0 || i >= len(d.sizes) {
		return nil, fmt.Errorf("text of %s: no page %d (of %d)", d.name, i+1, len(d.sizes))
	}
	s := d.sizes[i]
	var out []TextRect
	err := d.r.do(ctx, func(e *engine) error {
		ref, err := e.document(d)
		if err != nil {
			return err
		}
		res, err := e.inst.GetPageTextStructured(&requests.GetPageTextStructured{
			Page: requests.Page{ByIndex: &requests.PageByIndex{Document: ref, Index: i}},
			Mode: requests.GetPageTextStructuredModeRects,
		})
		if err != nil {
			return fmt.Errorf("text of page %d of %s: %w", i+1, d.name, err)
		}
		for _, r := range res.Rects {
			p := r.PointPosition
			// PDF space grows upwards from the bottom: flip to top-left.
			out = append(out, TextRect{Text: strings.TrimSpace(r.Text), Rect: Rect{
				Left: p.Left / s.Width, Top: (s.Height - p.Top) / s.Height,
				Width: (p.Right - p.Left) / s.Width, Height: (p.Top - p.Bottom) / s.Height,
			}})
		}
		return nil
	})
	return out, err
}

func (d *Document) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// Close frees the document in PDFium (if it is running) and its cached pages.
func (d *Document) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()
	d.r.cache.dropDoc(d.id)
	if d.img != nil {
		d.img.close()
	}
	if d.kind == KindPDF {
		// Bounded, and never starting PDFium: a stopped engine has
		// forgotten the document already.
		ctx, cancel := context.WithTimeout(context.Background(), d.r.cfg.CallTimeout)
		defer cancel()
		_ = d.r.send(ctx, &call{ctx: ctx, ifRunning: true, done: make(chan error, 1),
			fn: func(e *engine) error { e.closeDocument(d.id); return nil }})
	}
	return nil
}
