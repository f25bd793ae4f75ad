package intake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const pdf = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"

func TestCheckFileRefusesUnsupportedTypesByNameAndContent(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		ok            bool
		want          string
	}{
		{"invoice.pdf", pdf, true, ""},
		{"scan.PNG", "\x89PNG\r\n\x1a\nrest", true, ""},
		{"notes.txt", "plain words, ünïcode", true, ""},
		{"report.docx", "PK\x03\x04zipdata", true, ""},
		{"setup.exe", "MZ\x90\x00binary", false, "accepted: PDF (.pdf)"},
		{"fake.pdf", "MZ\x90\x00binary", false, "its content is not a PDF file"},
		{"binary.txt", "abc\x00def", false, "its content is not a text file"},
		{"empty.pdf", "", false, "is empty"},
	}
	for _, c := range cases {
		p := write(t, dir, c.name, c.content)
		_, size, err := CheckFile(p)
		if c.ok {
			if err != nil || size != int64(len(c.content)) {
				t.Errorf("%s: got size %d, err %v; want accepted", c.name, size, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.want)
		}
		if c.content != "" && !errors.Is(err, ErrNotDocument) {
			t.Errorf("%s: err %v does not match ErrNotDocument", c.name, err)
		}
	}
}

func TestCollectWalksFoldersLikeADrop(t *testing.T) {
	dir := t.TempDir()
	a := write(t, dir, "a.pdf", pdf)
	b := write(t, dir, "sub/b.pdf", pdf)
	write(t, dir, "sub/.hidden.pdf", pdf)
	write(t, dir, ".git/c.pdf", pdf)
	write(t, dir, "sub/d.pdf.part", pdf)
	write(t, dir, "sub/e.crdownload", pdf)
	write(t, dir, "~$lock.docx", "PK\x03\x04")
	write(t, dir, "music.mp3", "ID3")
	write(t, dir, "sub/renamed.pdf", "MZ")
	exe := write(t, t.TempDir(), "tool.exe", "MZ")

	files, skipped := Collect([]string{dir, a, exe, filepath.Join(dir, "missing.pdf")})
	sort.Strings(files)
	if want := []string{a, b}; strings.Join(files, "|") != strings.Join(want, "|") {
		t.Fatalf("files = %v, want %v", files, want)
	}
	var notes []string
	for _, s := range skipped {
		notes = append(notes, s.String())
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"renamed.pdf: not a document", "tool.exe: not a document Reducto reads (accepted:", "missing.pdf: no such file"} {
		if !strings.Contains(joined, want) {
			t.Errorf("skipped notes lack %q:\n%s", want, joined)
		}
	}
	if len(skipped) != 3 {
		t.Errorf("skipped %d items, want 3 (names of other types in a folder are passed over silently):\n%s", len(skipped), joined)
	}
}

// Each refused file is named with its reason (a summary naming only the
// first hid the others from the window and the terminal).
func TestSkippedNoteNamesEachItem(t *testing.T) {
	got := SkippedNote([]Skip{{Path: "/d/empty.pdf", Reason: "is empty"}, {Path: "/d/prog.pdf", Reason: "not a PDF"}})
	if got != "Skipped empty.pdf: is empty; prog.pdf: not a PDF" {
		t.Errorf("note %q", got)
	}
	var many []Skip
	for i := range 8 {
		many = append(many, Skip{Path: fmt.Sprintf("/d/%d.exe", i), Reason: "not a document"})
	}
	if got := SkippedNote(many); !strings.Contains(got, "4.exe: not a document; and 3 more") || strings.Contains(got, "5.exe") {
		t.Errorf("note of 8 %q", got)
	}
	if SkippedNote(nil) != "" {
		t.Error("note of nothing")
	}
}
