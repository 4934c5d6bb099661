package ui

import (
	"image/color"

	"qpyhub/app/settings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// variantTheme draws qpyhub's theme always light or always dark, whatever
// the OS asks for: a technician in a bright workshop may want light while
// the laptop is set to dark.
type variantTheme struct {
	*Theme
	variant fyne.ThemeVariant
}

// Color ignores the variant asked for and uses the forced one.
func (t variantTheme) Color(name fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(name, t.variant)
}

// ThemeFor is the theme for a Settings choice: qpyhub's theme following
// the OS, or the same theme held light or dark.
func ThemeFor(choice settings.ThemeChoice) fyne.Theme {
	switch choice {
	case settings.ThemeLight:
		return variantTheme{Theme: NewTheme(), variant: theme.VariantLight}
	case settings.ThemeDark:
		return variantTheme{Theme: NewTheme(), variant: theme.VariantDark}
	}
	return NewTheme()
}
