package ota

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/moduleapp"
	"qpyhub/device/repl"
)

// USBOptions tune an update over the USB cable.
type USBOptions struct {
	// OnlineTimeout is how long the new version has to come online after
	// the restart before the module puts the old files back; zero: 5 min.
	OnlineTimeout time.Duration
}

// DefaultOnlineTimeout is the trial of an update over the USB cable.
const DefaultOnlineTimeout = 5 * time.Minute

// USBProgress is one step of ApplyOverUSB: Stage is "check", "push",
// "apply" or "trial"; Path and Done/Total count the push; Line is a
// QPYHUB status line the module printed during the trial.
type USBProgress struct {
	Stage       string
	Path        string
	Done, Total int64
	Line        string
}

// USBResult is how the update ended: State is done, failed or
// rolled-back; Unchanged says the module already ran Version.
type USBResult struct {
	Version   string `json:"version"`
	State     State  `json:"state"`
	Error     string `json:"error,omitempty"`
	Running   string `json:"running"`
	Unchanged bool   `json:"unchanged,omitempty"`
}

// stagedDir is where the module keeps a verified download (the library's
// qpyhub_guard.NEW): a file for /usr/app.py goes to stagedDir+"/usr/app.py".
const stagedDir = StateDir + "/new"

// roomMargin is flash left over besides the new files, as the library
// keeps it.
const roomMargin = 4096

// ApplyOverUSB updates the module at port with the bundle's files, with
// the checks and the journaled apply of an update over the air and no
// cloud: it pushes each file into the module's staging folder (each
// checked for size and SHA-256 on the module), applies from the REPL,
// restarts the module and follows its trial until the new version came
// online (done) or was rolled back. The module needs the library (a
// setup wrote it).
func ApplyOverUSB(ctx context.Context, port string, b *Bundle, opts USBOptions, progress func(USBProgress)) (USBResult, error) {
	if progress == nil {
		progress = func(USBProgress) {}
	}
	if opts.OnlineTimeout <= 0 {
		opts.OnlineTimeout = DefaultOnlineTimeout
	}
	m := b.Manifest
	res := USBResult{Version: m.Version}
	if err := m.Check(); err != nil {
		return res, err
	}
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		return res, err
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{Force: true})
	progress(USBProgress{Stage: "check"})
	running, err := checkModule(ctx, s, m)
	res.Running = running
	if err != nil {
		var refused *refusal
		if errors.As(err, &refused) {
			res.State, res.Error = StateFailed, refused.why
		}
		return res, err
	}
	if running == m.Version {
		res.State, res.Unchanged = StateDone, true
		return res, nil
	}
	if err := pushStaged(ctx, s, fs, b, progress); err != nil {
		return res, err
	}
	progress(USBProgress{Stage: "apply"})
	if err := applyStaged(ctx, s, m, running, opts.OnlineTimeout); err != nil {
		return res, err
	}
	return followTrial(ctx, s, res, opts.OnlineTimeout, progress)
}

// refusal is a module that cannot take the update as it is.
type refusal struct{ why string }

func (e *refusal) Error() string { return "ota apply: " + e.why }

