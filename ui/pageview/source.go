package pageview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/reductotray/reducto-tray/jobs/pages"
)

// Source is the document behind a result.
type Source struct {
	Path string // the original on disk
	// PDFURL is Reducto's pdf_url (a PDF rendition of office files), shown
	// when Path cannot be rendered here and the URL is still valid.
	PDFURL string
}

// SetSource shows src with blocks drawn on it (UI goroutine). The document
// is opened off the UI goroutine; a message with "Open the file" takes the
// pages' place when neither the file nor Reducto's PDF can be shown.
func (pv *View) SetSource(src Source, blocks []Block) {
	pv.seq++
	seq := pv.seq
	pv.clear()
	pv.path = src.Path
	pv.Message.SetText("Opening " + filepath.Base(src.Path) + "…")
	pv.OpenButton.Hide()
	pv.message.Show()
	pv.bg(func(ctx context.Context) {
		doc, err := pv.open(ctx, src)
		pv.do(func() {
			if seq != pv.seq {
				if doc != nil {
					doc.Close()
				}
				return
			}
			if err != nil {
				pv.showMessage(err.Error())
				return
			}
			pv.setDocument(doc, blocks)
		})
	})
}

// open opens the file, else Reducto's PDF of it, and says why neither.
func (pv *View) open(ctx context.Context, src Source) (*pages.Document, error) {
	name := filepath.Base(src.Path)
	var err error
	if src.Path != "" {
		var doc *pages.Document
		doc, err = pv.r.Open(ctx, src.Path)
		if err == nil {
			return doc, nil
		}
		if errors.Is(err, pages.ErrPassword) {
			return nil, fmt.Errorf("%s is protected by a password; it cannot be shown here", name)
		}
		if !errors.Is(err, pages.ErrUnreadable) && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s cannot be shown here: %v", name, err)
		}
	}
	if src.PDFURL != "" && !pdfURLExpired(src.PDFURL, time.Now()) {
		data, derr := pv.fetch.FetchPDF(ctx, src.PDFURL, pages.DefaultMaxFileBytes)
		if derr == nil {
			doc, oerr := pv.r.OpenBytes(ctx, name+" (Reducto's PDF)", data)
			if oerr == nil {
				return doc, nil
			}
			derr = oerr
		}
		return nil, fmt.Errorf("%s cannot be shown here, nor Reducto's PDF of it: %v", name, derr)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s is no longer where it was, and Reducto's PDF of it has expired", name)
	}
	return nil, fmt.Errorf("%s cannot be shown here (only PDFs and images are); open it with its application", name)
}

// pdfURLExpired: a presigned URL past its expiry (X-Amz-Date +
// X-Amz-Expires), not worth a request. Whether the URL may be fetched at all
// (https, or loopback http) is the fetcher's rule.
func pdfURLExpired(raw string, now time.Time) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	q := u.Query()
	if d, e := q.Get("X-Amz-Date"), q.Get("X-Amz-Expires"); d != "" && e != "" {
		start, err1 := time.Parse("20060102T150405Z", d)
		secs, err2 := strconv.Atoi(e)
		return err1 != nil || err2 != nil || now.After(start.Add(time.Duration(secs)*time.Second))
	}
	return false
}

// Renderer opens a document's pages: the app's one jobs/pages.Renderer,
// which the core makes and hands in (ui.Config.Pages).
type Renderer interface {
	// Open opens the file at path.
	Open(ctx context.Context, path string) (*pages.Document, error)
	// OpenBytes opens a document held in memory; name is for messages.
	OpenBytes(ctx context.Context, name string, data []byte) (*pages.Document, error)
}

// PDFFetcher downloads Reducto's PDF of a document. The core hands in its
// checked client (jobs/export.FigureFetcher: https, or http only to
// loopback, redirects too; bounded bodies; a time limit), so the view
// makes no HTTP calls of its own.
type PDFFetcher interface {
	// FetchPDF downloads a PDF of at most maxBytes.
	FetchPDF(ctx context.Context, url string, maxBytes int64) ([]byte, error)
}
