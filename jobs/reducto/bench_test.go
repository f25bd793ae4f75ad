package reducto_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// zeroReaderAt is a document of any size that occupies no memory.
type zeroReaderAt struct{}

func (zeroReaderAt) ReadAt(p []byte, off int64) (int, error) {
	clear(p)
	return len(p), nil
}

// TestUploadStreams checks that a large upload is streamed: the bytes the
// whole process allocates stay far below the document's size.
func TestUploadStreams(t *testing.T) {
	const size = 64 << 20
	mux := http.NewServeMux()
	var e *env
	var got int64
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") == "" {
			writeJSON(w, 200, `{"file_id":"reducto://big","presigned_url":"`+e.srv.URL+`/put"}`)
			return
		}
		mr, _ := r.MultipartReader()
		part, _ := mr.NextPart()
		got, _ = io.Copy(io.Discard, part)
		writeJSON(w, 200, `{"file_id":"reducto://big"}`)
	})
	mux.HandleFunc("PUT /put", func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.Copy(io.Discard, r.Body)
	})
	for _, limit := range []int64{reducto.DefaultMultipartLimit, 1} {
		e = newEnv(t, mux.ServeHTTP, reducto.WithMultipartLimit(limit))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := e.c.Upload(context.Background(), "big.pdf", zeroReaderAt{}, size, nil); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if got != size {
			t.Fatalf("server received %d bytes, want %d", got, size)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/8 {
			t.Errorf("multipart limit %d: uploading %d MiB allocated %d MiB", limit, size>>20, alloc>>20)
		}
	}
}

// BenchmarkGetJob measures one status poll over loopback.
func BenchmarkGetJob(b *testing.B) {
	srv := benchServer(b, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"InProgress","progress":42,"reason":null,"result":null,"type":"Parse","created_at":"2026-04-01T10:00:00"}`)
	})
	c := reducto.New(srv, "k")
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetJob(ctx, "job-1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkUploadMultipart measures streaming an 8 MiB document.
func BenchmarkUploadMultipart(b *testing.B) {
	doc := bytes.Repeat([]byte("x"), 8<<20)
	srv := benchServer(b, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, 200, `{"file_id":"reducto://f"}`)
	})
	c := reducto.New(srv, "k")
	ctx := context.Background()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Upload(ctx, "a.pdf", bytes.NewReader(doc), int64(len(doc)), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func benchServer(b *testing.B, h http.HandlerFunc) string {
	b.Helper()
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}