// checkModule answers the version the module runs and refuses a module
// without the library, with an update under way, or without room: one
// round trip on the link for all of it.
func checkModule(ctx context.Context, s *repl.Session, m Manifest) (string, error) {
	code := fmt.Sprintf(`import uos, ujson
miss = ''
for p in (%s, %s, %s):
    try:
        uos.stat(p)
    except OSError:
        miss = miss or p
if miss:
    print(ujson.dumps({'missing': miss}))
else:
    from usr import qpyhub_guard as g
    st = uos.statvfs('/usr')
    print(ujson.dumps({'running': g.status().get('running') or '', 'journal': g.journal() is not None, 'free': st[0] * st[4]}))
`, strconv.Quote(moduleapp.LibraryPath), strconv.Quote(moduleapp.OTAPath), strconv.Quote(moduleapp.GuardPath))
	out, err := pyExec(ctx, s, code)
	if err != nil {
		return "", err
	}
	var state struct {
		Missing string `json:"missing"`
		Running string `json:"running"`
		Journal bool   `json:"journal"`
		Free    int64  `json:"free"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &state); err != nil {
		return "", fmt.Errorf("ota apply: the module answered %q: %w", out, err)
	}
	if state.Missing != "" {
		return "", &refusal{"the module has no " + state.Missing + ": run qpyhub setup on it first (it writes the library)"}
	}
	if state.Journal {
		return state.Running, &refusal{"an update is under way on the module: let it finish (restart the module), then try again"}
	}
	if need := m.TotalSize() + roomMargin; state.Running != m.Version && state.Free < need {
		return state.Running, &refusal{fmt.Sprintf("no room: need %d bytes, %d free", need, state.Free)}
	}
	return state.Running, nil
}

// pushStaged writes every file of the bundle into the staging folder;
// modfs checks each one's size and SHA-256 on the module.
func pushStaged(ctx context.Context, s *repl.Session, fs *modfs.FS, b *Bundle, progress func(USBProgress)) error {
	var dirs []string
	for _, f := range b.Manifest.Files {
		dirs = append(dirs, stagedDir+f.Path[:strings.LastIndex(f.Path, "/")])
	}
	code := "from usr import qpyhub_guard as g\ng.remove_tree(g.NEW)\n"
	for _, d := range dirs {
		code += "g.makedirs(" + strconv.Quote(d) + ")\n"
	}
	if _, err := pyExec(ctx, s, code); err != nil {
		return err
	}
	for _, f := range b.Manifest.Files {
		data, err := b.ReadFile(f.Path)
		if err != nil {
			return err
		}
		report := func(done, total int64) {
			progress(USBProgress{Stage: "push", Path: f.Path, Done: done, Total: total})
		}
		if err := fs.Put(ctx, stagedDir+f.Path, bytes.NewReader(data), int64(len(data)), report); err != nil {
			return fmt.Errorf("ota apply: push %s: %w", f.Path, err)
		}
	}
	return nil
}

// applyStaged runs the library's journaled apply on the staged files,
// then restarts the interpreter so that the guard runs the trial.
func applyStaged(ctx context.Context, s *repl.Session, m Manifest, running string, online time.Duration) error {
	paths := make([]string, len(m.Files))
	for i, f := range m.Files {
		paths[i] = f.Path
	}
	list, _ := json.Marshal(paths)
	code := fmt.Sprintf("from usr import qpyhub_guard as g\nimport ujson\ng.apply_staged(%s, 0, ujson.loads(%s), %d, %s)\n",
		strconv.Quote(m.Version), strconv.Quote(string(list)), int(online/time.Second), strconv.Quote(running))
	if _, err := pyExec(ctx, s, code); err != nil {
		return err
	}
	_, err := s.SoftReset(ctx)
	return err
}

// followTrial reads the module's status lines until the trial ends.
func followTrial(ctx context.Context, s *repl.Session, res USBResult, online time.Duration, progress func(USBProgress)) (USBResult, error) {
	ctx, cancel := context.WithTimeout(ctx, online+time.Minute)
	defer cancel()
	committed := "QPYHUB ota info version=" + res.Version + " came online, committed"
	rolledBack := "QPYHUB ota fail version=" + res.Version + " rolled back reason="
	for {
		line, err := s.Follow(ctx, "\n")
		if err != nil {
			return res, fmt.Errorf("ota apply: waiting for version %s to come online: %w", res.Version, err)
		}
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "QPYHUB ") {
			progress(USBProgress{Stage: "trial", Line: line})
		}
		switch {
		case strings.HasPrefix(line, committed):
			res.State, res.Running = StateDone, res.Version
			return res, nil
		case strings.HasPrefix(line, rolledBack):
			res.State, res.Error = StateRolledBack, strings.TrimPrefix(line, rolledBack)
			return res, nil
		}
	}
}

// pyExec runs code on the module and answers what it printed.
func pyExec(ctx context.Context, s *repl.Session, code string) (string, error) {
	r, err := s.Exec(ctx, code)
	if err != nil {
		return r.Stdout, fmt.Errorf("ota apply: %w", err)
	}
	return r.Stdout, nil
}
