package presets

import (
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerForm(jobs.KindParse, formMapping{
		toRequest:   func(o jobs.Options) map[string]any { return parseFields(o.Parse) },
		fromRequest: liftParse,
	})
}

// parseFields encodes the form's parse options with the API's names
// (formatting, retrieval, settings): top-level for a parse, under
// "parsing" for the kinds that parse first (withParsing).
func parseFields(p jobs.ParseOptions) map[string]any {
	parse := map[string]any{}
	if f := p.TableFormat; f != "" {
		parse["formatting"] = map[string]any{"table_output_format": f}
	}
	if m := p.ChunkMode; m != "" {
		parse["retrieval"] = map[string]any{"chunking": map[string]any{"chunk_mode": m}}
	}
	if p.PageStart > 0 || p.PageEnd > 0 {
		pr := map[string]any{}
		if p.PageStart > 0 {
			pr["start"] = p.PageStart
		}
		if p.PageEnd > 0 {
			pr["end"] = p.PageEnd
		}
		parse["settings"] = map[string]any{"page_range": pr}
	}
	return parse
}

// withParsing adds o's parse options to req under "parsing", as an extract
// or a split sends them.
func withParsing(req map[string]any, o jobs.Options) map[string]any {
	if parse := parseFields(o.Parse); len(parse) > 0 {
		req["parsing"] = parse
	}
	return req
}

// liftParse takes the parse widgets' fields. They show only for a parse:
// an extract's or a split's parsing options ("parsing": {...}) stay in the
// raw view, since the form would drop what it does not show.
func liftParse(req map[string]json.RawMessage, o *jobs.Options) {
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

func pageInt(raw json.RawMessage) (any, bool) {
	var n int
	if json.Unmarshal(raw, &n) != nil || n < 1 {
		return nil, false
	}
	return n, true
}
