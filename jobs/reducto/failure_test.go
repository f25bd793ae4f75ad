package reducto_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// Failure reasons come as reason, as error: "text" or as the newer
// error: {code, name, message}; all become Job.Reason.
func TestJobFailureReasonForms(t *testing.T) {
	cases := []struct {
		name, body, reason string
		wantErr            *reducto.JobError
	}{
		{"reason", `{"status":"Failed","reason":"bad scan"}`, "bad scan", nil},
		{"error object", `{"status":"Failed","reason":null,"error":{"code":"E442","name":"PasswordProtected","message":"document is password protected"}}`,
			"document is password protected", &reducto.JobError{Code: "E442", Name: "PasswordProtected", Message: "document is password protected"}},
		{"error object wins over reason", `{"status":"Failed","reason":"failed","error":{"code":500,"name":"Internal","message":"OCR crashed"}}`,
			"OCR crashed", &reducto.JobError{Code: "500", Name: "Internal", Message: "OCR crashed"}},
		{"error object without message", `{"status":"Failed","error":{"code":415,"name":"ConversionError"}}`,
			"ConversionError (415)", &reducto.JobError{Code: "415", Name: "ConversionError"}},
		{"error string", `{"status":"Failed","error":"timeout while parsing"}`, "timeout while parsing", &reducto.JobError{Message: "timeout while parsing"}},
		{"null error", `{"status":"Completed","error":null,"result":{"type":"full"}}`, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tc.body) })
			j, err := e.c.GetJob(context.Background(), "j")
			if err != nil {
				t.Fatal(err)
			}
			if j.Reason != tc.reason {
				t.Errorf("Reason = %q, want %q", j.Reason, tc.reason)
			}
			if (j.Error == nil) != (tc.wantErr == nil) || (j.Error != nil && *j.Error != *tc.wantErr) {
				t.Errorf("Error = %+v, want %+v", j.Error, tc.wantErr)
			}
		})
	}
}

// Error bodies in the newer object form keep the name as the type.
func TestErrorBodyObjectWithName(t *testing.T) {
	for _, tc := range []struct{ body, msg, code, typ string }{
		{`{"error":{"code":"E1","name":"FileTooLarge","message":"file over 100 MB"}}`, "file over 100 MB", "E1", "FileTooLarge"},
		{`{"error":{"code":413,"name":"FileTooLarge"}}`, "FileTooLarge", "413", "FileTooLarge"},
	} {
		e := newEnv(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 413, tc.body) }, reducto.WithMaxRetries(0))
		_, err := e.c.GetJob(context.Background(), "j")
		var ae *reducto.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: err %v", tc.body, err)
		}
		if ae.Message != tc.msg || ae.Code != tc.code || ae.Type != tc.typ {
			t.Errorf("%s: message %q code %q type %q, want %q %q %q", tc.body, ae.Message, ae.Code, ae.Type, tc.msg, tc.code, tc.typ)
		}
	}
}
