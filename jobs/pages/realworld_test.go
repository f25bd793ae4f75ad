package pages

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Every PDF either shows or says why within the time limit, and never takes
// the renderer down. These are small hostile fixtures generated here; real
// documents are tried by TestRealWorldPDFs.

// encryptedPDF is pdf encrypted (AES-256) with a user password.
func encryptedPDF(t *testing.T, pdf []byte) []byte {
	t.Helper()
	api.DisableConfigDir()
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(pdf), &out, model.NewAESConfiguration("secret", "owner", 256)); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// brokenXref is pdf with every xref offset wrong and startxref pointing
// nowhere: readers rebuild the table by scanning, as PDFium does.
func brokenXref(pdf []byte) []byte {
	s := string(pdf)
	i := strings.Index(s, "xref\n")
	head, tail := s[:i], s[i:]
	var b strings.Builder
	for _, l := range strings.Split(tail, "\n") {
		if len(l) == 19 && strings.HasSuffix(l, " n ") {
			l = "0000000007 00000 n "
		}
		if strings.HasPrefix(l, "startxref") {
			b.WriteString("startxref\n99999999\n%%EOF\n")
			break
		}
		b.WriteString(l + "\n")
	}
	return []byte(head + b.String())
}

// formPDF is a one-page PDF with an AcroForm text field (a widget
// annotation with its appearance stream).
func formPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /NeedAppearances true >> >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Ada Lovelace) /Rect [72 650 372 680] /DA (/Helv 12 Tf 0 g) /AP << /N 5 0 R >> /P 3 0 R /F 4 >>",
		"<< /Type /XObject /Subtype /Form /BBox [0 0 300 30] /Length 40 >>\nstream\n0.9 0.9 1 rg 0 0 300 30 re f\nendstream",
	}
	return assemblePDF(objs, 1)
}

// missingFontPDF draws its text in a TrueType font that is neither
// embedded nor one of PDF's standard fonts: PDFium substitutes one.
func missingFontPDF() []byte {
	pdf := SamplePDF([]SamplePage{layoutPage})
	return bytes.Replace(pdf, []byte("/Subtype /Type1 /BaseFont /Helvetica"), []byte("/Subtype /TrueType /BaseFont /NoSuchFont,Bold"), 1)
}

func TestHostilePDFs(t *testing.T) {
	ctx := ctxT(t)
	good := SamplePDF([]SamplePage{layoutPage, {}})
	many := 3000
	if raceEnabled {
		many = 40 // wazero's interpreter under the race detector is many times slower
	}
	thousands := make([]SamplePage, many)
	for i := range thousands {
		thousands[i] = SamplePage{Width: 300 + float64(i%7)*10, Height: 400}
	}
	cases := []struct {
		name  string
		data  []byte
		pages int   // 0: refused
		err   error // the refusal
	}{
		{"broken-xref.pdf", brokenXref(good), 2, nil},
		{"encrypted.pdf", encryptedPDF(t, good), 0, ErrPassword},
		{"form.pdf", formPDF(), 1, nil},
		{"missing-font.pdf", missingFontPDF(), 1, nil},
		{"many-pages.pdf", SamplePDF(thousands), many, nil},
		{"tall.pdf", SamplePDF([]SamplePage{{Width: 72, Height: 14400}}), 1, nil},
	}
	for _, c := range cases {
		start := time.Now()
		d, err := shared.OpenBytes(ctx, c.name, c.data)
		if c.pages == 0 {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: %v, want %v", c.name, err, c.err)
			}
			t.Logf("%s: refused: %v (%s)", c.name, err, time.Since(start))
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if n := d.PageCount(); n != c.pages {
			t.Errorf("%s: %d pages, want %d", c.name, n, c.pages)
		}
		for _, p := range []int{0, d.PageCount() - 1} {
			img, err := d.Render(ctx, p, 1000)
			if err != nil {
				t.Errorf("%s page %d: %v", c.name, p+1, err)
				continue
			}
			if b := img.Bounds(); b.Dx()*b.Dy() > MaxRenderPixels {
				t.Errorf("%s page %d: %v", c.name, p+1, b.Size())
			}
		}
		t.Logf("%s: %d pages, first and last rendered in %s", c.name, d.PageCount(), time.Since(start))
		d.Close()
	}
}

// TestRealWorldPDFs opens every PDF under $PAGES_REALWORLD_DIR (for
// instance the manuals of Debian's r-doc-pdf and texlive-*-doc packages,
// unpacked with dpkg-deb -x; none are committed) and renders its first and
// last pages: each shows, or fails with one of the package's errors,
// within the time limit, and the renderer goes on. Skipped without it.
func TestRealWorldPDFs(t *testing.T) {
	root := os.Getenv("PAGES_REALWORLD_DIR")
	if root == "" {
		t.Skip("PAGES_REALWORLD_DIR not set")
	}
	var files []string
	_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && strings.EqualFold(filepath.Ext(p), ".pdf") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) == 0 {
		t.Skipf("no PDFs under %s", root)
	}
	r := New(testConfig(Config{CallTimeout: 15 * time.Second}))
	defer r.Close()
	// Started first, so its start is not counted against the first file.
	if d, err := r.OpenBytes(context.Background(), "warm.pdf", SamplePDF([]SamplePage{{}})); err == nil {
		d.Close()
	}
	var shown, refused int
	var slowest time.Duration
	var slowestName string
	for _, f := range files {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		start := time.Now()
		d, err := r.Open(ctx, f)
		if err == nil {
			for _, p := range []int{0, d.PageCount() - 1} {
				if _, err = d.Render(ctx, p, 1000); err != nil {
					break
				}
			}
		}
		took := time.Since(start)
		if took > slowest {
			slowest, slowestName = took, filepath.Base(f)
		}
		rel, _ := filepath.Rel(root, f)
		switch {
		case err == nil:
			shown++
			t.Logf("%-60s %5d pages  %s", rel, d.PageCount(), took.Round(time.Millisecond))
		case errors.Is(err, ErrUnreadable), errors.Is(err, ErrPassword), errors.Is(err, ErrTimeout), errors.Is(err, ErrTooLarge):
			refused++
			t.Logf("%-60s refused: %v (%s)", rel, err, took.Round(time.Millisecond))
		default:
			t.Errorf("%s: an error the page view cannot explain: %v", rel, err)
		}
		if d != nil {
			d.Close()
		}
		cancel()
		// Two calls (open, render) plus a restart at most.
		if took > 2*15*time.Second+10*time.Second {
			t.Errorf("%s took %s", rel, took)
		}
	}
	t.Logf("%d PDFs: %d shown, %d refused with a reason; slowest %s (%s)", len(files), shown, refused, slowestName, slowest)
}
