package result

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { register(jobs.KindClassify, readClassify) }

// Classify is a classify job's result: the category Reducto chose, among
// how many, and what it cost.
type Classify struct {
	Category   string
	Categories int // usage.num_categories: how many it chose among
	Usage      Usage
}

// readClassify reads a ClassifyResponse ({"response_type": "classify",
// "job_id", "result": {"category"}, "usage", "duration"}) as the history
// keeps it. A response without a category is an error: there is nothing
// to show or route on.
func readClassify(raw []byte, r *Result) error {
	var w struct {
		Result *struct {
			Category string `json:"category"`
		} `json:"result"`
		Usage *struct {
			Usage
			NumCategories int `json:"num_categories"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return fmt.Errorf("read classify result: %w", err)
	}
	if w.Result == nil || w.Result.Category == "" {
		return errors.New("read classify result: it names no category")
	}
	c := &Classify{Category: w.Result.Category}
	if w.Usage != nil {
		c.Usage, c.Categories = w.Usage.Usage, w.Usage.NumCategories
	}
	r.Classify, r.Usage = c, c.Usage
	return nil
}
