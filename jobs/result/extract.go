package result

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() { register(jobs.KindExtract, readExtract) }

// Node is one field of an extract result: a value, an object's fields, a
// list, or a list of objects that reads best as a table (Rows).
type Node struct {
	Key    string // the field's name, or "#3" for a list's third item
	Path   string // "invoice.lines[2].amount": unique, for trees and CSV
	Value  string // a value's text; "" for objects and lists
	Scalar bool
	// Children are an object's fields or a list's items, in order.
	Children []*Node
	// Rows is set for a list of objects: one row each, a header row of
	// their keys (nested objects as "a.b" columns).
	Rows *Table
	// Cites are the places in the document the value was read from, when
	// the extract asked for citations.
	Cites []Citation
}

// Citation is where an extracted value was found.
type Citation struct {
	Page    int
	Content string
	Low     bool
	Box     *Box // where on the page, normalised 0-1; nil when not given
}

// CiteText is a short "p. 2" list of a node's citations; "" when none.
func (n *Node) CiteText() string {
	var pages []string
	seen := map[int]bool{}
	for _, c := range n.Cites {
		if c.Page > 0 && !seen[c.Page] {
			seen[c.Page] = true
			pages = append(pages, fmt.Sprint(c.Page))
		}
	}
	if len(pages) == 0 {
		return ""
	}
	return "p. " + strings.Join(pages, ", ")
}

// readExtract reads a stored extract result (the response, or its payload)
// into a tree of fields: a legacy one-element result list is its element,
// and {value, citations} leaves (citations on) become values with cites.
func readExtract(raw []byte, r *Result) error {
	v, err := decodeOrdered(raw)
	if err != nil {
		return fmt.Errorf("read extract result: %w", err)
	}
	if o, ok := v.(*object); ok {
		r.Usage = usageOf(o)
		if p, ok := o.get("result"); ok {
			v = p
		}
	}
	if arr, ok := v.([]any); ok && len(arr) == 1 {
		if _, ok := arr[0].(*object); ok {
			v = arr[0]
		}
	}
	r.Extract = buildNode("", "", v)
	return nil
}

// usageOf reads a response's "usage" from its decoded object.
func usageOf(o *object) Usage {
	var u Usage
	uo, _ := o.vals["usage"].(*object)
	if uo == nil {
		return u
	}
	if n, ok := uo.vals["num_pages"].(json.Number); ok {
		p, _ := n.Int64()
		u.Pages = int(p)
	}
	if n, ok := uo.vals["credits"].(json.Number); ok {
		if c, err := n.Float64(); err == nil {
			u.Credits = &c
		}
	}
	return u
}

