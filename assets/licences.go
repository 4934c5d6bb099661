package assets

import _ "embed"

// FontLicence is the SIL Open Font License of the embedded Chinese font,
// which must travel with the font: the About screen shows it.
//
//go:embed fonts/OFL.txt
var FontLicence string
