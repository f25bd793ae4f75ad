package presets

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

// ToForm moves the request fields the submit form has widgets for
// (table format, chunking, page range, an extract's schema and prompt, a
// split's sections and rules) out of o.Request into o's form options, so
// a preset, whose request says everything it sends, fills the form; what
// the form cannot show stays in the raw view. Values the form could not
// represent faithfully stay in the request too. Saving the form as a
// preset puts them back (FromOptions), and the request merge sends
// the same fields either way.
func ToForm(o jobs.Options) jobs.Options {
	if len(bytes.TrimSpace(o.Request)) == 0 {
		return o
	}
	var req map[string]json.RawMessage
	if json.Unmarshal(o.Request, &req) != nil || req == nil {
		return o // invalid: the raw view shows it and says why
	}
	// The parse widgets show only for a parse: an extract's or a split's
	// parsing options ("parsing": {...}) stay in the raw view, since the
	// form would drop what it does not show.
	if o.Kind == jobs.KindParse {
		if v, ok := take(req, []string{"formatting", "table_output_format"}, stringIn(jobs.TableFormats)); ok {
			o.Parse.TableFormat = v.(string)
		}
		if v, ok := take(req, []string{"retrieval", "chunking", "chunk_mode"}, stringIn(jobs.ChunkModes)); ok {
			o.Parse.ChunkMode = v.(string)
		}
		if v, ok := take(req, []string{"settings", "page_range", "start"}, pageInt); ok {
			o.Parse.PageStart = v.(int)
		}
		if v, ok := take(req, []string{"settings", "page_range", "end"}, pageInt); ok {
			o.Parse.PageEnd = v.(int)
		}
	}
	switch o.Kind {
	case jobs.KindExtract:
		if v, ok := take(req, []string{"instructions", "schema"}, schemaObject); ok {
			o.Extract.Schema = v.(json.RawMessage)
		}
		if v, ok := take(req, []string{"instructions", "system_prompt"}, anyString); ok {
			o.Extract.SystemPrompt = v.(string)
		}
	case jobs.KindSplit:
		if v, ok := take(req, []string{"split_description"}, splitSections); ok {
			o.Split.Descriptions = v.([]jobs.SplitDescription)
		}
		if v, ok := take(req, []string{"split_rules"}, anyString); ok {
			o.Split.Rules = v.(string)
		}
	case jobs.KindEdit:
		if v, ok := take(req, []string{"edit_instructions"}, anyString); ok {
			o.Edit.Instructions = v.(string)
		}
		if v, ok := take(req, []string{"edit_options", "color"}, anyString); ok {
			o.Edit.Color = v.(string)
		}
		if v, ok := take(req, []string{"edit_options", "flatten"}, anyBool); ok {
			o.Edit.Flatten = v.(bool)
		}
		if v, ok := take(req, []string{"edit_options", "enable_overflow_pages"}, anyBool); ok {
			o.Edit.OverflowPages = v.(bool)
		}
	case jobs.KindClassify:
		if v, ok := take(req, []string{"classification_schema"}, classifyCategories); ok {
			o.Classify.Categories = v.([]jobs.ClassifyCategory)
		}
	}
	o.Request = nil
	if len(req) > 0 {
		if rest, err := json.Marshal(req); err == nil {
			o.Request = rest
		}
	}
	return o
}

// take removes the field at path from m when accept takes its value, and
// with it any object the removal left empty. It returns what accept made
// of the value.
func take(m map[string]json.RawMessage, path []string, accept func(json.RawMessage) (any, bool)) (any, bool) {
	raw, ok := m[path[0]]
	if !ok {
		return nil, false
	}
	if len(path) == 1 {
		v, ok := accept(raw)
		if ok {
			delete(m, path[0])
		}
		return v, ok
	}
	var sub map[string]json.RawMessage
	if json.Unmarshal(raw, &sub) != nil || sub == nil {
		return nil, false
	}
	v, ok := take(sub, path[1:], accept)
	if !ok {
		return nil, false
	}
	if len(sub) == 0 {
		delete(m, path[0])
	} else if b, err := json.Marshal(sub); err == nil {
		m[path[0]] = b
	} else {
		return nil, false
	}
	return v, true
}

func anyString(raw json.RawMessage) (any, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return s, true
}

func anyBool(raw json.RawMessage) (any, bool) {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return nil, false
	}
	return b, true
}

// stringIn accepts the strings the form's select offers.
func stringIn(choices []string) func(json.RawMessage) (any, bool) {
	return func(raw json.RawMessage) (any, bool) {
		s, ok := anyString(raw)
		if !ok || !slices.Contains(choices, s.(string)) {
			return nil, false
		}
		return s, true
	}
}

func pageInt(raw json.RawMessage) (any, bool) {
	var n int
	if json.Unmarshal(raw, &n) != nil || n < 1 {
		return nil, false
	}
	return n, true
}

func schemaObject(raw json.RawMessage) (any, bool) {
	if err := jobs.CheckSchema(raw); err != nil {
		return nil, false
	}
	return json.RawMessage(raw), true
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
