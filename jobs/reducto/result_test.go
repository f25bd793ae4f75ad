package reducto_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

const chunks = `[{"content":"hello","embed":"hello","enriched":null,"enrichment_success":false,"blocks":[]}]`

func TestResolveResult(t *testing.T) {
	var e *env
	mux := http.NewServeMux()
	mux.HandleFunc("GET /store/{name}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Error("the API key was sent to a result URL")
		}
		if r.URL.Query().Get("sig") != "x" {
			t.Errorf("result URL lost its query: %s", r.URL)
		}
		switch r.PathValue("name") {
		case "object":
			writeJSON(w, 200, `{"type":"full","chunks":`+chunks+`,"ocr":null}`)
		case "untyped":
			writeJSON(w, 200, `{"chunks":`+chunks+`}`)
		case "array":
			writeJSON(w, 200, chunks)
		case "wrapped":
			writeJSON(w, 200, `{"job_id":"j","result":{"type":"full","chunks":`+chunks+`}}`)
		case "junk":
			writeJSON(w, 200, `{"nothing":1}`)
		default:
			w.WriteHeader(http.StatusForbidden)
		}
	})
	e = newEnv(t, mux.ServeHTTP)
	urlForm := func(name string) string {
		return `{"type":"url","url":"` + e.srv.URL + `/store/` + name + `?sig=x","result_id":"r1"}`
	}
	ctx := context.Background()

	for _, name := range []string{"object", "untyped", "array", "wrapped"} {
		t.Run("nested "+name, func(t *testing.T) {
			job := &reducto.Job{Status: "Completed", Result: json.RawMessage(
				`{"job_id":"j","duration":2.5,"usage":{"num_pages":1},"result":` + urlForm(name) + `,"studio_link":"s"}`)}
			out, err := e.c.ResolveResult(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				JobID string `json:"job_id"`
				Usage struct {
					NumPages int `json:"num_pages"`
				}
				Result struct {
					Type   string `json:"type"`
					Chunks []struct{ Content string }
				}
				StudioLink string `json:"studio_link"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if got.JobID != "j" || got.Usage.NumPages != 1 || got.StudioLink != "s" || got.Result.Type != "full" ||
				len(got.Result.Chunks) != 1 || got.Result.Chunks[0].Content != "hello" {
				t.Errorf("resolved = %s", out)
			}
		})
	}
	t.Run("top-level url form", func(t *testing.T) {
		out, err := e.c.ResolveResult(ctx, &reducto.Job{Result: json.RawMessage(urlForm("array"))})
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Type   string
			Chunks []json.RawMessage
		}
		if json.Unmarshal(out, &got) != nil || got.Type != "full" || len(got.Chunks) != 1 {
			t.Errorf("resolved = %s", out)
		}
	})
	t.Run("full result untouched", func(t *testing.T) {
		in := `{"job_id":"j","result":{"type":"full","chunks":` + chunks + `}}`
		out, err := e.c.ResolveResult(ctx, &reducto.Job{Result: json.RawMessage(in)})
		if err != nil || string(out) != in {
			t.Errorf("got %s, %v", out, err)
		}
	})
	t.Run("extract result untouched", func(t *testing.T) {
		in := `{"result":[{"total":3}],"usage":{"num_pages":1}}`
		if out, err := e.c.ResolveResult(ctx, &reducto.Job{Result: json.RawMessage(in)}); err != nil || string(out) != in {
			t.Errorf("got %s, %v", out, err)
		}
	})
	t.Run("no result", func(t *testing.T) {
		if out, err := e.c.ResolveResult(ctx, &reducto.Job{Status: "Pending"}); out != nil || err != nil {
			t.Errorf("got %s, %v", out, err)
		}
	})
	t.Run("expired url", func(t *testing.T) {
		_, err := e.c.ResolveResult(ctx, &reducto.Job{Result: json.RawMessage(`{"result":` + urlForm("expired") + `}`)})
		var ae *reducto.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 403 {
			t.Errorf("err = %v, want the 403", err)
		}
	})
	t.Run("unrecognised payload", func(t *testing.T) {
		if _, err := e.c.ResolveResult(ctx, &reducto.Job{Result: json.RawMessage(`{"result":` + urlForm("junk") + `}`)}); err == nil {
			t.Error("a payload without chunks was accepted")
		}
	})
}
