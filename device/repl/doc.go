// Package repl talks to a QuecPython (MicroPython) module over its USB
// REPL port: it brings the REPL into a known state from whatever another
// tool or a running program left behind, runs code in the raw REPL
// (raw-paste with flow control when the firmware offers it, chunks when
// not), soft-resets, and hands the port to an interactive terminal.
//
// It must never import Fyne, cloud/ or the ui and app packages.
package repl
