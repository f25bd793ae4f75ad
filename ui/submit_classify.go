package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerKindForm(jobs.KindClassify, func(changed func()) kindForm { return newClassifyArea(changed) })
}

// categoryInput is one row of the classify section as typed: a category
// and its criteria, comma separated.
type categoryInput struct {
	Name     string
	Criteria string
}

// classifyOptions reads the classify section's rows: blank rows are
// skipped, a row with criteria needs a name, and at least one category is
// needed.
func classifyOptions(rows []categoryInput) (jobs.ClassifyOptions, error) {
	var o jobs.ClassifyOptions
	for i, r := range rows {
		name := strings.TrimSpace(r.Name)
		crit := splitList(r.Criteria)
		if name == "" && len(crit) == 0 {
			continue
		}
		if name == "" {
			return o, fmt.Errorf("category %d has criteria but no name", i+1)
		}
		if crit == nil {
			crit = []string{}
		}
		o.Categories = append(o.Categories, jobs.ClassifyCategory{Category: name, Criteria: crit})
	}
	if len(o.Categories) == 0 {
		return o, fmt.Errorf("a classify needs at least one category")
	}
	return o, nil
}

// categoryRows are the rows that show o's categories.
func categoryRows(o jobs.ClassifyOptions) []categoryInput {
	rows := make([]categoryInput, len(o.Categories))
	for i, c := range o.Categories {
		rows[i] = categoryInput{Name: c.Category, Criteria: strings.Join(c.Criteria, ", ")}
	}
	return rows
}

// classifyArea is the submit form's classify section: a row per category
// (a name, its criteria comma separated), like the split's sections, and
// the routes of a loaded preset, shown but edited in its file.
type classifyArea struct {
	categories *pairRows
	routes     map[string]string // a loaded preset's, kept as they are
	Routes     *widget.Label
	obj        fyne.CanvasObject
}

func newClassifyArea(changed func()) *classifyArea {
	a := &classifyArea{categories: newPairRows("Category, e.g. invoice", "Criteria, comma separated", "Add category", changed)}
	a.Routes = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.LowImportance}
	a.obj = widget.NewForm(
		widget.NewFormItem("Categories", a.categories.obj),
		widget.NewFormItem("Routes", a.Routes),
	)
	return a
}

func (a *classifyArea) object() fyne.CanvasObject { return a.obj }

// fill shows o's categories (one empty row when there are none) and
// routes.
func (a *classifyArea) fill(o jobs.Options) {
	a.setRows(categoryRows(o.Classify))
	a.routes = o.Routes
	a.Routes.SetText(routesText(o.Routes))
}

// read takes the categories and the loaded routes; only a classify
// carries routes.
func (a *classifyArea) read(o *jobs.Options) error {
	var err error
	if o.Classify, err = classifyOptions(a.input()); err != nil {
		return err
	}
	o.Routes = a.routes
	return nil
}

// routesText says where each category's documents go next.
func routesText(routes map[string]string) string {
	if len(routes) == 0 {
		return "None: a category's documents stop here. A preset's \"routes\" send them on to another preset."
	}
	var parts []string
	for _, cat := range slices.Sorted(maps.Keys(routes)) {
		parts = append(parts, cat+" → "+routes[cat])
	}
	return strings.Join(parts, ", ")
}

// setRows shows rows, one empty row when there are none.
func (a *classifyArea) setRows(rows []categoryInput) {
	values := make([][2]string, len(rows))
	for i, r := range rows {
		values[i] = [2]string{r.Name, r.Criteria}
	}
	a.categories.set(values)
}

// input reads the rows.
func (a *classifyArea) input() []categoryInput {
	values := a.categories.values()
	out := make([]categoryInput, len(values))
	for i, v := range values {
		out[i] = categoryInput{Name: v[0], Criteria: v[1]}
	}
	return out
}
