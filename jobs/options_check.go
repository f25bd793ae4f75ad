package jobs

import "bytes"

// Validate reports the first reason Reducto would refuse a submission with
// these options, in words a person can act on; a problem with one field
// is a *FieldError naming it as a preset file spells it. It is the one
// check of options: the submit form, presets, the settings' defaults, the
// CLI and the engine all call it. An empty kind or webhook mode is taken
// as the default (parse, none), as the engine fills them.
func (o Options) Validate() error {
	kind := o.Kind
	if kind == "" {
		kind = KindParse
	}
	spec, ok := kind.Spec()
	if !ok {
		return fieldErr("kind", "%q is not one of %s", o.Kind, KindNames(","))
	}
	if o.Webhook != "" && !o.Webhook.Valid() {
		return fieldErr("webhook", "%q is not one of none, svix, direct", o.Webhook)
	}
	if len(o.Channels) > 0 && o.Webhook != "" && o.Webhook != WebhookSvix {
		return fieldErr("channels", "channels are Svix channels, but \"webhook\" is %q", o.Webhook)
	}
	if len(bytes.TrimSpace(o.Metadata)) > 0 && !IsObject(o.Metadata) {
		return fieldErr("metadata", "want a JSON object; got %s", JSONType(o.Metadata))
	}
	if err := CheckRawRequest(o.Request, spec.AppFields); err != nil {
		return err
	}
	if o.Outputs != "" && o.Outputs != OutputsBeside && o.Outputs != OutputsNone {
		return fieldErr("outputs", "%q is not one of beside, none", o.Outputs)
	}
	if o.Then != "" && kind != KindParse {
		return fieldErr("then", "only a parse can run another preset on its result; this is %s", kind)
	}
	if len(o.Routes) > 0 && kind != KindClassify {
		return fieldErr("routes", "only a classify can route a document by its category; this is %s", kind)
	}
	if spec.Check != nil {
		if err := spec.Check(o); err != nil {
			return err
		}
	}
	return nil
}
