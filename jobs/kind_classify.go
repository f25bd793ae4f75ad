package jobs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// KindClassify says which of the user's categories a document belongs to.
// Reducto answers it at once (POST /classify is synchronous); the engine
// runs it as a job all the same, and a preset's Routes send the document
// on to the category's preset.
const KindClassify Kind = "classify"

func init() {
	RegisterKind(KindSpec{
		Kind: KindClassify, Order: 4, Label: "Classify",
		AppFields: []string{"input"},
		NoWebhook: true,
		Outputs:   []string{".classify.json"},
		Check:     checkClassify,
	})
}

// ClassifyOptions are the categories a classify job chooses between, as
// the form edits them.
type ClassifyOptions struct {
	Categories []ClassifyCategory `json:"categories,omitempty"`
}

// Schema returns the categories as classification_schema sends them: a
// copy, with an empty list of criteria where the form has none.
func (c ClassifyOptions) Schema() []ClassifyCategory {
	cats := make([]ClassifyCategory, len(c.Categories))
	for i, k := range c.Categories {
		cats[i] = ClassifyCategory{Category: k.Category, Criteria: append([]string{}, k.Criteria...)}
	}
	return cats
}

// ClassifyCategory is one entry of classification_schema: a category and
// the criteria a document of it meets.
type ClassifyCategory struct {
	Category string   `json:"category"`
	Criteria []string `json:"criteria"`
}

// checkClassify requires a classification_schema, from the raw request
// (which wins, as the request merge does) or the form: a non-empty array
// of {category: a non-empty string, criteria: an array of strings}.
func checkClassify(o Options) error {
	const field = "request.classification_schema"
	raw := RawLookup(o.Request, "classification_schema")
	if raw == nil {
		if len(o.Classify.Categories) == 0 {
			return fieldErr(field, `missing; a classify needs a non-empty array of {"category", "criteria"} here`)
		}
		b, err := json.Marshal(o.Classify.Schema())
		if err != nil {
			return fieldErr("classify", "%v", err)
		}
		raw = b
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil || items == nil {
		return fieldErr(field, `want an array of {"category", "criteria"}; got %s`, JSONType(raw))
	}
	if len(items) == 0 {
		return fieldErr(field, `empty; it needs at least one {"category", "criteria"}`)
	}
	seen := map[string]bool{}
	for i, it := range items {
		at := fmt.Sprintf("%s[%d]", field, i)
		v := RawLookup(it, "category")
		name, err := JSONString(v)
		if v == nil || err != nil || strings.TrimSpace(name) == "" {
			return fieldErr(at+".category", "want a non-empty string")
		}
		if seen[name] {
			return fieldErr(at+".category", "%q is named twice", name)
		}
		seen[name] = true
		var crit []json.RawMessage
		c := RawLookup(it, "criteria")
		if c == nil || json.Unmarshal(c, &crit) != nil || crit == nil {
			return fieldErr(at+".criteria", "want an array of strings; got %s", JSONType(c))
		}
		for k, s := range crit {
			if _, err := JSONString(s); err != nil {
				return fieldErr(fmt.Sprintf("%s.criteria[%d]", at, k), "want a string; got %s", JSONType(s))
			}
		}
	}
	return checkRoutes(o.Routes, seen)
}

// checkRoutes requires every route to name one of the categories and a
// preset; whether the preset exists is the presets' store's to check.
func checkRoutes(routes map[string]string, categories map[string]bool) error {
	for _, cat := range slices.Sorted(maps.Keys(routes)) {
		preset := routes[cat]
		if !categories[cat] {
			return fieldErr("routes."+cat, "%q is not one of the categories in request.classification_schema", cat)
		}
		if strings.TrimSpace(preset) == "" {
			return fieldErr("routes."+cat, "want the name of a preset to run on documents of this category")
		}
	}
	return nil
}

// ClassifyCategories returns the category names a classify submission
// chooses between, in order (the raw request's, else the form's); nil when
// there are none or they cannot be read.
func (o Options) ClassifyCategories() []string {
	var cats []ClassifyCategory
	if raw := RawLookup(o.Request, "classification_schema"); raw != nil {
		if json.Unmarshal(raw, &cats) != nil {
			return nil
		}
	} else {
		cats = o.Classify.Categories
	}
	names := make([]string, 0, len(cats))
	for _, c := range cats {
		names = append(names, c.Category)
	}
	return names
}

// Route returns the preset a completed classify job sends its document
// on to (its category's route), and false when it routes nowhere.
func (j Job) Route() (string, bool) {
	if j.Kind != KindClassify || j.Status != StatusCompleted || j.Category == "" {
		return "", false
	}
	name, ok := j.Options.Routes[j.Category]
	return name, ok && name != ""
}
