package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

// longFormPages are the sections of the "editlong" view's form: a
// three-page application, as real forms are, with more fields than fit
// beside the page view.
var longFormPages = []struct {
	title  string
	fields []string
}{
	{"1. Applicant", []string{"Surname", "Given names", "Date of birth", "Place of birth", "Nationality", "Passport number", "Street address", "Postcode", "City", "Country"}},
	{"2. Employment", []string{"Employer", "Job title", "Start date", "Employer address", "Annual salary", "Supervisor"}},
	{"3. Declaration", []string{"Purpose of stay", "Arrival date", "Departure date", "Signed at", "Signature date"}},
}

// longFormValues fill most of the long form (some stay blank, as a real
// fill leaves what the instructions do not say).
var longFormValues = map[string]string{
	"Surname": "Lovelace", "Given names": "Augusta Ada", "Date of birth": "10 December 1815", "Place of birth": "London",
	"Nationality": "British", "Passport number": "GB1815120", "Street address": "12 St James's Square", "Postcode": "SW1Y 4JH",
	"City": "London", "Country": "United Kingdom", "Employer": "Analytical Engine Society", "Job title": "Mathematician",
	"Start date": "1 June 1843", "Annual salary": "£400", "Purpose of stay": "Lecture on the Analytical Engine",
	"Arrival date": "7 January 2027", "Departure date": "21 January 2027", "Signed at": "London",
}

// longFormPDF makes the long form with pdfcpu's form creation, as
// reductotest.FormPDF makes a one-page one.
func longFormPDF() []byte {
	type label struct {
		Value string `json:"value"`
		Width int    `json:"width"`
		Gap   int    `json:"gap"`
		Align string `json:"align"`
		Pos   string `json:"pos"`
	}
	type textfield struct {
		ID    string `json:"id"`
		Pos   [2]int `json:"pos"`
		Width int    `json:"width"`
		Align string `json:"align"`
		Label label  `json:"label"`
	}
	pages := map[string]any{}
	for i, p := range longFormPages {
		var tfs []textfield
		for k, f := range p.fields {
			tfs = append(tfs, textfield{ID: f, Pos: [2]int{200, 700 - 36*k}, Width: 300, Align: "left",
				Label: label{Value: f + ":", Width: 140, Gap: 10, Align: "right", Pos: "left"}})
		}
		pages[fmt.Sprint(i+1)] = map[string]any{"content": map[string]any{
			"text": []any{
				map[string]any{"value": "Visa application — form V-12", "pos": []int{50, 800}, "font": map[string]any{"name": "Helvetica", "size": 10}},
				map[string]any{"value": p.title, "pos": []int{50, 770}, "font": map[string]any{"name": "Helvetica-Bold", "size": 18}},
			},
			"textfield": tfs,
		}}
	}
	spec := map[string]any{
		"paper": "A4P", "origin": "LowerLeft", "contentBox": false,
		"fonts": map[string]any{
			"input": map[string]any{"name": "Helvetica", "size": 11},
			"label": map[string]any{"name": "Helvetica", "size": 11},
		},
		"pages": pages,
	}
	js, err := json.Marshal(spec)
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	if err := api.Create(nil, bytes.NewReader(js), &out, nil); err != nil {
		log.Fatalf("long form: %v", err)
	}
	return out.Bytes()
}

// longFormInstructions are the edit's instructions for longFormValues.
func longFormInstructions() string {
	var b strings.Builder
	for _, p := range longFormPages {
		for _, f := range p.fields {
			if v, ok := longFormValues[f]; ok {
				fmt.Fprintf(&b, "%s: %s\n", f, v)
			}
		}
	}
	return b.String()
}

// longFormSchema is the form_schema Reducto would list for it.
func longFormSchema() []map[string]string {
	var out []map[string]string
	for _, p := range longFormPages {
		for _, f := range p.fields {
			out = append(out, map[string]string{"type": "text", "description": f, "value": longFormValues[f]})
		}
	}
	return out
}
