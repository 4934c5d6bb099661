// Package provision is the guided path that takes plugged-in QuecPython
// modules onto Azure IoT Hub: check each module, get or create its
// identity, choose its credentials, write the program and its
// configuration onto the module, restart it and watch it come online,
// then append one record per module to a file.
//
// It is the one place where device and cloud meet. It holds no widgets
// (no Fyne import) so the command line and the window share it; every
// long step takes a context and reports progress, and one module's
// failure never stops the others.
//
// Secrets (device keys, group keys, policy keys, SAS tokens) go onto the
// module's file system and nowhere else: never into a Result, a Progress
// detail, a record or an error text.
package provision
