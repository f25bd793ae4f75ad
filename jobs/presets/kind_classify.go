package presets

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerForm(jobs.KindClassify, formMapping{toRequest: classifyRequest, fromRequest: liftClassify})
}

// classifyRequest: the categories as classification_schema (criteria an
// empty list when the form has none). A classify has no parse options.
func classifyRequest(o jobs.Options) map[string]any {
	req := map[string]any{}
	if len(o.Classify.Categories) > 0 {
		req["classification_schema"] = o.Classify.Schema()
	}
	return req
}

func liftClassify(req map[string]json.RawMessage, o *jobs.Options) {
	if v, ok := take(req, []string{"classification_schema"}, classifyCategories); ok {
		o.Classify.Categories = v.([]jobs.ClassifyCategory)
	}
}

// classifyCategories accepts classification_schema when it is a list of
// named categories with their criteria and nothing else, which is what the
// form's rows hold.
func classifyCategories(raw json.RawMessage) (any, bool) {
	var cs []jobs.ClassifyCategory
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if dec.Decode(&cs) != nil || len(cs) == 0 {
		return nil, false
	}
	for _, c := range cs {
		if strings.TrimSpace(c.Category) == "" || c.Criteria == nil {
			return nil, false
		}
		for _, k := range c.Criteria {
			if strings.Contains(k, ",") { // the form's rows separate criteria with commas
				return nil, false
			}
		}
	}
	return cs, true
}
