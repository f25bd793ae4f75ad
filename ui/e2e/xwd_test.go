package e2e

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// xwdFixture builds the dump Xvfb writes for a w×h 24-bit screen:
// little-endian pixels, masks ff0000/00ff00/0000ff, padded rows.
func xwdFixture(w, h int, px func(x, y int) uint32) []byte {
	name := []byte("Xvfb main window\x00")
	headerSize := xwdHeaderWords*4 + len(name)
	bpl := w*4 + 8 // padding the decoder must skip
	hdr := []uint32{uint32(headerSize), 7, 2, 24, uint32(w), uint32(h), 0, 0, 32, 0, 32, 32, uint32(bpl),
		4, 0xff0000, 0x00ff00, 0x0000ff, 8, 256, 1, uint32(w), uint32(h), 0, 0, 0}
	b := make([]byte, 0, headerSize+12+h*bpl)
	for _, v := range hdr {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, name...)
	b = append(b, make([]byte, 12)...) // one colormap entry, ignored
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			b = binary.LittleEndian.AppendUint32(b, px(x, y))
		}
		b = append(b, make([]byte, 8)...)
	}
	return b
}

func TestCropToContent(t *testing.T) {
	img, err := decodeXWD(xwdFixture(5, 4, func(x, y int) uint32 {
		if x >= 1 && x <= 2 && y == 2 {
			return 0x00202020
		}
		return 0 // the black root window
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := cropToContent(img).Bounds(); got != image.Rect(1, 2, 3, 3) {
		t.Errorf("crop = %v, want (1,2)-(3,3)", got)
	}
}

func TestDecodeXWD(t *testing.T) {
	b := xwdFixture(3, 2, func(x, y int) uint32 {
		if x == 1 && y == 1 {
			return 0x00123456
		}
		return 0x00ff0000
	})
	img, err := decodeXWD(b)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 3 || got.Y != 2 {
		t.Fatalf("size %v, want 3x2", got)
	}
	if got := color.RGBAModel.Convert(img.At(1, 1)); got != (color.RGBA{0x12, 0x34, 0x56, 0xff}) {
		t.Errorf("pixel (1,1) = %v", got)
	}
	if got := color.RGBAModel.Convert(img.At(2, 0)); got != (color.RGBA{0xff, 0, 0, 0xff}) {
		t.Errorf("pixel (2,0) = %v", got)
	}
	if n := distinctColors(img, 10); n != 2 {
		t.Errorf("distinctColors = %d, want 2", n)
	}
	if got := cropToContent(img).Bounds(); got != image.Rect(0, 0, 3, 2) {
		t.Errorf("crop of a screen without black = %v, want all of it", got)
	}
	if _, err := decodeXWD(b[:len(b)-5]); err == nil {
		t.Error("truncated dump decoded")
	}
}
