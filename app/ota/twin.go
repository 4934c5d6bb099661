package ota

// Where updates live in the twin: desired.qpyhub.ota asks a module for a
// version, reported.qpyhub.ota is its answer. (Twin property names cannot
// hold a dot, so "qpyhub.ota" is the object ota inside the object qpyhub.)
const (
	TwinSection = "qpyhub"
	TwinKey     = "ota"
)

// StateDir is the module folder where the library keeps a download, the
// files an update replaced and its journal; a bundle never writes there.
const StateDir = "/usr/.qpyhub_ota"

// Desired is desired.qpyhub.ota: the version a module should run and
// where each of its files is. Retry, when it changes, asks a module to try
// again a version that failed or was rolled back; the same version with
// the same Retry desired twice does nothing.
type Desired struct {
	Version string        `json:"version"`
	Files   []DesiredFile `json:"files"`
	Retry   int           `json:"retry,omitempty"`
}

// DesiredFile is one file of the desired version and the HTTPS URL the
// module fetches it from (read-only; it may expire).
type DesiredFile struct {
	Path   string `json:"path"`
	URL    string `json:"url"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Reported is reported.qpyhub.ota: how a module's update stands. Version
// is the version the state is about; Running the version whose files run.
type Reported struct {
	Version  string `json:"version"`
	State    State  `json:"state"`
	Progress int    `json:"progress"` // 0–100
	Error    string `json:"error"`
	Running  string `json:"running,omitempty"`
}

// State is where a module's update stands.
type State string

// The states a module reports, in the order an update passes them.
const (
	StateIdle        State = "idle"
	StateDownloading State = "downloading"
	StateVerifying   State = "verifying"
	StateApplying    State = "applying"
	StateDone        State = "done"
	StateFailed      State = "failed"
	StateRolledBack  State = "rolled-back"
)

// Final says whether the state ends an update: nothing more happens
// until a new version (or a new Retry) is desired.
func (s State) Final() bool {
	return s == StateDone || s == StateFailed || s == StateRolledBack
}
