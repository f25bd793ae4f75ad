package result

import "testing"

// A block's bbox comes through as its Box (the page view draws it); a
// block without one has none.
func TestParseDocBoxes(t *testing.T) {
	raw := []byte(`{"result":{"type":"full","chunks":[{"content":"x","blocks":[
		{"type":"Title","content":"A","bbox":{"left":0.1,"top":0.2,"width":0.5,"height":0.05,"page":1}},
		{"type":"Text","content":"B","bbox":{"page":2}}]}]}}`)
	d, _, err := parseDoc(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Blocks) != 2 {
		t.Fatalf("%d blocks", len(d.Blocks))
	}
	if b := d.Blocks[0].Box; b == nil || *b != (Box{0.1, 0.2, 0.5, 0.05}) {
		t.Errorf("box %+v", b)
	}
	if d.Blocks[1].Box != nil {
		t.Errorf("a bbox without geometry gave %+v", d.Blocks[1].Box)
	}
}
