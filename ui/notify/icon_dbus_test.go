//go:build (linux || freebsd || netbsd || openbsd || illumos) && !nodbus

package notify

import (
	"testing"

	"github.com/reductotray/reducto-tray/assets"
	"github.com/reductotray/reducto-tray/ui/internal/fakedesktop"
)

// The app's 512 px icon goes out scaled to iconPixels: godbus encodes
// image-data a byte at a time, and the full icon (1 MiB) made every
// notification half a second late (BenchmarkWebhookToNotify).
func TestDesktopSenderSendsTheIconSmall(t *testing.T) {
	d := fakedesktop.Shared(t)
	s := &DesktopSender{Icon: assets.Icon}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Send("a.pdf completed", "a"); err != nil {
		t.Fatal(err)
	}
	got, err := d.WaitNotifications(1, wait)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := got[0].Hints["image-data"]
	if !ok {
		t.Fatalf("no image-data hint in %v", got[0].Hints)
	}
	// (iiibiiay) arrives as a list of its fields.
	f, ok := v.Value().([]any)
	if !ok || len(f) != 7 {
		t.Fatalf("image-data %T, want 7 fields", v.Value())
	}
	w, h, pix := f[0].(int32), f[1].(int32), f[6].([]byte)
	if w != iconPixels || h != iconPixels || len(pix) != iconPixels*iconPixels*4 {
		t.Fatalf("icon sent as %dx%d (%d bytes), want %dx%d", w, h, len(pix), iconPixels, iconPixels)
	}
	// Not a blank square: the scaled icon keeps the picture.
	opaque := 0
	for i := 3; i < len(pix); i += 4 {
		if pix[i] > 0 {
			opaque++
		}
	}
	if opaque < len(pix)/4/4 {
		t.Fatalf("scaled icon has %d visible pixels of %d", opaque, len(pix)/4)
	}
}
