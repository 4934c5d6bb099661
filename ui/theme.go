package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"qpyhub/assets"
)

// chineseFont renders Chinese on machines without any CJK font installed.
var chineseFont = fyne.NewStaticResource("NotoSansSC-subset.otf", assets.ChineseFontOTF)

// Theme is Fyne's own theme (light or dark as the system says) with a
// Chinese font put first. The font holds no Latin letters, so Fyne falls
// back to its default font of the same style for those: Latin text looks
// as usual, bold stays bold, and Chinese renders everywhere, the terminal
// included.
type Theme struct{ fyne.Theme }

// NewTheme wraps the default theme.
func NewTheme() *Theme { return &Theme{Theme: theme.DefaultTheme()} }

// Font returns the Chinese font for text styles and the default for symbols.
func (t *Theme) Font(style fyne.TextStyle) fyne.Resource {
	if style.Symbol {
		return t.Theme.Font(style)
	}
	return chineseFont
}
