package reducto

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Progress receives the bytes of a document sent so far and its size. It
// is called from the goroutine that writes the request, one call at a time;
// after a retried attempt it starts again from zero.
type Progress func(sent, total int64)

// Upload sends a document of size bytes read from r and returns its
// file_id, to use as a submission's input. name gives the file name and
// the extension Reducto is told about. Documents up to the multipart limit
// (100 MB, see WithMultipartLimit) go inline as the multipart field "file";
// larger ones use the presigned flow (POST /upload without a file, then PUT
// the bytes to the presigned URL). Bytes are streamed from r, never held in
// memory. progress may be nil.
//
// Upload is retried like an idempotent call: a repeated POST /upload may
// leave an unused file_id behind, which is harmless.
func (c *Client) Upload(ctx context.Context, name string, r io.ReaderAt, size int64, progress Progress) (Upload, error) {
	if size < 0 {
		return Upload{}, fmt.Errorf("upload %s: negative size %d", name, size)
	}
	var (
		up  Upload
		err error
	)
	if size <= c.multipartLimit {
		up, err = c.uploadMultipart(ctx, name, r, size, progress)
	} else {
		up, err = c.uploadPresigned(ctx, name, r, size, progress)
	}
	if err != nil {
		return Upload{}, fmt.Errorf("upload %s: %w", name, err)
	}
	return up, nil
}

// UploadFile uploads the file at path; see Upload.
func (c *Client) UploadFile(ctx context.Context, path string, progress Progress) (Upload, error) {
	f, err := os.Open(path)
	if err != nil {
		return Upload{}, fmt.Errorf("upload %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Upload{}, fmt.Errorf("upload %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return Upload{}, fmt.Errorf("upload %s: not a regular file", path)
	}
	return c.Upload(ctx, filepath.Base(path), f, st.Size(), progress)
}

// uploadQuery tells Reducto the file's extension, which it uses to pick a
// converter.
func uploadQuery(name string) url.Values {
	q := url.Values{}
	if ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(name), ".")); ext != "" {
		q.Set("extension", ext)
	}
	return q
}

func (c *Client) uploadMultipart(ctx context.Context, name string, r io.ReaderAt, size int64, progress Progress) (Upload, error) {
	// The part's header and the closing boundary are built up front so the
	// request has an exact Content-Length and the file itself streams.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": filepath.Base(name)}))
	ctype := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h.Set("Content-Type", ctype)
	if _, err := mw.CreatePart(h); err != nil {
		return Upload{}, err
	}
	head := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return Upload{}, err
	}
	tail := bytes.Clone(buf.Bytes())

	var up Upload
	err := c.doJSON(ctx, &request{
		method: http.MethodPost,
		path:   "/upload",
		query:  uploadQuery(name),
		body: func() io.Reader {
			return io.MultiReader(bytes.NewReader(head), newProgressReader(r, size, progress), bytes.NewReader(tail))
		},
		contentLength: int64(len(head)) + size + int64(len(tail)),
		contentType:   mw.FormDataContentType(),
	}, &up)
	if err != nil {
		return Upload{}, err
	}
	if up.FileID == "" {
		return Upload{}, fmt.Errorf("reducto: POST /upload: response has no file_id")
	}
	return up, nil
}

func (c *Client) uploadPresigned(ctx context.Context, name string, r io.ReaderAt, size int64, progress Progress) (Upload, error) {
	var up Upload
	err := c.doJSON(ctx, &request{method: http.MethodPost, path: "/upload", query: uploadQuery(name)}, &up)
	if err != nil {
		return Upload{}, err
	}
	if up.FileID == "" || up.PresignedURL == "" {
		return Upload{}, fmt.Errorf("reducto: POST /upload: response lacks file_id or presigned_url")
	}
	resp, err := c.do(ctx, &request{
		method:        http.MethodPut,
		absURL:        up.PresignedURL,
		body:          func() io.Reader { return newProgressReader(r, size, progress) },
		contentLength: size,
	})
	if err != nil {
		return Upload{}, err
	}
	drainClose(resp.Body)
	return up, nil
}

// progressReader reads a document from the start and reports each step.
type progressReader struct {
	r     *io.SectionReader
	sent  int64
	total int64
	fn    Progress
}

func newProgressReader(r io.ReaderAt, size int64, fn Progress) *progressReader {
	return &progressReader{r: io.NewSectionReader(r, 0, size), total: size, fn: fn}
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.sent += int64(n)
		if p.fn != nil {
			p.fn(p.sent, p.total)
		}
	}
	return n, err
}
