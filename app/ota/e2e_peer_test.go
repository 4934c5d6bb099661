//go:build linux

package ota

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// An update reaches done: the module downloads with progress at every
// 10 %, applies, restarts, the new version comes online and is
// committed; the new files run and nothing of the update is left. The
// same version desired again does nothing.
func TestUpdateReachesDone(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	r := newRig(t, 60, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateDone || got.Running != "2" || got.Error != "" || got.Progress != 100 {
		t.Fatalf("reported %+v, want done running 2\n%s", got, r.con.text())
	}
	if apps := r.appLines(); strings.Join(apps, ",") != "1,2" {
		t.Errorf("the module ran versions %v, want 1 then 2", apps)
	}
	checkProgress(t, r.con.text(), "2")
	if strings.Contains(r.con.text(), "not reported") {
		t.Errorf("a report did not reach the hub:\n%s", r.con.text())
	}
	if !strings.Contains(r.con.text(), "tls=verified") {
		t.Errorf("the download was not over verified TLS:\n%s", r.con.text())
	}

	// The same version again (a new desired patch): nothing starts. The
	// patch after it shows the first one was handled.
	r.desire("2", v2, 0)
	r.con.waitCount(r.ctx, t, regexp.MustCompile(`QPYHUB twin info desired version=`), 2)
	if _, err := r.hub.UpdateDesired(deviceID, []byte(`{"marker":1}`)); err != nil {
		t.Fatal(err)
	}
	r.con.waitCount(r.ctx, t, regexp.MustCompile(`QPYHUB twin info desired version=`), 3)
	if n := strings.Count(r.con.text(), "QPYHUB ota info version=2 files="); n != 1 {
		t.Errorf("version 2 was started %d times, want once\n%s", n, r.con.text())
	}
	r.wantVersion(r.files(), v2)
}

// checkProgress fails unless the module reported the download of
// version v at 0 %, 10 %, 20 % … 100 %, each once, in order.
func checkProgress(t *testing.T, out, v string) {
	t.Helper()
	var seen []string
	re := regexp.MustCompile(`QPYHUB ota info version=` + regexp.QuoteMeta(v) + ` downloading progress=(\d+)`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		seen = append(seen, m[1])
	}
	if got := strings.Join(seen, ","); got != "0,10,20,30,40,50,60,70,80,90,100" {
		t.Fatalf("progress reports %s, want every 10 %%", got)
	}
}

// A file whose SHA-256 does not match ends failed with the cause; the
// running version is untouched and nothing staged is left. The same
// version and retry again does nothing; a new retry tries again.
func TestUpdateWithWrongDigestFails(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	r := newRig(t, 60, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0, "/usr/data/blob.bin")
	got := r.waitFinal("2")
	if got.State != StateFailed || got.Error != "sha256 mismatch for /usr/data/blob.bin" || got.Running != "" {
		t.Fatalf("reported %+v, want failed with a sha256 mismatch\n%s", got, r.con.text())
	}
	r.desire("2", v2, 0, "/usr/data/blob.bin")
	r.con.waitCount(r.ctx, t, regexp.MustCompile(`QPYHUB twin info desired version=`), 2)
	r.desire("2", v2, 1, "/usr/data/blob.bin")
	r.con.waitCount(r.ctx, t, regexp.MustCompile(`QPYHUB ota fail version=2 state=failed reported=1`), 2)
	if n := strings.Count(r.con.text(), "QPYHUB ota info version=2 files="); n != 2 {
		t.Errorf("version 2 was started %d times, want twice (retry 0, retry 1)\n%s", n, r.con.text())
	}
	if apps := r.appLines(); strings.Join(apps, ",") != "1" {
		t.Errorf("the module ran versions %v, want 1 only", apps)
	}
	files := r.files()
	r.wantVersion(files, v1)
	if _, ok := files[StateDir+"/journal.json"]; ok {
		t.Error("a journal was written for a download that failed")
	}
}

// A new version whose main.py raises is rolled back at once: the old
// files come back, the module restarts into the old version and reports
// rolled-back with the reason once online.
func TestUpdateThatRaisesRollsBack(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "raise RuntimeError('broken build')")
	v2["/usr/added.py"] = []byte("X = 1\n")
	r := newRig(t, 60, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateRolledBack || got.Running != "" ||
		got.Error != "version 2: main.py raised RuntimeError broken build" {
		t.Fatalf("reported %+v, want rolled-back with the reason\n%s", got, r.con.text())
	}
	if apps := r.appLines(); strings.Join(apps, ",") != "1,2,1" {
		t.Errorf("the module ran versions %v, want 1, 2 (the trial), 1", apps)
	}
	files := r.files()
	r.wantVersion(files, v1)
	if _, ok := files["/usr/added.py"]; ok {
		t.Error("a file the update added is still there after the rollback")
	}
}

// A new version that never comes online is rolled back when its trial
// time is up.
func TestUpdateThatNeverComesOnlineRollsBack(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "import utime\nwhile True:\n    utime.sleep(1)")
	r := newRig(t, 5, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateRolledBack || got.Error != "version 2 did not come online within 5 s" {
		t.Fatalf("reported %+v, want rolled-back after 5 s\n%s", got, r.con.text())
	}
	if apps := r.appLines(); strings.Join(apps, ",") != "1,2,1" {
		t.Errorf("the module ran versions %v, want 1, 2 (the trial), 1", apps)
	}
	r.wantVersion(r.files(), v1)
}

// A power cut at any moment of an apply, a trial or a commit boots a
// whole version: the peer loses power right after its Nth rename (the
// steps of an update are renames), for every N until an update gets
// through without a cut. Every boot runs one version's main.py with the
// same version's app.py, and the update ends done with exactly the new
// files.
func TestPowerCutDuringUpdateBootsAWholeVersion(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	cuts := 0
	for n := 1; ; n++ {
		didCut := false
		ok := t.Run("after rename "+strconv.Itoa(n), func(t *testing.T) {
			r := newRig(t, 60, map[string]any{"power_cut_after_renames": n}, v1)
			r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
			r.desire("2", v2, 0)
			got := r.waitFinal("2")
			if got.State != StateDone || got.Running != "2" {
				t.Fatalf("reported %+v, want done running 2\n%s", got, r.con.text())
			}
			apps := r.appLines()
			if len(apps) == 0 || apps[0] != "1" || apps[len(apps)-1] != "2" {
				t.Errorf("the module ran versions %v, want 1 first and 2 last", apps)
			}
			r.wantVersion(r.files(), v2)
			didCut = strings.Contains(r.peer.Stderr(), "power cut after rename")
		})
		if !ok {
			t.Fatalf("the update with a power cut after rename %d failed", n)
		}
		// The subtest's peer said whether the cut came; without one the
		// update had fewer renames than n: every step was covered.
		if !didCut {
			break
		}
		cuts++
	}
	if cuts < 8 {
		t.Fatalf("only %d power cuts landed in the update; the test no longer covers its steps", cuts)
	}
}

// A module without room for the new files refuses the update before
// downloading anything, saying how much it needs.
func TestUpdateWithoutRoomFails(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	r := newRig(t, 60, map[string]any{"usr_free_bytes": 8192}, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateFailed || got.Error != "no room: need 28231 bytes, 8192 free" {
		t.Fatalf("reported %+v, want failed for lack of room\n%s", got, r.con.text())
	}
	if strings.Contains(r.con.text(), "download path=") {
		t.Errorf("the module downloaded without room:\n%s", r.con.text())
	}
	r.wantVersion(r.files(), v1)
}

// A new version that restarts the module before it comes online is
// rolled back at its 4th boot, long before its trial time is up.
func TestUpdateThatKeepsRestartingRollsBack(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "import misc\nmisc.Power.powerRestart()")
	r := newRig(t, 3600, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateRolledBack || got.Error != "version 2 restarted 3 times without coming online" {
		t.Fatalf("reported %+v, want rolled-back after 3 restarts\n%s", got, r.con.text())
	}
	if apps := r.appLines(); strings.Join(apps, ",") != "1,2,2,2,1" {
		t.Errorf("the module ran versions %v, want 1, three boots of 2, 1", apps)
	}
	r.wantVersion(r.files(), v1)
}

// On v1.12 firmware, whose ussl takes no CA, the download goes over TLS
// without checking the server, as the MQTT link does, and says so.
func TestUpdateOnFirmwareWithoutCA(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	r := newRig(t, 60, map[string]any{"ssl_ca_supported": false}, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	if got := r.waitFinal("2"); got.State != StateDone {
		t.Fatalf("reported %+v, want done\n%s", got, r.con.text())
	}
	if n := strings.Count(r.con.text(), "size=24000 tls=unverified reason=firmware ussl takes no CA"); n != 1 {
		t.Errorf("the download did not say it could not check the server:\n%s", r.con.text())
	}
}

// A desired version that names the update guard among its files is
// refused before anything is downloaded, and the twin says why: a new
// guard would judge its own trial.
func TestUpdateThatReplacesTheGuardIsRefused(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	v2["/usr/qpyhub_guard.py"] = []byte("# a guard that never rolls back\n")
	r := newRig(t, 60, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.desire("2", v2, 0)
	got := r.waitFinal("2")
	if got.State != StateFailed || !strings.Contains(got.Error, "/usr/qpyhub_guard.py is the update guard") {
		t.Fatalf("reported %+v, want failed naming the guard\n%s", got, r.con.text())
	}
	if strings.Contains(r.con.text(), "download path=") {
		t.Errorf("the module downloaded a bundle that replaces its guard:\n%s", r.con.text())
	}
	r.wantVersion(r.files(), v1)
}
