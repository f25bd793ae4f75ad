package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/reductotray/reducto-tray/jobs/safefs"
)

func init() {
	// pdfcpu would otherwise create a configuration folder under the
	// user's config dir on first use; the app needs none.
	model.ConfigPath = "disable"
}

// Section is one section a split found, with its pages (1-based, sorted).
type Section struct {
	Name       string
	Pages      []int
	Conf       string // "high", "low" or ""
	Partitions []Section
}

// Low reports whether Reducto was unsure of the section.
func (s Section) Low() bool { return strings.EqualFold(s.Conf, "low") }

// PageRanges is the section's pages as ranges: "1–3, 7".
func (s Section) PageRanges() string {
	return ranges(s.Pages, "–")
}

func ranges(pages []int, dash string) string {
	var parts []string
	for i := 0; i < len(pages); {
		j := i
		for j+1 < len(pages) && pages[j+1] == pages[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(pages[i]))
		} else {
			parts = append(parts, strconv.Itoa(pages[i])+dash+strconv.Itoa(pages[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

type wireSection struct {
	Name       string            `json:"name"`
	Pages      []json.RawMessage `json:"pages"`
	Conf       string            `json:"conf"`
	Partitions []wireSection     `json:"partitions"`
}

// SplitSections reads a stored split result ({result: {splits}} or
// {splits}); deep-split pages (evidence objects with a page) count too.
func SplitSections(raw []byte) ([]Section, error) {
	var top struct {
		Splits []wireSection `json:"splits"`
		Result *struct {
			Splits []wireSection `json:"splits"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("read split result: %w", err)
	}
	ws := top.Splits
	if top.Result != nil && ws == nil {
		ws = top.Result.Splits
	}
	return sections(ws), nil
}

func sections(ws []wireSection) []Section {
	out := make([]Section, 0, len(ws))
	for _, w := range ws {
		s := Section{Name: w.Name, Conf: w.Conf, Partitions: sections(w.Partitions)}
		seen := map[int]bool{}
		for _, p := range w.Pages {
			var n int
			if err := json.Unmarshal(p, &n); err != nil {
				var ev struct {
					Page int `json:"page"`
				}
				if json.Unmarshal(p, &ev) != nil || ev.Page == 0 {
					continue
				}
				n = ev.Page
			}
			if n > 0 && !seen[n] {
				seen[n] = true
				s.Pages = append(s.Pages, n)
			}
		}
		sort.Ints(s.Pages)
		out = append(out, s)
	}
	return out
}

// SplitPDF writes each section's pages of the PDF src as a PDF of its own
// in dir, named after the document and the section ("bundle - Invoice.pdf"),
// never over an existing file ("bundle - Invoice (2).pdf"). Sections without
// pages are skipped; pages past the document's end are an error naming
// the section. It returns the files written.
func SplitPDF(src string, secs []Section, dir string) ([]string, error) {
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
			return api.Trim(in, w, []string{ranges(s.Pages, "-")}, nil)
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
