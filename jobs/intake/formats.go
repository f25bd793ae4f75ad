// Package intake turns what a person hands the app (dropped files and
// folders, command-line arguments, files handed over by a second launch)
// into the documents to submit, and refuses what Reducto cannot read. A
// drop, the CLI, a hand-off and headless mode all go through it, so they
// behave the same.
package intake

import (
	"bytes"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// format is one kind of document Reducto reads: its extensions and a test
// of the first bytes, so a renamed executable is refused like any other.
type format struct {
	name  string
	exts  []string
	looks func(head []byte) bool
}

// headSize is how much of a file the content checks read.
const headSize = 8 << 10

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// formats are the document types the Reducto API takes.
var formats = []format{
	{"PDF", []string{".pdf"}, func(h []byte) bool { return bytes.Contains(h[:min(len(h), 1024)], []byte("%PDF-")) }},
	{"PNG", []string{".png"}, prefix([]byte("\x89PNG\r\n\x1a\n"))},
	{"JPEG", []string{".jpg", ".jpeg"}, prefix([]byte{0xFF, 0xD8, 0xFF})},
	{"TIFF", []string{".tif", ".tiff"}, func(h []byte) bool {
		return bytes.HasPrefix(h, []byte("II*\x00")) || bytes.HasPrefix(h, []byte("MM\x00*"))
	}},
	{"BMP", []string{".bmp"}, prefix([]byte("BM"))},
	{"GIF", []string{".gif"}, prefix([]byte("GIF8"))},
	{"WebP", []string{".webp"}, func(h []byte) bool {
		return len(h) >= 12 && bytes.Equal(h[:4], []byte("RIFF")) && bytes.Equal(h[8:12], []byte("WEBP"))
	}},
	{"HEIC", []string{".heic"}, func(h []byte) bool { return len(h) >= 12 && bytes.Equal(h[4:8], []byte("ftyp")) }},
	{"Word", []string{".docx", ".doc"}, office},
	{"Excel", []string{".xlsx", ".xls"}, office},
	{"PowerPoint", []string{".pptx", ".ppt"}, office},
	{"RTF", []string{".rtf"}, prefix([]byte(`{\rtf`))},
	{"CSV", []string{".csv"}, text},
	{"text", []string{".txt"}, text},
}

func prefix(magic []byte) func([]byte) bool {
	return func(h []byte) bool { return bytes.HasPrefix(h, magic) }
}

// office accepts both the zip container of .docx/.xlsx/.pptx and the OLE
// container of the older .doc/.xls/.ppt: people rename between them.
func office(h []byte) bool { return bytes.HasPrefix(h, zipMagic) || bytes.HasPrefix(h, oleMagic) }

// text accepts UTF-8 (or ASCII) without NUL bytes; a cut multi-byte rune at
// the end of the sample is fine.
func text(h []byte) bool {
	if bytes.IndexByte(h, 0) >= 0 {
		return false
	}
	for len(h) > 0 {
		r, size := utf8.DecodeRune(h)
		if r == utf8.RuneError && size == 1 && len(h) >= utf8.UTFMax {
			return false
		}
		h = h[size:]
	}
	return true
}

// formatOf returns the format an extension names, or nil.
func formatOf(path string) *format {
	ext := strings.ToLower(filepath.Ext(path))
	for i := range formats {
		for _, e := range formats[i].exts {
			if e == ext {
				return &formats[i]
			}
		}
	}
	return nil
}

// IsDocumentName reports whether the file name has an extension Reducto
// reads (the content is checked when the file is taken).
func IsDocumentName(path string) bool { return formatOf(path) != nil }

// Accepted lists the accepted types for messages, e.g. "PDF (.pdf), ...".
func Accepted() string {
	parts := make([]string, 0, len(formats))
	for _, f := range formats {
		parts = append(parts, f.name+" ("+strings.Join(f.exts, ", ")+")")
	}
	return strings.Join(parts, "; ")
}
