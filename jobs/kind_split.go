package jobs

// KindSplit cuts a document into the sections its descriptions name.
const KindSplit Kind = "split"

func init() {
	RegisterKind(KindSpec{
		Kind: KindSplit, Order: 2, Label: "Split",
		AppFields: []string{"input", "async"},
		OnParse:   true,
		Outputs:   []string{".split.json"},
		Check:     checkSplit,
	})
}

// checkSplit requires at least one named section, from the form or the
// raw request's split_description.
func checkSplit(o Options) error {
	if raw := RawLookup(o.Request, "split_description"); raw != nil {
		return nonEmptyObjects("request.split_description", raw, "name", "description")
	}
	if len(o.Split.Descriptions) == 0 {
		return fieldErr("request.split_description", `missing; a split needs a non-empty array of {"name", "description"} here`)
	}
	for i, d := range o.Split.Descriptions {
		if d.Name == "" {
			return fieldErr("split", "section %d has a description but no name", i+1)
		}
	}
	return nil
}
