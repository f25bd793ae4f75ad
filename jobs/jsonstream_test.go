package jobs

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestJSONArrayWriterPages checks that a history written page by page,
// including an empty page, is byte for byte the array WriteJSON writes for
// all of it at once, and parses back to every job in order.
func TestJSONArrayWriterPages(t *testing.T) {
	created := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	var all []Job
	for i := 7; i >= 1; i-- {
		j := Job{ID: int64(i), File: "/home/ann/doc <" + strconv.Itoa(i) + ">.pdf", Kind: KindParse,
			Status: StatusCompleted, Webhook: WebhookSvix, CreatedAt: created, UpdatedAt: created}
		if i%2 == 0 {
			j.Status, j.Error = StatusFailed, "bad & broken"
		}
		all = append(all, j)
	}
	var whole bytes.Buffer
	if err := WriteJSON(&whole, all); err != nil {
		t.Fatal(err)
	}
	var paged bytes.Buffer
	w := NewJSONArrayWriter(&paged)
	for _, page := range [][]Job{all[:3], nil, all[3:6], all[6:]} {
		if err := w.Write(page); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if paged.String() != whole.String() {
		t.Fatalf("paged output differs from WriteJSON:\n%s\nwant\n%s", paged.String(), whole.String())
	}
	var back []jsonJob
	if err := json.Unmarshal(paged.Bytes(), &back); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, paged.String())
	}
	if len(back) != len(all) || back[0].ID != 7 || back[6].ID != 1 || back[1].Error == nil || *back[1].Error != "bad & broken" {
		t.Fatalf("parsed back %+v", back)
	}
}

// TestJSONArrayWriterEmpty checks that no jobs at all print [].
func TestJSONArrayWriterEmpty(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONArrayWriter(&buf)
	if err := w.Write(nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "[]\n" {
		t.Fatalf("empty history printed %q, want \"[]\\n\"", buf.String())
	}
}

// TestCompactJSONArrayWriter: any values, one compact element a line,
// file names and URLs kept readable (no \u0026), and [] for none.
func TestCompactJSONArrayWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewCompactJSONArrayWriter(&buf)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "[]\n" {
		t.Fatalf("no elements: %q, want []", buf.String())
	}
	buf.Reset()
	w = NewCompactJSONArrayWriter(&buf)
	for _, v := range []any{map[string]any{"url": "http://127.0.0.1/h?a=1&b=<2>", "n": []int{1, 2}}, "two"} {
		if err := w.WriteValue(v, "value"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "[\n  {\"n\":[1,2],\"url\":\"http://127.0.0.1/h?a=1&b=<2>\"},\n  \"two\"\n]\n"
	if buf.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if err := NewCompactJSONArrayWriter(io.Discard).WriteValue(func() {}, "a func"); err == nil || !strings.Contains(err.Error(), "write a func as JSON") {
		t.Fatalf("unencodable value: %v", err)
	}
}
