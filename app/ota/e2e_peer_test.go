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
// version v at 0 %, every 10 % crossed, and 100 %.
func checkProgress(t *testing.T, out, v string) {
	t.Helper()
	var seen []int
	re := regexp.MustCompile(`QPYHUB ota info version=` + regexp.QuoteMeta(v) + ` downloading progress=(\d+)`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		seen = append(seen, n)
	}
	if len(seen) == 0 || seen[0] != 0 || seen[len(seen)-1] != 100 {
		t.Fatalf("progress reports %v, want 0 first and 100 last", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i]/10 != seen[i-1]/10+1 {
			t.Errorf("progress reports %v: a 10 %% step was skipped or repeated", seen)
		}
	}
}
