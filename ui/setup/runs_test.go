package setup

import (
	"strings"
	"testing"

	"qpyhub/app/provision"
)

// The technician picks what the module runs after the setup: the check
// program by default, as before; "its own main.py" reaches the plan as
// KeepMain, and the row says what each module runs when it ends.
func TestSetupRunsChoiceReachesThePlan(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"))
	r.fillNewDevice()
	runs := r.screen.Runs
	if runs.Runs.Selected != runs.Runs.Options[runsCheckProgram] || !strings.Contains(runs.Note.Text, "main.py.qpyhub-bak") {
		t.Fatalf("default %q, note %q", runs.Runs.Selected, runs.Note.Text)
	}
	call := r.start(t)
	if call.plan.KeepMain {
		t.Fatal("the default choice keeps main.py")
	}
	r.end(t, call, []provision.Result{{Port: "/dev/ttyUSB2", Result: provision.ResultOnline, Hub: "tray.azure-devices.net",
		Confirmed: provision.ConfirmedCloud, Confirmation: provision.ConfirmTwin, Runs: provision.RunsCheckProgram}})
	if shown := r.shown(); !strings.Contains(shown, provision.NoteRunsCheckProgram) {
		t.Errorf("the row does not say what the module runs:\n%s", shown)
	}

	runs.Runs.SetSelected(runs.Runs.Options[runsOwnMain])
	if !strings.Contains(runs.Note.Text, "main.py is not changed") {
		t.Errorf("note for its own main.py: %q", runs.Note.Text)
	}
	call = r.start(t)
	if !call.plan.KeepMain || call.plan.HubConnectionString != testPolicyCS {
		t.Fatalf("plan keep-main %v, policy kept %v", call.plan.KeepMain, call.plan.HubConnectionString == testPolicyCS)
	}
	r.end(t, call, []provision.Result{{Port: "/dev/ttyUSB2", Result: provision.ResultFailed, Stage: provision.StageWrite,
		Error: provision.PhraseMainIsLauncher, Advice: provision.AdviceMainIsLauncher, Runs: provision.RunsOwnMain}})
	shown := r.shown()
	for _, want := range []string{provision.PhraseMainIsLauncher, provision.NoteRunsOwnMain} {
		if !strings.Contains(shown, want) {
			t.Errorf("the screen does not show %q:\n%s", want, shown)
		}
	}
}
