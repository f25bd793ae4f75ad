package ui

import (
	"bytes"
	"testing"

	"github.com/fyne-io/image/ico"

	"github.com/reductotray/reducto-tray/assets"
)

// TestTrayIconIsAnICOOnWindowsOnly: Windows' notification area takes ICO
// files, the other trays the PNG as it is; the ICO holds the same image.
func TestTrayIconIsAnICOOnWindowsOnly(t *testing.T) {
	png := assets.TrayIdle
	same, err := trayIconBytes("linux", png)
	if err != nil || !bytes.Equal(same, png) {
		t.Fatalf("linux: got %d bytes, err %v; want the PNG itself", len(same), err)
	}
	b, err := trayIconBytes("windows", png)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0, 0, 1, 0}) {
		t.Fatalf("windows: % x… is no ICO header", b[:min(len(b), 4)])
	}
	img, err := ico.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("windows: the ICO does not decode: %v", err)
	}
	if r := img.Bounds(); r.Dx() < 16 || r.Dy() < 16 {
		t.Fatalf("windows: the ICO holds a %v image", r)
	}
	if _, err := trayIconBytes("windows", []byte("not a png")); err == nil {
		t.Fatal("windows: a broken icon converted without an error")
	}
}
