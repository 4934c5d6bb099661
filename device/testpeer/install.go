package testpeer

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// NodeDirEnv names an environment variable that overrides where the
// peer's Node files (peer.mjs and node_modules) are.
const NodeDirEnv = "QPYHUB_TESTPEER_NODE_DIR"

// ErrNotInstalled means the Node side of the peer cannot run here.
var ErrNotInstalled = errors.New("the MicroPython test peer is not installed: run `npm ci --prefix device/testpeer/node` (needs Node.js 20 or newer)")

const packageEntry = "node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"

// install is where the peer's files are on this machine.
type install struct {
	node       string // the node executable
	nodeDir    string // device/testpeer/node
	standinDir string // device/testpeer/quecpython
}

func findInstall() (install, error) {
	_, self, _, ok := runtime.Caller(0)
	srcDir := filepath.Dir(self)
	nodeDir := filepath.Join(srcDir, "node")
	if env := os.Getenv(NodeDirEnv); env != "" {
		nodeDir = env
	}
	if !ok && os.Getenv(NodeDirEnv) == "" {
		return install{}, ErrNotInstalled
	}
	if _, err := os.Stat(filepath.Join(nodeDir, packageEntry)); err != nil {
		return install{}, &InstallError{Dir: nodeDir, Err: ErrNotInstalled}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return install{}, &InstallError{Dir: nodeDir, Err: ErrNotInstalled}
	}
	return install{
		node:       node,
		nodeDir:    nodeDir,
		standinDir: filepath.Join(filepath.Dir(nodeDir), "quecpython"),
	}, nil
}

// InstallError says where the peer looked for its Node files.
type InstallError struct {
	Dir string
	Err error
}

func (e *InstallError) Error() string { return e.Err.Error() + " (looked in " + e.Dir + ")" }
func (e *InstallError) Unwrap() error { return e.Err }
