package outputs_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/outputs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// parseResult is a ParseResponse in Reducto's shape whose chunks arrive
// out of page order: page 3, page 1, a chunk without blocks (it stays
// after page 1), page 2.
const parseResult = `{"job_id":"j1","duration":1.5,"usage":{"num_pages":3,"credits":3},
 "result":{"type":"full","chunks":[
  {"content":"third page","embed":"","enriched":null,"enrichment_success":false,"blocks":[{"type":"Text","bbox":{"left":0,"top":0,"width":1,"height":1,"page":3},"content":"third page"}]},
  {"content":"first page","embed":"","enriched":null,"enrichment_success":false,"blocks":[{"type":"Title","bbox":{"left":0,"top":0,"width":1,"height":1,"page":1},"content":"first page"}]},
  {"content":"after the first","embed":"","enriched":null,"enrichment_success":false,"blocks":[]},
  {"content":"second page","embed":"","enriched":null,"enrichment_success":false,"blocks":[{"type":"Text","bbox":{"left":0,"top":0,"width":1,"height":1,"page":2},"content":"second page"}]}
 ]},
 "pdf_url":null,"studio_link":"https://studio.reducto.ai/job/j1"}`

func doc(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("%PDF-1.4 test"), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func sameJSON(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("JSON differs:\n got %s\nwant %s", got, want)
	}
}