func buildNode(key, path string, v any) *Node {
	n := &Node{Key: key, Path: path}
	if val, cites, ok := citedValue(v); ok {
		v = val
		n.Cites = cites
	}
	switch t := v.(type) {
	case *object:
		for _, k := range t.keys {
			n.Children = append(n.Children, buildNode(k, join(path, k), t.vals[k]))
		}
	case []any:
		for i, e := range t {
			n.Children = append(n.Children, buildNode(fmt.Sprintf("#%d", i+1), fmt.Sprintf("%s[%d]", path, i), e))
		}
		if rows, ok := objectRows(t); ok {
			n.Rows = rows
		}
	default:
		n.Scalar = true
		n.Value = scalar(t)
	}
	return n
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// citedValue unwraps {"value": v, "citations": [...]}.
func citedValue(v any) (any, []Citation, bool) {
	o, ok := v.(*object)
	if !ok {
		return nil, nil, false
	}
	val, hasV := o.get("value")
	c, hasC := o.get("citations")
	if !hasV || !hasC || len(o.keys) > 3 {
		return nil, nil, false
	}
	var cites []Citation
	list, _ := c.([]any)
	for _, e := range list {
		co, ok := e.(*object)
		if !ok {
			continue
		}
		var ct Citation
		if s, ok := co.vals["content"].(string); ok {
			ct.Content = s
		}
		if s, ok := co.vals["confidence"].(string); ok {
			ct.Low = strings.EqualFold(s, "low")
		}
		if bb, ok := co.vals["bbox"].(*object); ok {
			if p, ok := bb.vals["page"].(json.Number); ok {
				n, _ := p.Int64()
				ct.Page = int(n)
			}
			num := func(k string) float64 {
				n, _ := bb.vals[k].(json.Number) // missing or not a number: 0
				f, _ := n.Float64()
				return f
			}
			if b := (Box{num("left"), num("top"), num("width"), num("height")}); b.Width > 0 && b.Height > 0 {
				ct.Box = &b
			}
		}
		cites = append(cites, ct)
	}
	return val, cites, true
}

// objectRows lays a list of objects out as a table, columns in first-seen
// order; false when some item is not an object.
func objectRows(list []any) (*Table, bool) {
	if len(list) == 0 {
		return nil, false
	}
	var cols []string
	idx := map[string]int{}
	flat := make([]map[string]string, len(list))
	for i, e := range list {
		if val, _, ok := citedValue(e); ok {
			e = val
		}
		o, ok := e.(*object)
		if !ok {
			return nil, false
		}
		flat[i] = map[string]string{}
		flatten(o, "", func(k, v string) {
			if _, ok := idx[k]; !ok {
				idx[k] = len(cols)
				cols = append(cols, k)
			}
			flat[i][k] = v
		})
	}
	t := &Table{HeaderRows: 1, Rows: [][]string{cols}}
	for _, f := range flat {
		row := make([]string, len(cols))
		for k, v := range f {
			row[idx[k]] = v
		}
		t.Rows = append(t.Rows, row)
	}
	return t, true
}

func flatten(o *object, prefix string, emit func(k, v string)) {
	for _, k := range o.keys {
		v := o.vals[k]
		if val, _, ok := citedValue(v); ok {
			v = val
		}
		if inner, ok := v.(*object); ok {
			flatten(inner, join(prefix, k), emit)
			continue
		}
		emit(join(prefix, k), scalar(v))
	}
}

// scalar is a value's text: strings as they are, numbers as sent, lists of
// values joined with "; ", anything else as compact JSON.
func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return fmt.Sprint(t)
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			if val, _, ok := citedValue(e); ok {
				e = val
			}
			switch e.(type) {
			case *object, []any:
				return compact(v)
			}
			parts[i] = scalar(e)
		}
		return strings.Join(parts, "; ")
	}
	return compact(v)
}

func compact(v any) string {
	b, err := json.Marshal(plain(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// plain turns *object back into maps for encoding.
func plain(v any) any {
	switch t := v.(type) {
	case *object:
		m := make(map[string]any, len(t.keys))
		for _, k := range t.keys {
			m[k] = plain(t.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// NamedTable is a table with the name its CSV file and XLSX sheet take.
type NamedTable struct {
	Name  string
	Table Table
}

// ExtractTables are an extract's fields as tables: "Fields" (every value
// outside a list of objects: field, value, pages cited) and one table per
// list of objects, named after its path.
func ExtractTables(root *Node) []NamedTable {
	fields := Table{HeaderRows: 1, Rows: [][]string{{"field", "value", "pages"}}}
	var lists []NamedTable
	var walk func(n *Node)
	walk = func(n *Node) {
		switch {
		case n.Rows != nil:
			lists = append(lists, NamedTable{Name: orRoot(n.Path), Table: *n.Rows})
		case n.Scalar:
			fields.Rows = append(fields.Rows, []string{orRoot(n.Path), n.Value, strings.TrimPrefix(n.CiteText(), "p. ")})
		default:
			for _, c := range n.Children {
				walk(c)
			}
		}
	}
	walk(root)
	var out []NamedTable
	if len(fields.Rows) > 1 {
		out = append(out, NamedTable{Name: "Fields", Table: fields})
	}
	return append(out, lists...)
}

func orRoot(p string) string {
	if p == "" {
		return "result"
	}
	return p
}
