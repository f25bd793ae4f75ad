//go:build e2e

package e2e

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestPageScreenshots shows the page view beside a parse's blocks
// (testdata/pageshots: a generated invoice whose boxes frame its words, the
// table selected) in both themes at the usual and a small window size,
// under Xvfb, into $SHOTS_DIR; with UPDATE_SCREENSHOT=1 the light 1000x680
// one becomes docs/screenshot-pages.png. Skipped without either.
func TestPageScreenshots(t *testing.T) {
	dir, update, x, bin := shotsSetup(t, "pageshots")
	for _, theme := range []string{"light", "dark"} {
		for _, size := range []string{"1000x680", "700x500"} {
			img := shoot(t, x, bin, "pages", theme, size)
			if err := writePNG(filepath.Join(dir, fmt.Sprintf("pages-%s-%s.png", theme, size)), img); err != nil {
				t.Fatal(err)
			}
			if update && theme == "light" && size == "1000x680" {
				if err := writePNG(filepath.Join(repoRoot(t), "docs", "screenshot-pages.png"), img); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}
