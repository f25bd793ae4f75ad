//go:build e2e

package e2e

import (
	"image"
	"image/draw"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// TestNoTrayHostCloseExplains runs the app on a desktop with no tray host
// (no org.kde.StatusNotifierWatcher, as on GNOME without the AppIndicator
// extension) and in the C.UTF-8 locale: closing the window must leave the
// window up with an explanation (before, it vanished with nothing left on
// screen), and Fyne must say nothing about the locale. With
// NOTRAY_SCREENSHOT=path it saves the window with the explanation there.
func TestNoTrayHostCloseExplains(t *testing.T) {
	d := fakedesktop.Start(t)
	if err := d.SetWatcher(false); err != nil {
		t.Fatal(err)
	}
	x := startXvfb(t)
	need(t, "xwininfo", "x11-utils")
	in := newInstall(t, appBinary(t), d, x, "LANG=C.UTF-8")
	app := in.start("--sandbox", "--listen", freeAddr(t))

	var win x11Window
	var before image.Image
	deadline := time.Now().Add(startTimeout)
	for {
		var err error
		if win, err = x.findWindow("Reducto Tray"); err == nil && win.width >= 900 {
			if img, err := x.screenshot(); err == nil && distinctColors(crop(img, win), 16) >= 16 {
				before = crop(img, win)
				break
			}
		}
		if app.exited() || time.Now().After(deadline) {
			t.Fatalf("the window never drew (app exited: %v, last error %v)", app.exited(), err)
		}
		time.Sleep(250 * time.Millisecond) // poll interval; the deadline decides
	}
	if err := x.closeWindow(win.id); err != nil {
		t.Fatal(err)
	}
	var after image.Image
	deadline = time.Now().Add(30 * time.Second)
	for {
		if up, err := x.viewable(win.id); err != nil || !up {
			t.Fatalf("closing the window with no tray host hid it with nothing left on screen (viewable %v, %v)", up, err)
		}
		img, err := x.screenshot()
		if err == nil {
			after = crop(img, win)
			if changedPixels(before, after) > 20000 { // a dialog of some 500x300 covers the window
				break
			}
		}
		if app.exited() {
			t.Fatal("closing the window with no tray host quit the app; it should explain and keep running")
		}
		if time.Now().After(deadline) {
			t.Fatal("closing the window with no tray host showed nothing on the window")
		}
		time.Sleep(250 * time.Millisecond) // poll interval; the deadline decides
	}
	// Let the dialog finish drawing before a screenshot is kept.
	time.Sleep(time.Second) // not synchronisation: only the saved picture depends on it
	if path := os.Getenv("NOTRAY_SCREENSHOT"); path != "" {
		img, err := x.screenshot()
		if err != nil {
			t.Fatal(err)
		}
		if err := writePNG(path, crop(img, win)); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
	if up, err := x.viewable(win.id); err != nil || !up {
		t.Fatalf("the window went away under the explanation (viewable %v, %v)", up, err)
	}
	logText, _ := os.ReadFile(app.log)
	if strings.Contains(string(logText), "Fyne error") {
		t.Errorf("Fyne complained under LANG=C.UTF-8:\n%s", logText)
	}
}

// crop copies the window's part of the screen.
func crop(img image.Image, w x11Window) image.Image {
	r := image.Rect(w.x, w.y, w.x+w.width, w.y+w.height).Intersect(img.Bounds())
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

// changedPixels counts the pixels that differ between two same-size images.
func changedPixels(a, b image.Image) int {
	n := 0
	r := a.Bounds().Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}
