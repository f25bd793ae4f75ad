//go:build e2e

package e2e

import (
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScreenshots shows the preset editor, the watched folders, a job's
// detail with its outputs, a parse's result, JSON and Details tabs, the
// Webhooks view, the Account view and the Jobs search's places in documents
// (testdata/shots, canned data) in the light and dark themes at the usual and a small window size,
// under Xvfb, and saves each in $SHOTS_DIR for review (SHOTS_VIEWS=a,b
// and SHOTS_SIZES=WxH,c... make only those views and sizes). With UPDATE_SCREENSHOT=1 the folder list and the
// Webhooks and Account views (light, 1000x680) also become
// docs/screenshot-folders.png, docs/screenshot-webhooks.png and
// docs/screenshot-account.png. Without either it is skipped: it only
// makes pictures.
func TestScreenshots(t *testing.T) {
	dir, update, x, bin := shotsSetup(t, "shots")
	views := []string{"submit", "folders", "detail", "table", "json", "jobdetails", "webhooks", "account", "search", "edit", "classify", "submitclassify", "examples"}
	if v := os.Getenv("SHOTS_VIEWS"); v != "" {
		views = strings.Split(v, ",") // only these, e.g. while working on one
	}
	for _, theme := range []string{"light", "dark"} {
		sizes := []string{"1000x680", "700x500"}
		if v := os.Getenv("SHOTS_SIZES"); v != "" {
			sizes = strings.Split(v, ",") // e.g. 700x500 for a view's review
		}
		for _, size := range sizes {
			for _, view := range views {
				img := shoot(t, x, bin, view, theme, size)
				path := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", view, theme, size))
				if err := writePNG(path, img); err != nil {
					t.Fatal(err)
				}
				if doc := readmeShots[view]; update && doc != "" && theme == "light" && size == "1000x680" {
					if err := writePNG(filepath.Join(repoRoot(t), "docs", doc), img); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

// readmeShots are the views the README shows, and their files in docs/.
var readmeShots = map[string]string{"folders": "screenshot-folders.png", "webhooks": "screenshot-webhooks.png", "account": "screenshot-account.png",
	"search": "screenshot-search.png",
	"table":  "screenshot-table.png", "export": "screenshot-export.png"}

// shoot runs the shots program on one view and returns its window once
// the view has drawn and settled.
func shoot(t *testing.T, x xvfb, bin, view, theme, size string) image.Image {
	t.Helper()
	cmd := exec.Command(bin, "-view", view, "-size", size, "-hold", "60s")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DISPLAY=" + x.display,
		"LANG=en_US.UTF-8", "FYNE_THEME=" + theme, "FYNE_SCALE=1", "XDG_CONFIG_HOME=" + t.TempDir()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	var last image.Image
	same := 0
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond) // poll interval; the view loads at 1 s
		w, err := x.findWindow("Reducto Tray")
		if err != nil {
			continue
		}
		img, err := x.screenshot()
		if err != nil || distinctColors(img, 16) < 16 {
			continue
		}
		cur := crop(img, w)
		// Settled: three identical frames after the view was selected.
		if last != nil && cur.Bounds() == last.Bounds() && changedPixels(cur, last) == 0 {
			same++
		} else {
			same = 0
		}
		last = cur
		if same >= 3 {
			return cur
		}
	}
	if last == nil {
		t.Fatalf("%s %s %s: the window never drew", view, theme, size)
	}
	return last
}

// shotsSetup is what every screenshot test needs: where to save (SHOTS_DIR,
// or only docs/ with UPDATE_SCREENSHOT=1; skipped with neither), a virtual
// screen, and the screenshot program testdata/<prog> built.
func shotsSetup(t *testing.T, prog string) (dir string, update bool, x xvfb, bin string) {
	t.Helper()
	dir = os.Getenv("SHOTS_DIR")
	update = os.Getenv("UPDATE_SCREENSHOT") == "1"
	if dir == "" && !update {
		t.Skip("set SHOTS_DIR (or UPDATE_SCREENSHOT=1) to make the screenshots")
	}
	if dir == "" {
		dir = t.TempDir()
	}
	need(t, "xwininfo", "x11-utils")
	x = startXvfb(t)
	bin = filepath.Join(t.TempDir(), prog)
	if err := goBuild(repoRoot(t), bin, "./ui/e2e/testdata/"+prog); err != nil {
		t.Fatal(err)
	}
	return dir, update, x, bin
}
