// Package moduleapp describes the program qpyhub writes onto a module
// (assets/module): the config file it reads and the "QPYHUB …" status
// lines it prints, so the setup pipeline can write the one and follow the
// other.
//
// It must never import Fyne, cloud/ or the ui and app packages.
package moduleapp
