package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
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

// longFormPDF is the long form: a blank form per section
// (reductotest.FormPDF), merged into one document, as real forms run over
// pages.
func longFormPDF() []byte {
	var parts []io.ReadSeeker
	for _, p := range longFormPages {
		pdf, err := reductotest.FormPDF("Visa application, "+p.title, p.fields...)
		if err != nil {
			log.Fatal(err)
		}
		parts = append(parts, bytes.NewReader(pdf))
	}
	var out bytes.Buffer
	if err := api.MergeRaw(parts, &out, false, nil); err != nil {
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
