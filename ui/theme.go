package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is the base theme (Fyne's, or whatever was set before the UI
// started) with the colours that fail WCAG AA replaced, in both variants:
// text at 4.5:1 or more on every background it is drawn on (the light
// theme's grey "disabled" colour, which Fyne also uses for low-importance
// text such as a job's cost, was 1.3:1; its warning and success colours
// about 2:1), input borders and check boxes at 3:1, and a keyboard focus
// and hover that can be seen (Fyne's are 6 % black or white, which a
// focused row or button barely shows). TestThemeContrast checks every
// text colour against every background.
type appTheme struct {
	fyne.Theme
}

// newAppTheme wraps base (nil: Fyne's default theme).
func newAppTheme(base fyne.Theme) fyne.Theme {
	if base == nil {
		base = theme.DefaultTheme()
	}
	if t, ok := base.(*appTheme); ok {
		return t
	}
	return &appTheme{Theme: base}
}

func rgba(r, g, b, a uint8) color.NRGBA { return color.NRGBA{R: r, G: g, B: b, A: a} }

// themeColors are the replaced colours per variant.
var themeColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameForeground:          rgba(0x30, 0x30, 0x30, 0xff),
		theme.ColorNameDisabled:            rgba(0x59, 0x59, 0x59, 0xff), // low-importance text
		theme.ColorNamePlaceHolder:         rgba(0x59, 0x59, 0x59, 0xff),
		theme.ColorNameInputBorder:         rgba(0x86, 0x86, 0x86, 0xff), // unchecked check boxes, entries
		theme.ColorNamePrimary:             rgba(0x17, 0x50, 0xc0, 0xff),
		theme.ColorNameHyperlink:           rgba(0x17, 0x50, 0xc0, 0xff),
		theme.ColorNameForegroundOnPrimary: rgba(0xff, 0xff, 0xff, 0xff),
		theme.ColorNameError:               rgba(0xa5, 0x18, 0x18, 0xff),
		theme.ColorNameWarning:             rgba(0x8a, 0x3f, 0x00, 0xff),
		theme.ColorNameSuccess:             rgba(0x1b, 0x5e, 0x20, 0xff),
		// A focused row is drawn hovered: grey, told from the blue of
		// the selected row by its hue; a focused button gets blue.
		theme.ColorNameHover:     rgba(0x00, 0x00, 0x00, 0x1f),
		theme.ColorNameSelection: rgba(0x17, 0x50, 0xc0, 0x40),
		theme.ColorNameFocus:     rgba(0x17, 0x50, 0xc0, 0x55),
	},
	theme.VariantDark: {
		theme.ColorNameDisabled:            rgba(0xa0, 0xa0, 0xa0, 0xff),
		theme.ColorNamePlaceHolder:         rgba(0xa8, 0xa8, 0xa8, 0xff),
		theme.ColorNameInputBorder:         rgba(0x7a, 0x7a, 0x7a, 0xff),
		theme.ColorNamePrimary:             rgba(0x6e, 0xa8, 0xff, 0xff),
		theme.ColorNameHyperlink:           rgba(0x6e, 0xa8, 0xff, 0xff),
		theme.ColorNameForegroundOnPrimary: rgba(0x10, 0x10, 0x12, 0xff),
		theme.ColorNameError:               rgba(0xff, 0x6b, 0x60, 0xff),
		theme.ColorNameHover:               rgba(0xff, 0xff, 0xff, 0x1f),
		theme.ColorNameSelection:           rgba(0x6e, 0xa8, 0xff, 0x33),
		theme.ColorNameFocus:               rgba(0x6e, 0xa8, 0xff, 0x66),
	},
}

// Color is the base theme's colour unless themeColors replaces it.
func (t *appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := themeColors[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}
