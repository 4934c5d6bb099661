// Package repl talks to a QuecPython (MicroPython) module over its USB
// REPL port: it brings the REPL into a known state from whatever another
// tool or a running program left behind, runs code in the raw REPL,
// sends data into functions on the module, soft-resets, and hands the
// port to an interactive terminal.
//
// Every wait ends on an answer of the module (the idle prompt, the raw
// REPL banner, "OK", a raw-paste window) or at a deadline; silence is
// awaited only where silence is the answer (Ctrl-C in a raw REPL another
// tool left, a program that printed more than the prompt). Code is sent
// without pauses: in one write when it fits the firmware's input buffer,
// by raw-paste when the firmware offers it, and otherwise in pieces of
// one buffer, each acknowledged before the next (send.go). Data for a
// function on the module goes the same ways; without raw-paste its
// pieces grow past one buffer while a checker on the module confirms
// each arrived whole (window.go).
//
// It must never import Fyne, cloud/ or the ui and app packages.
package repl
