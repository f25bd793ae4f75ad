package result

import (
	"reflect"
	"strings"
	"testing"
)

func TestExtractTreeOrderAndCitations(t *testing.T) {
	root, _, err := extractTree(readFixture(t, "extract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, c := range root.Children {
		keys = append(keys, c.Key)
	}
	if strings.Join(keys, ",") != "vendor,total,address,line_items,tags" {
		t.Fatalf("fields out of the document's order: %v", keys)
	}
	vendor, total := root.Children[0], root.Children[1]
	if !vendor.Scalar || vendor.Value != "ACME GmbH" || vendor.CiteText() != "p. 1" {
		t.Errorf("vendor = %+v", vendor)
	}
	if total.Value != "1207.5" || len(total.Cites) != 1 || !total.Cites[0].Low {
		t.Errorf("total = %+v", total)
	}
	items := root.Children[3]
	if items.Rows == nil {
		t.Fatal("an array of objects is not a table")
	}
	want := [][]string{
		{"description", "qty", "price.amount", "price.currency", "note"},
		{"Pen", "2", "1.50", "EUR", ""},
		{"Ink, black", "1", "3.00", "EUR", "back-order"},
	}
	if !reflect.DeepEqual(items.Rows.Rows, want) {
		t.Fatalf("rows = %q, want %q", items.Rows.Rows, want)
	}
	if root.Children[4].Rows != nil {
		t.Error("a list of strings made a table")
	}
}

func TestExtractTables(t *testing.T) {
	root, _, err := extractTree(readFixture(t, "extract.json"))
	if err != nil {
		t.Fatal(err)
	}
	tables := ExtractTables(root)
	if len(tables) != 2 || tables[0].Name != "Fields" || tables[1].Name != "line_items" {
		t.Fatalf("tables = %+v", tables)
	}
	fields := tables[0].Table.Rows
	want := [][]string{{"field", "value", "pages"}, {"vendor", "ACME GmbH", "1"}, {"total", "1207.5", "2"},
		{"address.street", "Main St 1", ""}, {"address.city", "Berlin", ""}, {"tags[0]", "office", ""}, {"tags[1]", "urgent", ""}}
	if !reflect.DeepEqual(fields, want) {
		t.Fatalf("fields = %q\nwant %q", fields, want)
	}
}

func TestExtractLegacyListAndJSON(t *testing.T) {
	root, _, err := extractTree([]byte(`{"result":[{"b":1,"a":2}],"citations":null}`))
	if err != nil || len(root.Children) != 2 || root.Children[0].Key != "b" {
		t.Fatalf("legacy one-element result: %+v %v", root, err)
	}
	// The payload as the exports and the .extract.json write it: fields
	// in Reducto's order, no usage around them.
	js := Pretty(Payload([]byte(`{"usage":{"credits":1},"result":{"z":1,"a":"x"}}`)))
	if string(js) != "{\n  \"z\": 1,\n  \"a\": \"x\"\n}\n" {
		t.Fatalf("extract JSON = %q", js)
	}
}
