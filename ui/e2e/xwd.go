package e2e

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// xwdHeaderWords is the number of 32-bit fields of an XWDFileHeader.
const xwdHeaderWords = 25

// decodeXWD reads an X Window Dump of a 24/32-bit TrueColor ZPixmap, the
// format Xvfb keeps its screen in when started with -fbdir. That lets the
// tests take screenshots with no tool beyond Xvfb itself.
func decodeXWD(b []byte) (image.Image, error) {
	if len(b) < xwdHeaderWords*4 {
		return nil, errors.New("xwd: short header")
	}
	h := make([]uint32, xwdHeaderWords)
	for i := range h {
		h[i] = binary.BigEndian.Uint32(b[i*4:])
	}
	headerSize, version, format := h[0], h[1], h[2]
	width, height := int(h[4]), int(h[5])
	byteOrder, bpp, bytesPerLine := h[7], h[11], int(h[12])
	masks := [3]uint32{h[14], h[15], h[16]}
	ncolors := int(h[19])
	switch {
	case version != 7:
		return nil, fmt.Errorf("xwd: version %d, want 7", version)
	case format != 2:
		return nil, fmt.Errorf("xwd: pixmap format %d, want ZPixmap (2)", format)
	case bpp != 32:
		return nil, fmt.Errorf("xwd: %d bits per pixel, want 32", bpp)
	}
	off := int(headerSize) + ncolors*12 // XWDColor is 12 bytes
	if off < 0 || len(b) < off+height*bytesPerLine || bytesPerLine < width*4 {
		return nil, errors.New("xwd: truncated pixel data")
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if byteOrder == 1 { // MSBFirst
		order = binary.BigEndian
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		row := b[off+y*bytesPerLine:]
		for x := 0; x < width; x++ {
			p := order.Uint32(row[x*4:])
			img.SetRGBA(x, y, color.RGBA{channel(p, masks[0]), channel(p, masks[1]), channel(p, masks[2]), 0xff})
		}
	}
	return img, nil
}

// channel extracts an 8-bit channel described by mask from pixel p.
func channel(p, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	v := (p & mask) >> bits.TrailingZeros32(mask)
	width := bits.OnesCount32(mask)
	switch {
	case width > 8:
		return uint8(v >> (width - 8))
	case width < 8:
		return uint8(v << (8 - width))
	}
	return uint8(v)
}

// distinctColors counts the colours of img up to limit, to tell a drawn
// window from an empty screen.
func distinctColors(img image.Image, limit int) int {
	seen := map[color.RGBA]struct{}{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = struct{}{}
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// cropToContent trims the black root window around what was drawn, so a
// screenshot shows the app's window rather than the whole virtual screen.
func cropToContent(img image.Image) image.Image {
	r := img.Bounds()
	box := image.Rectangle{Min: r.Max, Max: r.Min}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); c.R|c.G|c.B != 0 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if box.Empty() {
		return img
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return img
	}
	return sub.SubImage(box)
}
