package probe

import (
	"context"
	"errors"
	"sort"
)

// Phrases returns every English phrase this package can hand to a user —
// SIM meanings, registration states, problem messages and advice, error
// messages — so that the UI can check each has a translation. It collects
// them by running the real code paths, so it cannot drift from them.
func Phrases() []string {
	set := map[string]bool{}
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				set[x] = true
			}
		}
	}
	for st := -1; st <= 22; st++ {
		add(SIMStatusText(st))
		name, _, _ := RegistrationText(st)
		add(name)
	}
	for _, r := range phraseReports() {
		for _, p := range Verdict(r) {
			add(p.Message, p.Advice)
		}
	}
	for _, out := range []string{"", markBegin, markBegin + "x" + markEnd, markBegin + "{}" + markEnd} {
		if _, err := Parse(out); err != nil {
			addError(add, err)
		}
	}
	_, err := Run(context.Background(), ExecFunc(func(context.Context, string) (string, string, error) {
		return "", "", errors.New("closed")
	}))
	addError(add, err)
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// phraseReports are reports that, between them, bring out every problem.
func phraseReports() []Report {
	out := []Report{{Missing: []string{"sim", "net", "dataCall", "modem"}}}
	for st := -1; st <= 22; st++ {
		out = append(out, Report{SIM: SIM{Status: st}})
	}
	for st := -1; st <= 6; st++ {
		r := Report{SIM: SIM{Status: 1}, Network: Network{DataState: st}, Signal: Signal{CSQ: -1 + 6*(st%2)}}
		r.Network.State, r.Network.Registered, r.Network.Roaming = RegistrationText(st)
		if st == 1 {
			r.DataCall.Profile = -1 // unreadable; on 5 (roaming) it is down
		}
		out = append(out, r)
	}
	return out
}

func addError(add func(...string), err error) {
	var e *Error
	if errors.As(err, &e) {
		add(e.Phrase(), e.Advice())
	}
}
