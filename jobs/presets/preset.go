// Package presets keeps named submission presets: one JSON file each in
// presets/ of the data folder (datadir.PresetsDir), so people can copy and
// share them. A preset is a kind plus any Reducto request fields with the
// API's own names, a webhook mode, channels, metadata, an output rule and
// an optional chained preset. Every problem with a file is an *Error that
// names the file and the field; nothing falls back to a default silently.
package presets

import (
	"bytes"
	"encoding/json"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Preset is one preset file. Name is the file name without ".json"; the
// other fields are the file's (contract: "Presets"). Request and Metadata
// read from a file are compact JSON.
type Preset struct {
	Name     string           `json:"-"`
	Kind     jobs.Kind        `json:"kind"`
	Request  json.RawMessage  `json:"request,omitempty"`
	Webhook  jobs.WebhookMode `json:"webhook,omitempty"`
	Channels []string         `json:"channels,omitempty"`
	Metadata json.RawMessage  `json:"metadata,omitempty"`
	Outputs  jobs.OutputRule  `json:"outputs,omitempty"`
	Then     string           `json:"then,omitempty"`
	// Routes (classify presets only) map a category to the preset run on
	// a document classified into it.
	Routes map[string]string `json:"routes,omitempty"`
}

// Apply returns the options a document is submitted with under p: base
// (the saved or this run's defaults) supplies what p leaves open (webhook,
// channels, priority, source), p supplies the rest. The form's parse,
// extract and split fields of base are dropped, since p's request says all
// it wants sent; base's metadata is kept under p's (p wins per key).
// Outputs defaults to beside for a watched folder and to none otherwise.
func (p Preset) Apply(base jobs.Options, watched bool) jobs.Options {
	o := base
	o.Kind = p.Kind
	o.Request = p.Request
	o.Parse, o.Extract, o.Split, o.Edit, o.Classify = jobs.ParseOptions{}, jobs.ExtractOptions{}, jobs.SplitOptions{}, jobs.EditOptions{}, jobs.ClassifyOptions{}
	if p.Webhook != "" {
		o.Webhook = p.Webhook
	}
	if len(p.Channels) > 0 {
		o.Channels = append([]string(nil), p.Channels...)
	}
	o.Metadata = mergeMetadata(base.Metadata, p.Metadata)
	switch {
	case p.Outputs != "":
		o.Outputs = p.Outputs
	case watched:
		o.Outputs = jobs.OutputsBeside
	default:
		o.Outputs = jobs.OutputsNone
	}
	o.Then = p.Then
	o.Routes = p.Routes
	o.Preset = p.Name
	return o
}

// mergeMetadata overlays the object over on base, one level deep; either
// may be empty. Invalid JSON on either side leaves the other.
func mergeMetadata(base, over json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(over)) == 0 {
		return base
	}
	if len(bytes.TrimSpace(base)) == 0 {
		return over
	}
	var b, o map[string]json.RawMessage
	if json.Unmarshal(base, &b) != nil || b == nil {
		return over
	}
	if json.Unmarshal(over, &o) != nil {
		return base
	}
	for k, v := range o {
		b[k] = v
	}
	out, err := json.Marshal(b)
	if err != nil {
		return over
	}
	return out
}

// FromOptions turns the submit form's options into a preset named name
// ("save as preset"): the form's parse, extract and split fields become
// request fields with the API's names (formatting, retrieval, settings, or
// parsing.* for extract and split; instructions; split_description,
// split_rules), with o.Request merged over them. Source, priority and the
// options' own preset name are not part of a preset.
func FromOptions(name string, o jobs.Options) Preset {
	p := Preset{
		Name: name, Kind: o.Kind, Webhook: o.Webhook, Channels: append([]string(nil), o.Channels...),
		Metadata: compact(o.Metadata), Outputs: o.Outputs, Then: o.Then, Routes: o.Routes,
	}
	if len(p.Routes) == 0 {
		p.Routes = nil
	}
	if p.Kind == "" {
		p.Kind = jobs.KindParse
	}
	if len(p.Channels) == 0 {
		p.Channels = nil
	}
	req := formRequest(p.Kind, o)
	if over := compact(o.Request); len(over) > 0 {
		if merged, err := reducto.MergeObjects(req, over); err == nil {
			req = merged
		} else {
			req = over
		}
	}
	if len(req) > 0 && string(req) != "{}" {
		p.Request = req
	}
	return p
}

// formRequest encodes the form's fields as Reducto request fields.
func formRequest(kind jobs.Kind, o jobs.Options) json.RawMessage {
	req := map[string]any{}
	parse := map[string]any{}
	if f := o.Parse.TableFormat; f != "" {
		parse["formatting"] = map[string]any{"table_output_format": f}
	}
	if m := o.Parse.ChunkMode; m != "" {
		parse["retrieval"] = map[string]any{"chunking": map[string]any{"chunk_mode": m}}
	}
	if o.Parse.PageStart > 0 || o.Parse.PageEnd > 0 {
		pr := map[string]any{}
		if o.Parse.PageStart > 0 {
			pr["start"] = o.Parse.PageStart
		}
		if o.Parse.PageEnd > 0 {
			pr["end"] = o.Parse.PageEnd
		}
		parse["settings"] = map[string]any{"page_range": pr}
	}
	switch kind {
	case jobs.KindExtract:
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
	case jobs.KindSplit:
		if len(o.Split.Descriptions) > 0 {
			req["split_description"] = o.Split.Descriptions
		}
		if o.Split.Rules != "" {
			req["split_rules"] = o.Split.Rules
		}
	case jobs.KindEdit:
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
		parse = nil // an edit is not parsed: no parsing options to carry
	case jobs.KindClassify:
		if len(o.Classify.Categories) > 0 {
			cats := make([]jobs.ClassifyCategory, len(o.Classify.Categories))
			for i, c := range o.Classify.Categories {
				cats[i] = jobs.ClassifyCategory{Category: c.Category, Criteria: append([]string{}, c.Criteria...)}
			}
			req["classification_schema"] = cats
		}
		parse = nil // a classify has no parse options
	}
	if kind == jobs.KindParse {
		for k, v := range parse {
			req[k] = v
		}
	} else if len(parse) > 0 {
		req["parsing"] = parse
	}
	out, err := json.Marshal(req)
	if err != nil {
		return nil
	}
	return out
}

// compact returns raw without insignificant space, or nil when it is
// empty or not JSON (left for validation to report).
func compact(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}
