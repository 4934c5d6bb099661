package assets

import _ "embed"

// ChineseFontOTF is a Simplified Chinese font holding only CJK characters
// (GB2312 and the translations' own), no Latin: see fonts/OFL.txt for its
// licence and scripts/make-cjk-font for how it is cut.
//
//go:embed fonts/NotoSansSC-subset.otf
var ChineseFontOTF []byte
