package presets

import (
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerForm(jobs.KindExtract, formMapping{toRequest: extractRequest, fromRequest: liftExtract})
}

// extractRequest: the schema and prompt as instructions, the parse options
// under parsing.
func extractRequest(o jobs.Options) map[string]any {
	req := map[string]any{}
	ins := map[string]any{}
	if s := compact(o.Extract.Schema); len(s) > 0 {
		ins["schema"] = s
	}
	if sp := o.Extract.SystemPrompt; sp != "" {
		ins["system_prompt"] = sp
	}
	if len(ins) > 0 {
		req["instructions"] = ins
	}
	return withParsing(req, o)
}

func liftExtract(req map[string]json.RawMessage, o *jobs.Options) {
	if v, ok := take(req, []string{"instructions", "schema"}, schemaObject); ok {
		o.Extract.Schema = v.(json.RawMessage)
	}
	if v, ok := take(req, []string{"instructions", "system_prompt"}, anyString); ok {
		o.Extract.SystemPrompt = v.(string)
	}
}

func schemaObject(raw json.RawMessage) (any, bool) {
	if err := jobs.CheckSchema(raw); err != nil {
		return nil, false
	}
	return json.RawMessage(raw), true
}
