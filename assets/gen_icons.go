//go:build ignore

// gen_icons draws the app icon and the tray state icons as PNG files. Run it
// once from the assets folder (`go generate ./assets`); the PNGs it writes are
// committed and embedded by assets.go, so builds never run it.
//
// The shapes are computed with 4x4 supersampling, which is all the
// anti-aliasing a flat icon needs, so no drawing library is required.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
)

// shape reports whether point (x, y), in units of the icon's size (0..1), is inside.
type shape func(x, y float64) bool

type layer struct {
	in shape
	c  color.NRGBA
}

func main() {
	out := flag.String("out", ".", "folder to write the PNG files into")
	flag.Parse()
	write(filepath.Join(*out, "icon.png"), 512, appIcon())
	// The freedesktop icon theme sizes the Linux packages install (drawn at
	// each size rather than scaled, so small ones stay sharp).
	for _, size := range []int{48, 64, 128, 256} { // 512: icon.png itself
		dir := filepath.Join(*out, "icons", "hicolor", fmt.Sprintf("%dx%d", size, size), "apps")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			log.Fatal(err)
		}
		write(filepath.Join(dir, "ai.reducto.tray.png"), size, appIcon())
	}
	write(filepath.Join(*out, "tray_idle.png"), 128, trayIcon(color.NRGBA{0x47, 0x55, 0x69, 0xff}, nil))
	write(filepath.Join(*out, "tray_running.png"), 128, trayIcon(color.NRGBA{0x25, 0x63, 0xeb, 0xff}, runningGlyph()))
	write(filepath.Join(*out, "tray_attention.png"), 128, trayIcon(color.NRGBA{0xdc, 0x6b, 0x03, 0xff}, attentionGlyph()))
	write(filepath.Join(*out, "tray_paused.png"), 128, trayIcon(color.NRGBA{0x6b, 0x72, 0x80, 0xff}, pausedGlyph()))
}

func write(path string, size int, layers []layer) {
	const ss = 4 // samples per axis
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) / float64(size)
					y := (float64(py) + (float64(sy)+0.5)/ss) / float64(size)
					// Layers are painted in order; the topmost hit wins.
					for i := len(layers) - 1; i >= 0; i-- {
						if layers[i].in(x, y) {
							c := layers[i].c
							al := float64(c.A) / 255
							r += float64(c.R) * al
							g += float64(c.G) * al
							b += float64(c.B) * al
							a += al
							break
						}
					}
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(math.Round(r / a)), G: uint8(math.Round(g / a)), B: uint8(math.Round(b / a)),
				A: uint8(math.Round(255 * a / n)),
			})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func roundRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// polygon is an even-odd point-in-polygon test.
func polygon(pts ...[2]float64) shape {
	return func(x, y float64) bool {
		in := false
		for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
			xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
		return in
	}
}

func union(ss ...shape) shape {
	return func(x, y float64) bool {
		for _, s := range ss {
			if s(x, y) {
				return true
			}
		}
		return false
	}
}

// page is a sheet with a folded top-right corner, inset by m.
func page(x0, y0, x1, y1, fold float64) shape {
	return polygon([2]float64{x0, y0}, [2]float64{x1 - fold, y0}, [2]float64{x1, y0 + fold}, [2]float64{x1, y1}, [2]float64{x0, y1})
}

func appIcon() []layer {
	indigo := color.NRGBA{0x43, 0x38, 0xca, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	pale := color.NRGBA{0xc7, 0xd2, 0xfe, 0xff}
	lines := union(
		roundRect(0.34, 0.40, 0.66, 0.44, 0.02),
		roundRect(0.34, 0.50, 0.66, 0.54, 0.02),
		roundRect(0.34, 0.60, 0.56, 0.64, 0.02),
	)
	return []layer{
		{roundRect(0.04, 0.04, 0.96, 0.96, 0.2), indigo},
		{page(0.26, 0.18, 0.74, 0.82, 0.14), white},
		{polygon([2]float64{0.60, 0.18}, [2]float64{0.74, 0.32}, [2]float64{0.60, 0.32}), pale},
		{lines, indigo},
		// The badge: an arrow into a tray, what the app does with a document.
		{circle(0.72, 0.74, 0.17), color.NRGBA{0x10, 0xb9, 0x81, 0xff}},
		{union(
			roundRect(0.70, 0.63, 0.74, 0.77, 0.015),
			polygon([2]float64{0.65, 0.73}, [2]float64{0.79, 0.73}, [2]float64{0.72, 0.82}),
		), white},
	}
}

// trayIcon is a page in the state's colour with a dark rim (visible on light
// panels) and a white glyph (visible on the colour itself); the mid-tone
// colours keep contrast with dark panels.
func trayIcon(c color.NRGBA, glyph shape) []layer {
	rim := color.NRGBA{0x11, 0x18, 0x27, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	outer := page(0.14, 0.04, 0.86, 0.96, 0.24)
	inner := page(0.20, 0.10, 0.80, 0.90, 0.20)
	ls := []layer{
		{outer, rim},
		{inner, c},
	}
	if glyph == nil {
		glyph = union(
			roundRect(0.30, 0.40, 0.70, 0.47, 0.03),
			roundRect(0.30, 0.55, 0.70, 0.62, 0.03),
			roundRect(0.30, 0.70, 0.58, 0.77, 0.03),
		)
	}
	ls = append(ls, layer{glyph, white})
	return ls
}

func runningGlyph() shape {
	return polygon([2]float64{0.36, 0.34}, [2]float64{0.70, 0.56}, [2]float64{0.36, 0.78})
}

func attentionGlyph() shape {
	return union(roundRect(0.45, 0.28, 0.55, 0.64, 0.04), circle(0.50, 0.76, 0.06))
}

func pausedGlyph() shape {
	return union(roundRect(0.33, 0.34, 0.45, 0.78, 0.03), roundRect(0.55, 0.34, 0.67, 0.78, 0.03))
}
