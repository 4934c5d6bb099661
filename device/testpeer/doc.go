// Package testpeer runs a MicroPython interpreter on a pseudo-terminal so
// that tests can open it exactly like a QuecPython module's USB REPL port
// (go.bug.st/serial on Path()). The interpreter is the npm package
// @micropython/micropython-webassembly-pyscript run by Node (see node/ and
// README.md); the QuecPython API stand-ins in quecpython/ are on its import
// path and read the test's scenario from /qpy_scenario.json.
//
// It is for tests only. It must never import Fyne, cloud/ or any other
// qpyhub package.
package testpeer
