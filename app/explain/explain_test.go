package explain

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/cloud/dps"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/registry"
	"qpyhub/device/modfs"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// family is one kind of error and the words it must come out as: English
// keys, translated by the test from the translation files.
type family struct {
	name           string
	err            error
	phrase, advice string
	field, sep     string // for errors about one input
	detail         string // what Detail must hold
}

func families(t *testing.T) []family {
	_, noResult := probe.Parse("")
	_, notStopping := probe.Run(context.Background(), probe.ExecFunc(func(context.Context, string) (string, string, error) {
		return "", "", fmt.Errorf("exec: %w", repl.ErrNotStopping)
	}))
	_, silent := probe.Run(context.Background(), probe.ExecFunc(func(context.Context, string) (string, string, error) {
		return "", "", errors.New("closed")
	}))
	_, noIdentity := hubclient.New(hubclient.Config{})
	_, unreadable := registry.New("hello", registry.Options{})
	for _, err := range []error{noResult, notStopping, silent, noIdentity, unreadable} {
		if err == nil {
			t.Fatal("a call that must fail did not")
		}
	}
	return []family{
		{name: "port gone", err: &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO},
			phrase: repl.ErrPortGone.Error(), detail: "/dev/ttyUSB2: input/output error"},
		{name: "timeout under a file operation", err: fmt.Errorf("list /usr on the module: %w", &repl.TimeoutError{Step: "raw REPL prompt", Got: ">"}),
			phrase: repl.PhraseTimeout, detail: "waiting for raw REPL prompt"},
		{name: "port in use", err: &repl.OpenError{Path: "/dev/ttyUSB2", Err: &repl.InUseError{Path: "/dev/ttyUSB2", PID: 42, Program: "minicom"}},
			phrase: repl.PhraseInUse, detail: "pid 42, minicom"},
		{name: "busy sentinel", err: repl.ErrBusy, phrase: repl.ErrBusy.Error()},
		{name: "file not found", err: &modfs.PathError{Op: "stat", Path: "/usr/x", Cause: modfs.ErrNotFound},
			phrase: modfs.ErrNotFound.Error(), detail: "stat /usr/x"},
		{name: "bad path sentinel", err: fmt.Errorf("put a.py: %w", modfs.ErrBadPath), phrase: modfs.ErrBadPath.Error(), detail: "put a.py"},
		{name: "probe without a result", err: noResult,
			phrase: "The module did not return the check's result", advice: "Check that the port is the module's REPL port and that no program is running on it"},
		{name: "probe over a stuck program", err: notStopping, phrase: repl.ErrNotStopping.Error(), detail: "exec"},
		{name: "probe without an answer", err: silent,
			phrase: "The module did not answer", advice: "Check the cable and the port, then run the check again", detail: "closed"},
		{name: "ports", err: &ports.Error{Message: ports.PhraseCannotList, NextStep: ports.AdviceCannotList, Err: os.ErrPermission},
			phrase: ports.PhraseCannotList, advice: ports.AdviceCannotList, detail: "permission denied"},
		{name: "field", err: &cloud.FieldError{Field: "SharedAccessKey", Reason: cloud.ReasonNotBase64},
			phrase: cloud.ReasonNotBase64, advice: (&cloud.FieldError{Reason: cloud.ReasonNotBase64}).Advice(), field: "SharedAccessKey", sep: " "},
		{name: "hub session config", err: noIdentity, phrase: hubclient.ReasonNoIdentity, field: "identity", sep: " "},
		{name: "registry config", err: unreadable, phrase: registry.ReasonUnreadable, field: "hub connection string", sep: " ",
			detail: "has a part without '='"},
		{name: "hub connect", err: &hubclient.ConnectError{Reason: hubclient.ReasonNotAuthorized, Addr: "127.0.0.1:8883"},
			phrase: hubclient.ReasonNotAuthorized, detail: "127.0.0.1:8883"},
		{name: "hub status", err: fmt.Errorf("twin: %w", &hubclient.StatusError{Op: "twin get", Status: 429}),
			phrase: hubclient.ReasonStatusThrottled, detail: "status 429"},
		{name: "session ended", err: &hubclient.EndedError{Reason: hubclient.ReasonDisplaced}, phrase: hubclient.ReasonDisplaced,
			detail: "the session ended"},
		{name: "session closed", err: hubclient.ErrClosed, phrase: "Not connected: connect first."},
		{name: "proxy", err: &hubclient.ProxyError{Reason: hubclient.ReasonProxyAuth, Proxy: "http://proxy:3128", Status: "407 Proxy Authentication Required"},
			phrase: hubclient.ReasonProxyAuth, detail: "407"},
		{name: "dps connect", err: &dps.ConnectError{Reason: dps.ReasonUnreachable, Addr: "127.0.0.1:8883", Err: syscall.ECONNREFUSED},
			phrase: dps.ReasonUnreachable, detail: "connection refused"},
		{name: "dps registration", err: &dps.RegistrationError{Status: 200, OperationStatus: "disabled", RegistrationID: "r1", Reason: dps.ReasonDisabled},
			phrase: dps.ReasonDisabled, detail: `"r1"`},
		{name: "registry request", err: &registry.RequestError{Op: "create device", DeviceID: "d1", Host: "h", Kind: registry.ErrDeviceExists, Status: 409},
			phrase: registry.ErrDeviceExists.Error(), detail: "HTTP 409"},
		{name: "setup stage", err: &provision.StageError{Stage: provision.StageWrite, Message: provision.PhraseWrite, NextStep: provision.AdviceWrite,
			Detail: "qpyhub_app.py", Err: &modfs.PathError{Op: "put", Path: "/usr/qpyhub_app.py", Cause: modfs.ErrNoSpace}},
			phrase: provision.PhraseWrite, advice: provision.AdviceWrite, detail: "qpyhub_app.py"},
		{name: "setup plan", err: &provision.PlanError{Field: "connection string", Reason: provision.ReasonMissing},
			phrase: provision.ReasonMissing, field: "connection string", sep: ": "},
		{name: "cancelled", err: fmt.Errorf("dps: connect: %w", context.Canceled), phrase: "Cancelled"},
		{name: "deadline", err: context.DeadlineExceeded, phrase: "No answer in time: check the connection and try again."},
	}
}

