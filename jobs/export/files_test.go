package export

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/xuri/excelize/v2"

	"github.com/reductotray/reducto-tray/jobs"
	"github.com/reductotray/reducto-tray/jobs/result"
)

// readFixture reads one of jobs/result's stored results as kind.
func readFixture(t testing.TB, kind jobs.Kind, name string) *result.Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "result", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := result.Read(kind, raw)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fixtureTables(t *testing.T) []result.NamedTable {
	t.Helper()
	tables := readFixture(t, jobs.KindParse, "parse.json").Parse.ParseTables()
	md, _ := result.ParseTable("| a | b |\n|---|---|\n| =1+1 | 1/2 |")
	// Same name twice, and characters a sheet name may not hold.
	return append(tables, result.NamedTable{Name: "Table 1 (p. 2)", Table: md}, result.NamedTable{Name: "a/b:c [long name over thirty-one chars]", Table: md})
}

func TestWriteXLSXSheetsAndCells(t *testing.T) {
	tables := fixtureTables(t)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	want := []string{"Table 1 (p. 2)", "Table 1 (p. 2) (2)", "a_b_c _long name over thirty-on"}
	if !reflect.DeepEqual(sheets, want) {
		t.Fatalf("sheets = %q, want %q", sheets, want)
	}
	for i, s := range sheets {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		wantRows := tables[i].Table.Rows
		for r := range wantRows {
			got := make([]string, len(wantRows[r]))
			if r < len(rows) {
				copy(got, rows[r]) // GetRows drops trailing empty cells
			}
			if !reflect.DeepEqual(got, wantRows[r]) {
				t.Errorf("sheet %q row %d = %q, want %q", s, r, got, wantRows[r])
			}
		}
	}
	// Exact cells: "007" stays text, "=1+1" is not a formula.
	if v, _ := f.GetCellValue(sheets[0], "C3"); v != "007" {
		t.Errorf("C3 = %q, want 007", v)
	}
	if fm, _ := f.GetCellFormula(sheets[1], "A2"); fm != "" {
		t.Errorf("A2 became the formula %q", fm)
	}
	merged, err := f.GetMergeCells(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	var areas []string
	for _, m := range merged {
		areas = append(areas, m.GetStartAxis()+":"+m.GetEndAxis())
	}
	if strings.Join(areas, ",") != "A1:A2,B1:C1" {
		t.Errorf("merged = %v, want A1:A2,B1:C1", areas)
	}
}

func TestWriteCSVs(t *testing.T) {
	dir := t.TempDir()
	tables := fixtureTables(t)
	// A file of the user's with the first name is kept.
	mine := filepath.Join(dir, "report - Table 1 (p. 2).csv")
	if err := os.WriteFile(mine, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := WriteCSVs(dir, "report", tables)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"report - Table 1 (p. 2) (2).csv", "report - Table 1 (p. 2) (3).csv", "report - a_b_c [long name over thirty-one chars].csv"}
	for i, p := range files {
		if filepath.Base(p) != wantNames[i] {
			t.Errorf("file %d = %q, want %q", i, filepath.Base(p), wantNames[i])
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows, tables[i].Table.Rows) {
			t.Errorf("%s = %q, want %q", wantNames[i], rows, tables[i].Table.Rows)
		}
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Error("the user's file was overwritten")
	}
}

// pdfWithPages makes an n-page PDF with pdfcpu, one small image a page.
func pdfWithPages(t *testing.T, dir string, n int) string {
	t.Helper()
	var imgs []string
	for i := 0; i < n; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 8, 8))
		img.Set(i%8, 0, color.Black)
		p := filepath.Join(dir, "img"+string(rune('a'+i))+".png")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
		imgs = append(imgs, p)
	}
	out := filepath.Join(dir, "bundle.pdf")
	if err := api.ImportImagesFile(imgs, out, nil, nil); err != nil {
		t.Fatal(err)
	}
	if c, err := api.PageCountFile(out); err != nil || c != n {
		t.Fatalf("test PDF has %d pages (%v), want %d", c, err, n)
	}
	return out
}

func TestSplitPDF(t *testing.T) {
	dir := t.TempDir()
	src := pdfWithPages(t, dir, 5)
	secs := readFixture(t, jobs.KindSplit, "split.json").Split
	if len(secs) != 3 || secs[1].PageRanges() != "3–5" || !secs[1].Low() {
		t.Fatalf("sections = %+v", secs)
	}
	files, err := SplitPDF(src, secs, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"bundle - Invoice.pdf": 2, "bundle - Contract_ terms_conditions.pdf": 3}
	if len(files) != len(want) {
		t.Fatalf("files = %q", files)
	}
	for _, p := range files {
		n, err := api.PageCountFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if want[filepath.Base(p)] != n {
			t.Errorf("%s has %d pages, want %d", filepath.Base(p), n, want[filepath.Base(p)])
		}
	}
	// Again: new names beside the first files, never over them.
	again, err := SplitPDF(src, secs[:1], dir)
	if err != nil || filepath.Base(again[0]) != "bundle - Invoice (2).pdf" {
		t.Fatalf("second split = %q, %v", again, err)
	}
	// A section past the end is refused, naming it.
	_, err = SplitPDF(src, []result.Section{{Name: "Tail", Pages: []int{5, 6}}}, dir)
	if err == nil || !strings.Contains(err.Error(), `"Tail"`) {
		t.Fatalf("page past the end: %v", err)
	}
}
