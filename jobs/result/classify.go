package result

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Classify is a classify job's result: the category Reducto chose and
// what it cost.
type Classify struct {
	Category string
	Usage    ClassifyUsage
}

// ClassifyUsage is a classify's usage object.
type ClassifyUsage struct {
	NumPages      int      `json:"num_pages"`
	NumCategories int      `json:"num_categories"`
	Credits       *float64 `json:"credits"`
}

// ReadClassify reads a ClassifyResponse ({"response_type": "classify",
// "job_id", "result": {"category"}, "usage", "duration"}) as the history
// keeps it. A response without a category is an error: there is nothing
// to show or route on.
func ReadClassify(raw []byte) (Classify, error) {
	var w struct {
		Result *struct {
			Category string `json:"category"`
		} `json:"result"`
		Usage *ClassifyUsage `json:"usage"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return Classify{}, fmt.Errorf("read classify result: %w", err)
	}
	if w.Result == nil || w.Result.Category == "" {
		return Classify{}, errors.New("read classify result: it names no category")
	}
	c := Classify{Category: w.Result.Category}
	if w.Usage != nil {
		c.Usage = *w.Usage
	}
	return c, nil
}
