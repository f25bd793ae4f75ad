package engine

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// checkRequest checks the raw request fields of o (a preset's "request")
// and that the job's kind has what it cannot run without, whether the form
// or the raw fields carry it: an extract a schema, a split its
// descriptions.
func checkRequest(o jobs.Options) error {
	if err := reducto.CheckRawFields(o.Request); err != nil {
		return err
	}
	switch o.Kind {
	case jobs.KindExtract:
		if !isJSONObject(o.Extract.Schema) && !isJSONObject(reducto.RawLookup(o.Request, "instructions", "schema")) {
			return errors.New("extract needs a JSON schema object")
		}
	case jobs.KindSplit:
		if len(o.Split.Descriptions) == 0 && !nonEmptyArray(reducto.RawLookup(o.Request, "split_description")) {
			return errors.New("split needs at least one split description")
		}
	}
	return nil
}

func nonEmptyArray(raw json.RawMessage) bool {
	var a []json.RawMessage
	return json.Unmarshal(raw, &a) == nil && len(a) > 0
}

// rawFields returns the options' raw request fields for the client to
// merge over the request the form options build, or an error that names
// them if they cannot be (an older job stored with bad ones).
func rawFields(o jobs.Options) (json.RawMessage, error) {
	if err := reducto.CheckRawFields(o.Request); err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return o.Request, nil
}
