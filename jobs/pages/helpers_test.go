package pages

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/tiff"
)

func encodePNG(m image.Image) []byte {
	var b bytes.Buffer
	_ = png.Encode(&b, m)
	return b.Bytes()
}

func encodeJPEG(m image.Image) []byte {
	var b bytes.Buffer
	_ = jpeg.Encode(&b, m, &jpeg.Options{Quality: 95})
	return b.Bytes()
}

func encodeTIFF(m image.Image) []byte {
	var b bytes.Buffer
	_ = tiff.Encode(&b, m, nil)
	return b.Bytes()
}
