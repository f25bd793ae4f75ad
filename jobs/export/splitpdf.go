package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

func init() {
	// pdfcpu would otherwise create a configuration folder under the
	// user's config dir on first use; the app needs none.
	model.ConfigPath = "disable"
}

// SplitPDF writes each section's pages of the PDF src as a PDF of its own
// in dir, named after the document and the section ("bundle - Invoice.pdf"),
// never over an existing file ("bundle - Invoice (2).pdf"). Sections without
// pages are skipped; pages past the document's end are an error naming
// the section. It returns the files written.
func SplitPDF(src string, secs []result.Section, dir string) ([]string, error) {
	if !strings.EqualFold(filepath.Ext(src), ".pdf") {
		return nil, fmt.Errorf("split %s into files: only a PDF can be split", filepath.Base(src))
	}
	count, err := api.PageCountFile(src)
	if err != nil {
		return nil, fmt.Errorf("split %s into files: %w", filepath.Base(src), err)
	}
	stem := strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))
	var written []string
	for _, s := range secs {
		if len(s.Pages) == 0 {
			continue
		}
		if last := s.Pages[len(s.Pages)-1]; last > count {
			return written, fmt.Errorf("split %s into files: section %q names page %d of %d", filepath.Base(src), s.Name, last, count)
		}
		out, err := safefs.WriteFree(dir, stem+" - "+safeName(s.Name), ".pdf", 0o644, func(w io.Writer) error {
			in, err := os.Open(src)
			if err != nil {
				return err
			}
			defer in.Close()
			return api.Trim(in, w, []string{s.Ranges("-")}, nil)
		})
		if err != nil {
			return written, fmt.Errorf("split %s into files: section %q: %w", filepath.Base(src), s.Name, err)
		}
		written = append(written, out)
	}
	if len(written) == 0 {
		return nil, errors.New("split into files: no section has pages")
	}
	return written, nil
}

// safeName makes a section's name usable as a file name on every system.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, ". ")
	if len([]rune(name)) > 80 {
		name = string([]rune(name)[:80])
	}
	if name == "" {
		name = "section"
	}
	return name
}
