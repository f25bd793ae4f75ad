package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	ch := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(b)
}

// contrast is WCAG's contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over blends c (maybe translucent) over the opaque bg.
func over(c, bg color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	b := color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, b.R), G: mix(n.G, b.G), B: mix(n.B, b.B), A: 0xff}
}

// Every text colour of both variants reads at WCAG AA (4.5:1) on every
// background it is drawn on, the hovered, focused and selected rows
// included; input borders (unchecked check boxes) reach 3:1; and a focused
// row or button stands out from its background. The light theme's cost
// text was 1.3:1 and its warning 2:1.
func TestThemeContrast(t *testing.T) {
	test.NewTempApp(t)
	th := newAppTheme(theme.DefaultTheme())
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
		theme.ColorNamePrimary, theme.ColorNameHyperlink, theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess}
	grounds := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground, theme.ColorNameButton}
	on := map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNamePrimary: theme.ColorNameForegroundOnPrimary, theme.ColorNameError: theme.ColorNameForegroundOnError,
		theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess, theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg := c(theme.ColorNameBackground)
		var backs []struct {
			name string
			c    color.Color
		}
		for _, g := range grounds {
			backs = append(backs, struct {
				name string
				c    color.Color
			}{string(g), over(c(g), bg)})
		}
		// Rows are drawn hovered (also when focused) or selected; the focus
		// colour fills buttons, whose text is the foreground (below).
		for _, g := range []fyne.ThemeColorName{theme.ColorNameHover, theme.ColorNameSelection} {
			backs = append(backs, struct {
				name string
				c    color.Color
			}{string(g) + " over background", over(c(g), bg)})
		}
		for _, txt := range texts {
			for _, b := range backs {
				if r := contrast(c(txt), b.c); r < 4.5 {
					t.Errorf("%s: %s text on %s is %.2f:1, want 4.5:1", name, txt, b.name, r)
				}
			}
		}
		for fill, fg := range on {
			if r := contrast(c(fg), over(c(fill), bg)); r < 4.5 {
				t.Errorf("%s: %s on %s is %.2f:1, want 4.5:1", name, fg, fill, r)
			}
		}
		for _, g := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			if r := contrast(c(theme.ColorNameInputBorder), c(g)); r < 3 {
				t.Errorf("%s: input border on %s is %.2f:1, want 3:1", name, g, r)
			}
		}
		for _, g := range []fyne.ThemeColorName{theme.ColorNameFocus, theme.ColorNameHover} {
			if r := contrast(over(c(g), bg), bg); r < 1.3 {
				t.Errorf("%s: %s barely shows: %.2f:1 against the background", name, g, r)
			}
		}
		focused := over(c(theme.ColorNameFocus), c(theme.ColorNameButton))
		if r := contrast(focused, c(theme.ColorNameButton)); r < 1.5 {
			t.Errorf("%s: a focused button barely shows: %s", name, fmt.Sprintf("%.2f:1", r))
		}
		if r := contrast(c(theme.ColorNameForeground), focused); r < 4.5 {
			t.Errorf("%s: a focused button's text is %.2f:1", name, r)
		}
		if r := contrast(c(theme.ColorNameForegroundOnPrimary), over(c(theme.ColorNameFocus), c(theme.ColorNamePrimary))); r < 4.5 {
			t.Errorf("%s: a focused primary button's text is %.2f:1", name, r)
		}
	}
}

// The budget bar's label reads on its fill and on its faded track (the
// fill at half alpha over the background) in every colour and variant.
func TestBudgetBarContrast(t *testing.T) {
	test.NewTempApp(t)
	base := newAppTheme(theme.DefaultTheme())
	for v, byImp := range barColors {
		bg := base.Color(theme.ColorNameBackground, v)
		for imp, c := range byImp {
			fill, label := c[0], c[1]
			n := color.NRGBAModel.Convert(fill).(color.NRGBA)
			n.A /= 2
			for what, ground := range map[string]color.Color{"fill": fill, "track": over(n, bg)} {
				if r := contrast(label, ground); r < 4.5 {
					t.Errorf("variant %d importance %d: label on the %s is %.2f:1", v, imp, what, r)
				}
			}
		}
	}
}
