package reductotest

import (
	"encoding/json"
	"net/http"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"detail":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeDetail answers with FastAPI's HTTPException shape {"detail": msg}.
func writeDetail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"detail": msg})
}

// fieldError is one entry of FastAPI's 422 "detail" array.
type fieldError struct {
	Loc   []any  `json:"loc"`
	Msg   string `json:"msg"`
	Type  string `json:"type"`
	Input any    `json:"input,omitempty"`
}

// writeValidation answers 422 with FastAPI's HTTPValidationError shape.
func writeValidation(w http.ResponseWriter, errs ...fieldError) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": errs})
}

// writeAppError answers with Reducto's documented application error shape
// {"error": {"message", "type", "code"}}.
func writeAppError(w http.ResponseWriter, code int, typ, msg string) {
	writeJSON(w, code, map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": code}})
}

// writeRateLimited answers 429 with Reducto's {"message": "[CODE n] ..."}
// body and a Retry-After header (whole seconds, plus retry-after-ms, which
// Reducto's SDKs honour, for sub-second waits on scaled clocks).
func writeRateLimited(w http.ResponseWriter, msg string, retryAfterMS int64) {
	if retryAfterMS > 0 {
		secs := (retryAfterMS + 999) / 1000
		w.Header().Set("Retry-After", itoa(secs))
		w.Header().Set("retry-after-ms", itoa(retryAfterMS))
	}
	writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": msg})
}

// errorObject is the newer error object {"code", "name", "message"}.
type errorObject struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// writeError answers an error in the form the server is configured for:
// the newer {"error": {code, name, message}} with Config.ErrorObjects,
// FastAPI's {"detail": msg} otherwise. name is a short CamelCase word.
func (s *Server) writeError(w http.ResponseWriter, code int, name, msg string) {
	if s.cfg.ErrorObjects {
		writeJSON(w, code, map[string]any{"error": errorObject{Code: itoa(int64(code)), Name: name, Message: msg}})
		return
	}
	writeDetail(w, code, msg)
}
