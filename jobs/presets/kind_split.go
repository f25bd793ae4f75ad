package presets

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerForm(jobs.KindSplit, formMapping{toRequest: splitRequest, fromRequest: liftSplit})
}

// splitRequest: the sections and rules, the parse options under parsing.
func splitRequest(o jobs.Options) map[string]any {
	req := map[string]any{}
	if len(o.Split.Descriptions) > 0 {
		req["split_description"] = o.Split.Descriptions
	}
	if o.Split.Rules != "" {
		req["split_rules"] = o.Split.Rules
	}
	return withParsing(req, o)
}

func liftSplit(req map[string]json.RawMessage, o *jobs.Options) {
	if v, ok := take(req, []string{"split_description"}, splitSections); ok {
		o.Split.Descriptions = v.([]jobs.SplitDescription)
	}
	if v, ok := take(req, []string{"split_rules"}, anyString); ok {
		o.Split.Rules = v.(string)
	}
}

// splitSections accepts split_description when it is a list of name and
// description pairs and nothing else, which is what the form's rows hold.
func splitSections(raw json.RawMessage) (any, bool) {
	var ds []jobs.SplitDescription
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if dec.Decode(&ds) != nil || len(ds) == 0 {
		return nil, false
	}
	for _, d := range ds {
		if strings.TrimSpace(d.Name) == "" {
			return nil, false
		}
	}
	return ds, true
}
