package assets

import _ "embed"

// IconPNG is the application icon (512×512). icon.svg beside it is the source.
//
//go:embed icon.png
var IconPNG []byte
