package result

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { register(jobs.KindSplit, readSplit) }

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
func (s Section) PageRanges() string { return s.Ranges("–") }

// Ranges is the section's pages as ranges joined by dash: "1-3, 7" is
// what a PDF tool takes as a page selection.
func (s Section) Ranges(dash string) string {
	pages := s.Pages
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

// readSplit reads a stored split result ({result: {splits}} or {splits});
// deep-split pages (evidence objects with a page) count too.
func readSplit(raw []byte, r *Result) error {
	var top struct {
		Usage  Usage         `json:"usage"`
		Splits []wireSection `json:"splits"`
		Result *struct {
			Splits []wireSection `json:"splits"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		return fmt.Errorf("read split result: %w", err)
	}
	ws := top.Splits
	if top.Result != nil && ws == nil {
		ws = top.Result.Splits
	}
	r.Split, r.Usage = sections(ws), top.Usage
	return nil
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
