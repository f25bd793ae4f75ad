package reducto_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto"
)

// progressLog collects progress calls, which arrive from the transport's
// writing goroutine.
type progressLog struct {
	mu    sync.Mutex
	calls [][2]int64
}

func (p *progressLog) fn(sent, total int64) {
	p.mu.Lock()
	p.calls = append(p.calls, [2]int64{sent, total})
	p.mu.Unlock()
}

// check asserts the calls rise steadily to size with total == size.
func (p *progressLog) check(t *testing.T, size int64) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.calls) == 0 {
		t.Fatal("no progress reported")
	}
	var last int64
	for _, c := range p.calls {
		if c[1] != size || c[0] < last || c[0] > size {
			t.Fatalf("progress call %v out of order (size %d)", c, size)
		}
		last = c[0]
	}
	if last != size {
		t.Errorf("last progress %d, want %d", last, size)
	}
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestUploadMultipart(t *testing.T) {
	data := payload(300_000)
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/upload" || r.URL.Query().Get("extension") != "pdf" {
			t.Errorf("got %s %s", r.Method, r.URL)
		}
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		if r.ContentLength <= int64(len(data)) {
			t.Errorf("Content-Length %d, want the exact multipart size", r.ContentLength)
		}
		mr, err := r.MultipartReader()
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		got, _ := io.ReadAll(part)
		if part.FormName() != "file" || part.FileName() != "Report Q1.PDF" || part.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("part name %q file %q type %q", part.FormName(), part.FileName(), part.Header.Get("Content-Type"))
		}
		if !bytes.Equal(got, data) {
			t.Errorf("received %d bytes, not the document", len(got))
		}
		if _, err := mr.NextPart(); err != io.EOF {
			t.Errorf("extra part: %v", err)
		}
		writeJSON(w, 200, `{"file_id":"reducto://abc.pdf","presigned_url":null}`)
	})
	var p progressLog
	up, err := e.c.Upload(context.Background(), "Report Q1.PDF", bytes.NewReader(data), int64(len(data)), p.fn)
	if err != nil {
		t.Fatal(err)
	}
	if up.FileID != "reducto://abc.pdf" || up.PresignedURL != "" {
		t.Errorf("upload = %+v", up)
	}
	p.check(t, int64(len(data)))
}

func TestUploadPresigned(t *testing.T) {
	data := payload(200_000)
	var put []byte
	var postCalls, putCalls int
	mux := http.NewServeMux()
	var e *env
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		postCalls++
		if r.ContentLength != 0 || r.URL.Query().Get("extension") != "docx" {
			t.Errorf("POST /upload with Content-Length %d, query %q", r.ContentLength, r.URL.RawQuery)
		}
		writeJSON(w, 200, `{"file_id":"reducto://big","presigned_url":"`+e.srv.URL+`/bucket/big?X-Amz-Signature=s3cret"}`)
	})
	mux.HandleFunc("PUT /bucket/big", func(w http.ResponseWriter, r *http.Request) {
		putCalls++
		if r.Header.Get("Authorization") != "" {
			t.Error("the API key was sent to the presigned URL")
		}
		if r.URL.Query().Get("X-Amz-Signature") != "s3cret" || r.ContentLength != int64(len(data)) {
			t.Errorf("PUT %s with Content-Length %d", r.URL, r.ContentLength)
		}
		put, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusOK)
	})
	e = newEnv(t, mux.ServeHTTP, reducto.WithMultipartLimit(100_000))
	var p progressLog
	up, err := e.c.Upload(context.Background(), "big.docx", bytes.NewReader(data), int64(len(data)), p.fn)
	if err != nil {
		t.Fatal(err)
	}
	if up.FileID != "reducto://big" || postCalls != 1 || putCalls != 1 || !bytes.Equal(put, data) {
		t.Errorf("upload %+v, %d POST, %d PUT, %d bytes stored", up, postCalls, putCalls, len(put))
	}
	p.check(t, int64(len(data)))
}

func TestUploadPresignedPutRejected(t *testing.T) {
	mux := http.NewServeMux()
	var e *env
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"file_id":"reducto://big","presigned_url":"`+e.srv.URL+`/bucket/big?X-Amz-Signature=s3cret"}`)
	})
	mux.HandleFunc("PUT /bucket/big", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("<Error><Code>AccessDenied</Code></Error>"))
	})
	e = newEnv(t, mux.ServeHTTP, reducto.WithMultipartLimit(10))
	_, err := e.c.Upload(context.Background(), "big.pdf", bytes.NewReader(payload(100)), 100, nil)
	var ae *reducto.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Fatalf("err = %v, want the storage's 403", err)
	}
	if reducto.IsAuth(err) {
		t.Error("a storage 403 was reported as a bad API key")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error leaks the presigned signature: %v", err)
	}
	if !strings.Contains(err.Error(), "big.pdf") {
		t.Errorf("error does not name the file: %v", err)
	}
}

func TestUploadFileAndRetry(t *testing.T) {
	data := payload(50_000)
	path := filepath.Join(t.TempDir(), "scan.png")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	e := newEnv(t, func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		part, _ := mr.NextPart()
		b, _ := io.ReadAll(part)
		got = append(got, b)
		if len(got) == 1 {
			writeJSON(w, 503, `{"detail":"busy"}`)
			return
		}
		writeJSON(w, 200, `{"file_id":"reducto://scan.png"}`)
	})
	up, err := e.c.UploadFile(context.Background(), path, nil)
	if err != nil || up.FileID != "reducto://scan.png" {
		t.Fatalf("UploadFile = %+v, %v", up, err)
	}
	if len(got) != 2 || !bytes.Equal(got[0], data) || !bytes.Equal(got[1], data) {
		t.Errorf("%d attempts; the retry must resend the whole document", len(got))
	}
	if _, err := e.c.UploadFile(context.Background(), filepath.Join(t.TempDir(), "missing.pdf"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