func TestNames(t *testing.T) {
	d := filepath.Join("/data", "in", "invoice.pdf")
	cases := map[jobs.Kind][]string{
		jobs.KindParse:   {"/data/in/invoice.parse.md", "/data/in/invoice.parse.json"},
		jobs.KindExtract: {"/data/in/invoice.extract.json"},
		jobs.KindSplit:   {"/data/in/invoice.split.json"},
		jobs.KindEdit:    {"/data/in/invoice.edit.pdf"},
		"ocr":            nil,
	}
	for kind, want := range cases {
		for i := range want {
			want[i] = filepath.FromSlash(want[i])
		}
		if got := outputs.Names(d, kind); !reflect.DeepEqual(got, want) {
			t.Errorf("Names(%s, %s) = %q, want %q", d, kind, got, want)
		}
	}
	for name, want := range map[string]bool{
		"invoice.parse.md": true, "invoice (2).parse.json": true, "a.EXTRACT.json": true, "x.split.json": true, "form.edit.pdf": true,
		"invoice.pdf": false, "notes.md": false, "data.json": false, ".parse.md": false,
	} {
		if got := outputs.IsOutput(name); got != want {
			t.Errorf("IsOutput(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestParseWritesMarkdownInPageOrderAndTheFullResult(t *testing.T) {
	d := doc(t, "invoice.pdf")
	paths, err := outputs.NewWriter(nil).Write(jobs.Job{File: d, Kind: jobs.KindParse}, []byte(parseResult))
	if err != nil {
		t.Fatal(err)
	}
	if want := outputs.Names(d, jobs.KindParse); !reflect.DeepEqual(paths, want) {
		t.Fatalf("wrote %q, want %q", paths, want)
	}
	md := read(t, paths[0])
	if want := "first page\n\nafter the first\n\nsecond page\n\nthird page\n"; md != want {
		t.Fatalf("markdown = %q, want %q", md, want)
	}
	// One source: the file beside the document is what Export Markdown
	// (and Copy all) give for the same result.
	r, err := result.Read(jobs.KindParse, []byte(parseResult))
	if err != nil {
		t.Fatal(err)
	}
	if export := r.Markdown(); md != export {
		t.Fatalf("the .parse.md differs from the export's Markdown:\n%q\n%q", md, export)
	}
	sameJSON(t, []byte(read(t, paths[1])), []byte(parseResult))
	// Outputs take the document's permissions (owner-writable).
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(paths[0])
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 {
			t.Fatalf("mode %v, want the document's 0640", fi.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(d))
	if len(entries) != 3 {
		t.Fatalf("folder holds %d entries, want the document and two outputs (no temporary files)", len(entries))
	}
}

func TestParseMarkdownFromAResolvedURLResultAndABareFullResult(t *testing.T) {
	// The engine may store the downloaded FullResult itself, or chunks
	// that were an array at the URL wrapped as a FullResult.
	bare := `{"type":"full","chunks":[{"content":"B","blocks":[{"type":"Text","content":"B","bbox":{"page":2}}]},{"content":"A","blocks":[{"type":"Text","content":"A","bbox":{"page":1}}]}]}`
	paths, err := outputs.NewWriter(nil).Write(jobs.Job{File: doc(t, "scan.png"), Kind: jobs.KindParse}, []byte(bare))
	if err != nil {
		t.Fatal(err)
	}
	if md := read(t, paths[0]); md != "A\n\nB\n" {
		t.Fatalf("markdown = %q", md)
	}
	unresolved := `{"job_id":"j","result":{"type":"url","url":"https://example.invalid/r","result_id":"r"}}`
	if _, err := outputs.NewWriter(nil).Write(jobs.Job{File: doc(t, "big.pdf"), Kind: jobs.KindParse}, []byte(unresolved)); err == nil || !strings.Contains(err.Error(), "URL") {
		t.Fatalf("an unresolved URL result: err = %v, want one naming the URL", err)
	}
}

func TestExtractAndSplitWriteThePayloadOnly(t *testing.T) {
	extract := `{"job_id":"e","result":[{"total":12.5,"vendor":"ACME"}],"citations":null,"usage":{"num_pages":1,"num_fields":2,"credits":2}}`
	split := `{"usage":{"num_pages":4,"credits":4},"result":{"splits":[{"name":"a","pages":[1,2],"conf":"high"}],"section_mapping":{"a":[1,2]}},"response_type":"split"}`
	for _, c := range []struct {
		kind         jobs.Kind
		result, want string
		name         string
	}{
		{jobs.KindExtract, extract, `[{"total":12.5,"vendor":"ACME"}]`, "invoice.extract.json"},
		{jobs.KindSplit, split, `{"splits":[{"name":"a","pages":[1,2],"conf":"high"}],"section_mapping":{"a":[1,2]}}`, "invoice.split.json"},
	} {
		d := doc(t, "invoice.pdf")
		paths, err := outputs.NewWriter(nil).Write(jobs.Job{File: d, Kind: c.kind}, []byte(c.result))
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != 1 || filepath.Base(paths[0]) != c.name {
			t.Fatalf("%s wrote %q, want %s", c.kind, paths, c.name)
		}
		sameJSON(t, []byte(read(t, paths[0])), []byte(c.want))
	}
}

func TestForeignFileIsNeverOverwritten(t *testing.T) {
	d := doc(t, "invoice.pdf")
	mine := filepath.Join(filepath.Dir(d), "invoice.parse.md")
	if err := os.WriteFile(mine, []byte("my notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	w := outputs.NewWriter(func(p string) bool { asked[p] = true; return false })
	paths, err := w.Write(jobs.Job{File: d, Kind: jobs.KindParse}, []byte(parseResult))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(d)
	// Both files move to the numbered name together, though only the .md
	// was taken.
	want := []string{filepath.Join(dir, "invoice (2).parse.md"), filepath.Join(dir, "invoice (2).parse.json")}
	if !reflect.DeepEqual(paths, want) {
		t.Fatalf("wrote %q, want %q", paths, want)
	}
	if got := read(t, mine); got != "my notes" {
		t.Fatalf("the user's file now holds %q", got)
	}
	if !asked[mine] {
		t.Fatal("the writer never asked whether the existing file was the app's")
	}
	if _, err := os.Stat(filepath.Join(dir, "invoice.parse.json")); err == nil {
		t.Fatal("invoice.parse.json written apart from its pair")
	}
	// A third write finds (2) taken too (nothing says it is ours) and
	// goes on to (3).
	paths, err = w.Write(jobs.Job{File: d, Kind: jobs.KindParse}, []byte(parseResult))
	if err != nil || filepath.Base(paths[0]) != "invoice (3).parse.md" {
		t.Fatalf("third write: %q, %v", paths, err)
	}
}

func TestOwnFileIsReplaced(t *testing.T) {
	d := doc(t, "invoice.pdf")
	names := outputs.Names(d, jobs.KindParse)
	for _, n := range names {
		if err := os.WriteFile(n, []byte("old results"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	owned := func(p string) bool { return p == names[0] || p == names[1] }
	paths, err := outputs.NewWriter(owned).Write(jobs.Job{File: d, Kind: jobs.KindParse}, []byte(parseResult))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(paths, names) {
		t.Fatalf("wrote %q, want the app's own names %q replaced", paths, names)
	}
	if md := read(t, names[0]); !strings.HasPrefix(md, "first page") {
		t.Fatalf("markdown not replaced: %q", md)
	}
}

// TestReplacementIsAtomic reads the output over and over while it is
// replaced: every read sees one whole version, never a truncated or mixed
// file (as an in-place rewrite would show).
func TestReplacementIsAtomic(t *testing.T) {
	d := doc(t, "big.pdf")
	name := outputs.Names(d, jobs.KindExtract)[0]
	w := outputs.NewWriter(func(p string) bool { return p == name })
	versions := make([][]byte, 2)
	results := make([][]byte, 2)
	for i := range versions {
		payload := strings.Repeat(string(rune('a'+i)), 256<<10)
		results[i], _ = json.Marshal(map[string]any{"result": []string{payload}})
		var err error
		if _, err = w.Write(jobs.Job{File: d, Kind: jobs.KindExtract}, results[i]); err != nil {
			t.Fatal(err)
		}
		versions[i], _ = os.ReadFile(name)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := os.ReadFile(name)
			if err != nil {
				bad = append(bad, -1)
				continue
			}
			if !bytes.Equal(b, versions[0]) && !bytes.Equal(b, versions[1]) {
				bad = append(bad, len(b))
			}
		}
	}()
	for i := 0; i < 30; i++ {
		if _, err := w.Write(jobs.Job{File: d, Kind: jobs.KindExtract}, results[i%2]); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d reads saw a missing or partial file (sizes %v)", len(bad), bad[:min(len(bad), 5)])
	}
}

func TestUnwritableFolderIsAClearError(t *testing.T) {
	d := doc(t, "invoice.pdf")
	dir := filepath.Dir(d)
	if os.Geteuid() == 0 || runtime.GOOS == "windows" {
		// Permissions do not stop root: put a file where the folder was,
		// which fails for everyone.
		moved := dir + ".moved"
		if err := os.Rename(dir, moved); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, []byte("not a folder"), 0o600); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
	}
	paths, err := outputs.NewWriter(nil).Write(jobs.Job{File: d, Kind: jobs.KindParse}, []byte(parseResult))
	if err == nil {
		t.Fatalf("wrote %q into an unwritable folder", paths)
	}
	if len(paths) != 0 || !strings.Contains(err.Error(), "invoice.pdf") {
		t.Fatalf("paths %q, err %v: want none, and an error naming the document", paths, err)
	}
	t.Log(err)
}
