package reductotest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// FormValues reads a PDF's AcroForm text fields by name: what a test of
// an edit checks in the filled document.
func FormValues(pdf []byte) (map[string]string, error) {
	fg, err := api.ExportForm(bytes.NewReader(pdf), "document.pdf", nil)
	if err != nil {
		return nil, fmt.Errorf("read the form: %w", err)
	}
	out := map[string]string{}
	for _, f := range fg.Forms {
		for _, tf := range f.TextFields {
			out[tf.Name] = tf.Value
		}
	}
	return out, nil
}

// FormPDF makes a one-page PDF with an AcroForm text field for each of
// fields (its name, and its label beside it), empty: a blank form for
// edit jobs to fill, built with pdfcpu's form creation rather than kept
// as a binary fixture.
func FormPDF(title string, fields ...string) ([]byte, error) {
	type label struct {
		Value string `json:"value"`
		Width int    `json:"width"`
		Gap   int    `json:"gap"`
		Align string `json:"align"`
		Pos   string `json:"pos"`
	}
	type textfield struct {
		ID    string `json:"id"`
		Value string `json:"value"`
		Pos   [2]int `json:"pos"`
		Width int    `json:"width"`
		Align string `json:"align"`
		Label label  `json:"label"`
	}
	tfs := make([]textfield, len(fields))
	for i, f := range fields {
		tfs[i] = textfield{ID: f, Pos: [2]int{170, 700 - 40*i}, Width: 300, Align: "left",
			Label: label{Value: f + ":", Width: 120, Gap: 10, Align: "right", Pos: "left"}}
	}
	spec := map[string]any{
		"paper": "A4P", "origin": "LowerLeft", "contentBox": false,
		"fonts": map[string]any{
			"input": map[string]any{"name": "Helvetica", "size": 12},
			"label": map[string]any{"name": "Helvetica", "size": 12},
		},
		"pages": map[string]any{"1": map[string]any{
			"content": map[string]any{
				"text":      []any{map[string]any{"value": title, "pos": []int{50, 780}, "font": map[string]any{"name": "Helvetica-Bold", "size": 18}}},
				"textfield": tfs,
			},
		}},
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("form PDF: %w", err)
	}
	var out bytes.Buffer
	if err := api.Create(nil, bytes.NewReader(js), &out, nil); err != nil {
		return nil, fmt.Errorf("form PDF: %w", err)
	}
	return out.Bytes(), nil
}
