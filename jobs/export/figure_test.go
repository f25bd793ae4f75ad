package export

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// pngBytes is a w×h PNG with a red pixel at (1, 2).
func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 2, color.RGBA{R: 0xff, A: 0xff})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// figureServer serves each path's body (and Content-Type) on loopback and
// counts the requests.
func figureServer(t *testing.T, routes map[string]func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			h(w, r)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestFigureFetcherDecodesPNG(t *testing.T) {
	body := pngBytes(t, 24, 14)
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/fig.png": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(body)
		},
	})
	var f FigureFetcher
	img, err := f.Fetch(context.Background(), srv.URL+"/fig.png")
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 24 || b.Dy() != 14 {
		t.Fatalf("bounds %v, want 24×14", b)
	}
	if r, _, _, _ := img.At(1, 2).RGBA(); r != 0xffff {
		t.Errorf("pixel (1,2) red = %#x, want the red pixel", r)
	}
}

func TestFigureFetcherRefusesPlainHTTPOffLoopback(t *testing.T) {
	var f FigureFetcher
	// TEST-NET-1: refused before any connection is tried.
	_, err := f.Fetch(context.Background(), "http://192.0.2.1/fig.png")
	if !errors.Is(err, reducto.ErrInsecureURL) {
		t.Fatalf("err = %v, want ErrInsecureURL", err)
	}
	if _, err := f.Fetch(context.Background(), "file:///etc/passwd"); err == nil {
		t.Fatal("a file: URL was fetched")
	}
	// A loopback server that redirects off loopback over plain http.
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/fig.png": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://192.0.2.1/fig.png", http.StatusFound)
		},
	})
	_, err = f.Fetch(context.Background(), srv.URL+"/fig.png")
	if !errors.Is(err, reducto.ErrInsecureURL) {
		t.Fatalf("redirect: err = %v, want ErrInsecureURL", err)
	}
}

func TestFigureFetcherRefusesOversizedBody(t *testing.T) {
	big := append(pngBytes(t, 8, 8), make([]byte, 2048)...)
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		// Content-Length announced: refused before the body is read.
		"/sized.png": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Length", strconv.Itoa(len(big)))
			_, _ = w.Write(big)
		},
		// Chunked, no length: refused once the reader passes the cap.
		"/chunked.png": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			for i := 0; i < len(big); i += 256 {
				_, _ = w.Write(big[i:min(i+256, len(big))])
				w.(http.Flusher).Flush()
			}
		},
	})
	f := FigureFetcher{MaxBytes: 1024}
	for _, p := range []string{"/sized.png", "/chunked.png"} {
		_, err := f.Fetch(context.Background(), srv.URL+p)
		if err == nil || !strings.Contains(err.Error(), "over the limit of 1 KiB") {
			t.Errorf("%s: err = %v, want over the limit", p, err)
		}
	}
	// The default cap is 5 MiB.
	if DefaultFigureMaxBytes != 5<<20 {
		t.Errorf("default cap %d", DefaultFigureMaxBytes)
	}
}

func TestFigureFetcherRefusesNonImage(t *testing.T) {
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/page.png": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png") // the header lies
			_, _ = w.Write([]byte("<html><body>Access denied</body></html>"))
		},
		"/fig.gif": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(gif) },
		"/gone.png": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "expired", http.StatusForbidden)
		},
	})
	var f FigureFetcher
	for _, p := range []string{"/page.png", "/fig.gif"} {
		if _, err := f.Fetch(context.Background(), srv.URL+p); !errors.Is(err, ErrNotImage) {
			t.Errorf("%s: err = %v, want ErrNotImage", p, err)
		}
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/gone.png"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("403: err = %v", err)
	}
}

func TestFigureFetcherRefusesTooManyPixelsAndSlowServers(t *testing.T) {
	body := pngBytes(t, 40, 30)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/fig.png": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) },
		"/slow.png": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
	})
	f := FigureFetcher{MaxPixels: 40*30 - 1}
	if _, err := f.Fetch(context.Background(), srv.URL+"/fig.png"); err == nil || !strings.Contains(err.Error(), "40×30 pixels") {
		t.Errorf("err = %v, want the pixel limit", err)
	}
	f = FigureFetcher{Timeout: 50 * time.Millisecond}
	if _, err := f.Fetch(context.Background(), srv.URL+"/slow.png"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow server: err = %v, want the deadline", err)
	}
}

// A 16-bit image counts its bytes, not only its pixels: under the pixel
// limit, over the decoded-bytes limit.
func TestFigureFetcherCountsBitDepth(t *testing.T) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA64(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	srv, _ := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/deep.png": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(b.Bytes()) },
	})
	f := FigureFetcher{MaxDecoded: 64 * 64 * 4} // room for 8-bit RGBA only
	if _, err := f.Fetch(context.Background(), srv.URL+"/deep.png"); err == nil || !strings.Contains(err.Error(), "decoded") {
		t.Errorf("16-bit figure: err = %v, want the decoded-bytes limit", err)
	}
}

// Reducto's pdf_url goes through the same rules: a redirect off loopback
// to plain http is refused, the body is bounded, a good one comes back.
func TestFetchPDF(t *testing.T) {
	pdf := []byte("%PDF-1.4 a PDF's bytes")
	srv, hits := figureServer(t, map[string]func(http.ResponseWriter, *http.Request){
		"/doc.pdf": func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pdf) },
		"/moved.pdf": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://192.0.2.1/doc.pdf", http.StatusFound)
		},
	})
	var f FigureFetcher
	got, err := f.FetchPDF(context.Background(), srv.URL+"/doc.pdf", 1<<20)
	if err != nil || !bytes.Equal(got, pdf) {
		t.Fatalf("FetchPDF = %q, %v", got, err)
	}
	_, err = f.FetchPDF(context.Background(), srv.URL+"/moved.pdf", 1<<20)
	if !errors.Is(err, reducto.ErrInsecureURL) || !strings.Contains(err.Error(), "Reducto's PDF redirect") {
		t.Errorf("redirect to plain http off loopback: err = %v, want ErrInsecureURL", err)
	}
	if _, err := f.FetchPDF(context.Background(), srv.URL+"/doc.pdf", 8); err == nil || !strings.Contains(err.Error(), "over the limit of 8 bytes") {
		t.Errorf("over the limit: err = %v", err)
	}
	if _, err := f.FetchPDF(context.Background(), "http://192.0.2.1/doc.pdf", 1<<20); !errors.Is(err, reducto.ErrInsecureURL) {
		t.Errorf("plain http off loopback: err = %v", err)
	}
	if n := hits.Load(); n != 3 {
		t.Errorf("%d requests reached the server, want 3 (no redirect followed off loopback)", n)
	}
}
