package presets

import (
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
)

func init() {
	registerForm(jobs.KindEdit, formMapping{toRequest: editRequest, fromRequest: liftEdit})
}

// editRequest: the instructions and edit_options. An edit is not parsed,
// so it carries no parsing options.
func editRequest(o jobs.Options) map[string]any {
	req := map[string]any{}
	if o.Edit.Instructions != "" {
		req["edit_instructions"] = o.Edit.Instructions
	}
	eo := map[string]any{}
	if o.Edit.Color != "" {
		eo["color"] = o.Edit.Color
	}
	if o.Edit.Flatten {
		eo["flatten"] = true
	}
	if o.Edit.OverflowPages {
		eo["enable_overflow_pages"] = true
	}
	if len(eo) > 0 {
		req["edit_options"] = eo
	}
	return req
}

func liftEdit(req map[string]json.RawMessage, o *jobs.Options) {
	if v, ok := take(req, []string{"edit_instructions"}, anyString); ok {
		o.Edit.Instructions = v.(string)
	}
	if v, ok := take(req, []string{"edit_options", "color"}, anyString); ok {
		o.Edit.Color = v.(string)
	}
	if v, ok := take(req, []string{"edit_options", "flatten"}, anyBool); ok {
		o.Edit.Flatten = v.(bool)
	}
	if v, ok := take(req, []string{"edit_options", "enable_overflow_pages"}, anyBool); ok {
		o.Edit.OverflowPages = v.(bool)
	}
}
