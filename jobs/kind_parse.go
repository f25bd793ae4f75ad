package jobs

// KindParse turns a document into text, tables and figures with their
// places on the page.
const KindParse Kind = "parse"

// The values Reducto takes for the parse options the form offers
// (formatting.table_output_format, retrieval.chunking.chunk_mode).
var (
	TableFormats = []string{"html", "md", "json", "jsonbbox", "dynamic", "csv"}
	ChunkModes   = []string{"variable", "section", "page", "disabled", "block", "page_sections"}
)

func init() {
	RegisterKind(KindSpec{
		Kind: KindParse, Order: 0, Label: "Parse",
		AppFields: []string{"input", "async"},
		Outputs:   []string{".parse.md", ".parse.json"},
		Check:     checkParse,
	})
}

// checkParse checks the form's page range; everything else a parse takes
// is optional.
func checkParse(o Options) error {
	if o.Parse.PageEnd > 0 && o.Parse.PageStart > o.Parse.PageEnd {
		return fieldErr("request.settings.page_range", "the last page (%d) is before the first (%d)", o.Parse.PageEnd, o.Parse.PageStart)
	}
	return nil
}
