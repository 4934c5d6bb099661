// Package modfs manages files on a QuecPython module through its REPL:
// list, upload, download, remove, make folders, run a script, and mirror
// a local folder onto a module folder (sync). Uploads go to a temporary
// name and replace the target only after the module found their size and
// digest right, so a pulled cable never leaves a half-written file under
// the real name; a file the module already has (same size and SHA-256,
// or CRC-32 where the firmware has no uhashlib) is not sent again unless
// forced. File data travels as bytes literals, about 4 % larger than the
// data, through repl.Session.SendData.
//
// The Python it sends runs on MicroPython 1.12 firmware: no f-strings,
// u-prefixed module names. Functions it calls on the module (helpers.py)
// are sent once and stay until the module resets. It must never import
// Fyne, cloud/ or the ui and app packages.
package modfs
