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
// channels, priority, source), p supplies the rest. Every kind's form
// options of base are dropped (Options.ClearForm), since p's request says all
// it wants sent; base's metadata is kept under p's (p wins per key).
// Outputs defaults to beside for a watched folder and to none otherwise.
func (p Preset) Apply(base jobs.Options, watched bool) jobs.Options {
	o := base
	o.Kind = p.Kind
	o.Request = p.Request
	o.ClearForm()
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