// Each family comes out as its phrase and advice in the user's language,
// with the values in Detail, whichever way it was wrapped.
func TestEachFamilyInEnglishAndChinese(t *testing.T) {
	for _, language := range []string{"en", "zh_Hans"} {
		t.Run(language, func(t *testing.T) {
			words := speak(t, language)
			for _, f := range families(t) {
				checkFamily(t, words, f)
			}
		})
	}
}

func checkFamily(t *testing.T, words map[string]string, f family) {
	t.Helper()
	say := func(key string) string {
		if key == "" {
			return ""
		}
		w, ok := words[key]
		if !ok {
			t.Errorf("%s: %q has no translation", f.name, key)
		}
		return w
	}
	want := Explanation{What: say(f.phrase), Next: say(f.advice)}
	if f.field != "" {
		name := f.field
		if w, ok := words[f.field]; ok {
			name = w
		}
		want.What, want.Field = name+f.sep+want.What, name
	}
	x := Explain(f.err)
	if x.What != want.What || x.Next != want.Next || x.Field != want.Field {
		t.Errorf("%s: Explain = %+v, want What %q, Next %q, Field %q", f.name, x, want.What, want.Next, want.Field)
	}
	if !strings.Contains(x.Detail, f.detail) || f.detail == "" && x.Detail != "" {
		t.Errorf("%s: Detail = %q, want it to hold %q", f.name, x.Detail, f.detail)
	}
	if strings.Contains(x.Detail, f.phrase) {
		t.Errorf("%s: Detail %q repeats the phrase", f.name, x.Detail)
	}
}

// Every phrase, reason, advice and label the core packages can hand to
// Explain has a text in both languages.
func TestEveryListIsTranslated(t *testing.T) {
	var keys []string
	for _, r := range cloud.Reasons() {
		keys = append(keys, r, (&cloud.FieldError{Reason: r}).Advice())
	}
	for _, list := range [][]string{hubclient.Reasons(), dps.Reasons(), registry.Reasons(), repl.Phrases(), modfs.Phrases(),
		probe.Phrases(), ports.Phrases(), ports.Labels(), provision.Phrases()} {
		keys = append(keys, list...)
	}
	for _, language := range []string{"en", "zh_Hans"} {
		words := texts(t, language)
		for _, k := range keys {
			if _, ok := words[k]; k != "" && !ok {
				t.Errorf("%s: %q has no text", language, k)
			}
		}
	}
}
