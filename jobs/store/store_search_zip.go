package store

import (
	"bytes"
	"compress/flate"
	"database/sql/driver"
	"fmt"
	"io"
	"sync"

	"modernc.org/sqlite"
)

// The search index keeps its text deflated (BestSpeed: about half the
// text, at a fifth of the default level's cost) and
// inflates it through the SQL function unzip_text, which FTS5 calls when
// it reads its content (snippets, highlights, deletes). Registered on the
// driver once, for every connection of this process.
func init() {
	if err := sqlite.RegisterDeterministicScalarFunction("unzip_text", 1, unzipTextSQL); err != nil {
		panic(fmt.Sprintf("register unzip_text: %v", err))
	}
}

var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

// deflateText compresses one row's text.
func deflateText(s string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(s)/2 + 16)
	w := deflaters.Get().(*flate.Writer)
	defer deflaters.Put(w)
	w.Reset(&buf)
	if _, err := io.WriteString(w, s); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	return buf.Bytes(), nil
}

// inflateText reverses deflateText.
func inflateText(z []byte) (string, error) {
	r := flate.NewReader(bytes.NewReader(z))
	defer r.Close()
	var b bytes.Buffer
	b.Grow(len(z) * 3)
	if _, err := io.Copy(&b, r); err != nil {
		return "", fmt.Errorf("inflate: %w", err)
	}
	return b.String(), nil
}

func unzipTextSQL(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	z, ok := args[0].([]byte)
	if !ok {
		if args[0] == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("unzip_text: a %T, not a blob", args[0])
	}
	return inflateText(z)
}
