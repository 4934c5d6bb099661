// Package modfs manages files on a QuecPython module through its REPL:
// list, upload, download, remove, make folders, run a script. Uploads go
// to a temporary name and replace the target only after their size and
// checksum were verified on the module, so a pulled cable never leaves a
// half-written file under the real name.
//
// The Python it sends runs on MicroPython 1.12 firmware: no f-strings,
// u-prefixed module names. It must never import Fyne, cloud/ or the ui
// and app packages.
package modfs
