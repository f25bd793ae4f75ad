package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
)

// jsonTypes are the type names JSON Schema knows.
var jsonTypes = map[string]bool{"object": true, "array": true, "string": true, "number": true, "integer": true, "boolean": true, "null": true}

// CheckSchema checks that raw is a JSON Schema object an extract job can
// use: valid JSON, an object, and every nested "type", "properties",
// "items" and "required" well-formed. It catches the mistakes a
// hand-edited schema has, not every rule of the JSON Schema specification.
// It is the one check of extract schemas: the form, presets and the engine
// all come here through Options.Validate.
func CheckSchema(raw json.RawMessage) error {
	if !IsObject(raw) {
		return fmt.Errorf("want a JSON schema object; got %s", JSONType(raw))
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	if err := checkSchemaNode("schema", v); err != nil {
		return err
	}
	if _, ok := v["properties"]; !ok {
		if _, ok := v["type"]; !ok {
			return errors.New(`needs "type" or "properties" at the top level`)
		}
	}
	return nil
}

func checkSchemaNode(path string, n map[string]any) error {
	if t, ok := n["type"]; ok {
		switch t := t.(type) {
		case string:
			if !jsonTypes[t] {
				return fmt.Errorf("%s: unknown type %q", path, t)
			}
		case []any:
			for _, e := range t {
				s, ok := e.(string)
				if !ok || !jsonTypes[s] {
					return fmt.Errorf("%s: unknown type %v", path, e)
				}
			}
		default:
			return fmt.Errorf(`%s: "type" must be a string`, path)
		}
	}
	if p, ok := n["properties"]; ok {
		props, ok := p.(map[string]any)
		if !ok {
			return fmt.Errorf(`%s: "properties" must be an object`, path)
		}
		for name, sub := range props {
			s, ok := sub.(map[string]any)
			if !ok {
				return fmt.Errorf("%s.%s: must be a schema object", path, name)
			}
			if err := checkSchemaNode(path+"."+name, s); err != nil {
				return err
			}
		}
	}
	if it, ok := n["items"]; ok {
		s, ok := it.(map[string]any)
		if !ok {
			return fmt.Errorf(`%s: "items" must be a schema object`, path)
		}
		if err := checkSchemaNode(path+"[]", s); err != nil {
			return err
		}
	}
	if r, ok := n["required"]; ok {
		list, ok := r.([]any)
		if !ok {
			return fmt.Errorf(`%s: "required" must be a list of names`, path)
		}
		for _, e := range list {
			if _, ok := e.(string); !ok {
				return fmt.Errorf(`%s: "required" must be a list of names`, path)
			}
		}
	}
	return nil
}
