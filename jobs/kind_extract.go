package jobs

// KindExtract pulls the fields a JSON schema describes out of a document.
const KindExtract Kind = "extract"

func init() {
	RegisterKind(KindSpec{
		Kind: KindExtract, Order: 1, Label: "Extract",
		AppFields: []string{"input", "async"},
		OnParse:   true,
		Outputs:   []string{".extract.json"},
		Check:     checkExtract,
	})
}

// checkExtract requires a schema, from the form or the raw request (which
// wins when both are set, as the request merge does), checked by the one
// schema rule.
func checkExtract(o Options) error {
	field, schema := "request.instructions.schema", RawLookup(o.Request, "instructions", "schema")
	if schema == nil {
		field, schema = "schema", o.Extract.Schema
	}
	if len(schema) == 0 {
		return fieldErr("request.instructions.schema", "missing; an extract needs a JSON schema object here")
	}
	if err := CheckSchema(schema); err != nil {
		return fieldErr(field, "%v", err)
	}
	return nil
}
