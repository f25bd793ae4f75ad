package ui

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
)

// TestOnlyDesktopAppImportsTheDriver: fyne.io/fyne/v2/app links Fyne's
// desktop driver and its C (go-gl, GLFW), which a cold build spends
// minutes of gcc on. ui/desktopapp alone imports it, so the UI's tests,
// which run on Fyne's test driver, never compile that C under the race
// detector (.ci/test leaves ui/desktopapp out of the race tests).
func TestOnlyDesktopAppImportsTheDriver(t *testing.T) {
	const driver = "fyne.io/fyne/v2/app"
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		switch d.Name() {
		case "desktopapp", "e2e", "testdata":
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		checked++
		for _, imports := range [][]string{pkg.Imports, pkg.TestImports, pkg.XTestImports} {
			if slices.Contains(imports, driver) {
				t.Errorf("ui/%s imports %s: only ui/desktopapp may", path, driver)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 5 {
		t.Fatalf("checked %d packages under ui/: the walk missed them", checked)
	}
}
