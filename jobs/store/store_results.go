package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/reductotray/reducto-tray/jobs"
)

// Result returns the decompressed result of job id, or ErrNotFound when no
// result was stored.
func (s *Store) Result(ctx context.Context, id int64) ([]byte, error) {
	var (
		enc  string
		size int64
		blob []byte
	)
	err := s.r.QueryRowContext(ctx, `SELECT encoding, size, compressed FROM results WHERE job = ?`, id).Scan(&enc, &size, &blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("result of job %d: %w", id, jobs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("result of job %d: %w", id, err)
	}
	if enc != "gzip" {
		return nil, fmt.Errorf("result of job %d: unknown encoding %q", id, enc)
	}
	out, err := decompress(blob, size)
	if err != nil {
		return nil, fmt.Errorf("result of job %d: %w", id, err)
	}
	return out, nil
}

// compress gzips a result. Reducto results are verbose JSON and shrink
// several times, which keeps a million-job history on an ordinary disk.
func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func decompress(blob []byte, size int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(blob))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	if size > 0 && size < 1<<31 {
		buf.Grow(int(size))
	}
	if _, err := io.Copy(&buf, zr); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return buf.Bytes(), nil
}
