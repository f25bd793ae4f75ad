package export

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/reductotray/reducto-tray/jobs/result"
	"github.com/reductotray/reducto-tray/jobs/safefs"
)

// WriteXLSX writes tables as a workbook, one sheet each named after the
// table (Excel's 31-character, no "[]:*?/\" rule, made unique), header rows
// bold and frozen, merged cells merged.
func WriteXLSX(w io.Writer, tables []result.NamedTable) error {
	if len(tables) == 0 {
		return errors.New("write workbook: no tables")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	used := map[string]bool{}
	for i, nt := range tables {
		sheet := sheetName(nt.Name, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return fmt.Errorf("write workbook: sheet %q: %w", sheet, err)
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return fmt.Errorf("write workbook: sheet %q: %w", sheet, err)
		}
		if err := writeSheet(f, sheet, nt.Table, bold); err != nil {
			return fmt.Errorf("write workbook: sheet %q: %w", sheet, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet string, t result.Table, bold int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	// The stream writer wants panes and widths before the rows.
	if t.HeaderRows > 0 {
		top, _ := excelize.CoordinatesToCellName(1, t.HeaderRows+1)
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: t.HeaderRows, TopLeftCell: top, ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	for c := 0; c < t.Cols(); c++ {
		width := 8.0
		for _, r := range t.Rows {
			for _, line := range strings.Split(r[c], "\n") {
				width = max(width, float64(len([]rune(line)))+2)
			}
		}
		if err := sw.SetColWidth(c+1, c+1, min(width, 60)); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for c, v := range row {
			// Cells stay text: "007" and "1/2" must not become a number
			// or a date, the exact cells are the point.
			if r < t.HeaderRows {
				cells[c] = excelize.Cell{StyleID: bold, Value: v}
			} else {
				cells[c] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, r+1)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	for _, m := range t.Merges {
		from, err := excelize.CoordinatesToCellName(m.Col+1, m.Row+1)
		if err != nil {
			return err
		}
		to, err := excelize.CoordinatesToCellName(m.Col+m.Cols, m.Row+m.Rows)
		if err != nil {
			return err
		}
		if err := sw.MergeCell(from, to); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// sheetName makes name a valid, unused sheet name.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, "'")
	if name == "" {
		name = "Table"
	}
	base := []rune(name)
	if len(base) > 31 {
		base = base[:31]
	}
	cand := string(base)
	for i := 2; used[strings.ToLower(cand)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		b := base
		if len(b)+len(suffix) > 31 {
			b = b[:31-len(suffix)]
		}
		cand = string(b) + suffix
	}
	used[strings.ToLower(cand)] = true
	return cand
}

// WriteCSVs writes one CSV file per table into dir, named after base and
// the table ("invoice - Table 1 (p. 2).csv"), never over an existing file
// (the next free "(2)" name instead) and never by name after the name is
// taken (safefs.WriteFree), and returns the files written.
func WriteCSVs(dir, base string, tables []result.NamedTable) ([]string, error) {
	if len(tables) == 0 {
		return nil, errors.New("write CSV: no tables")
	}
	var written []string
	for _, nt := range tables {
		p, err := safefs.WriteFree(dir, base+" - "+safeName(nt.Name), ".csv", 0o644, func(w io.Writer) error {
			_, err := w.Write(CSV(nt.Table))
			return err
		})
		if err != nil {
			return written, fmt.Errorf("write CSV: %w", err)
		}
		written = append(written, p)
	}
	return written, nil
}
