package jobs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSONArrayWriter writes the JSON array of `reducto-tray jobs --json` a page
// of jobs at a time, so that printing a history of a million jobs holds one
// page in memory rather than all of them. Its output is byte for byte what
// WriteJSON writes for the same jobs in one slice: the array as
// json.Encoder writes it with two-space indentation and HTML escaping off.
// It is the one writer of the CLI's JSON arrays: `deliveries --json` uses
// its compact form (NewCompactJSONArrayWriter).
type JSONArrayWriter struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
	err error
}

// NewJSONArrayWriter starts an array on w; call Write for each page, newest
// first, and Close once to end it.
func NewJSONArrayWriter(w io.Writer) *JSONArrayWriter {
	a := &JSONArrayWriter{w: bufio.NewWriterSize(w, 64<<10)}
	a.enc = json.NewEncoder(&a.buf)
	// Elements sit one level into the array: their inner lines carry the
	// array's indentation as a prefix.
	a.enc.SetIndent("  ", "  ")
	// File names are data for scripts, not HTML: keep & < > readable.
	a.enc.SetEscapeHTML(false)
	return a
}

// NewCompactJSONArrayWriter starts an array whose elements are each
// written on one line, without indentation, as `reducto-tray deliveries
// --json` prints its records. Add them with WriteValue.
func NewCompactJSONArrayWriter(w io.Writer) *JSONArrayWriter {
	a := NewJSONArrayWriter(w)
	a.enc.SetIndent("", "")
	return a
}

// Write appends js to the array.
func (a *JSONArrayWriter) Write(js []Job) error {
	for _, j := range js {
		if err := a.WriteValue(jsonOf(j), fmt.Sprintf("job %d", j.ID)); err != nil {
			return err
		}
	}
	return a.err
}

// WriteValue appends v, any value encoding/json takes, as one element;
// what names it in an error ("delivery msg_1").
func (a *JSONArrayWriter) WriteValue(v any, what string) error {
	if a.err != nil {
		return a.err
	}
	a.buf.Reset()
	if err := a.enc.Encode(v); err != nil {
		a.err = fmt.Errorf("write %s as JSON: %w", what, err)
		return a.err
	}
	sep := ",\n  "
	if a.n == 0 {
		sep = "[\n  "
	}
	a.n++
	a.w.WriteString(sep)
	// Encode ends each value with a newline; the separator brings its own.
	a.w.Write(bytes.TrimSuffix(a.buf.Bytes(), []byte("\n")))
	return nil
}

// Close ends the array ("[]" when nothing was written) and flushes it.
func (a *JSONArrayWriter) Close() error {
	if a.err != nil {
		return a.err
	}
	if a.n == 0 {
		a.w.WriteString("[]\n")
	} else {
		a.w.WriteString("\n]\n")
	}
	if err := a.w.Flush(); err != nil {
		a.err = fmt.Errorf("write jobs as JSON: %w", err)
	}
	return a.err
}
