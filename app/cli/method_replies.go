package cli

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// methodReply is the canned answer to one method.
type methodReply struct {
	status  int
	payload json.RawMessage
}

// methodReplies collects --reply-method NAME=STATUS:JSON flags.
type methodReplies map[string]methodReply

func (m methodReplies) String() string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (m methodReplies) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New(lang.L("expected NAME=STATUS:JSON"))
	}
	statusText, body, _ := strings.Cut(rest, ":")
	status, err := strconv.Atoi(statusText)
	if err != nil || status < 100 || status > 999 {
		return errors.New(lang.L("expected NAME=STATUS:JSON with a status such as 200"))
	}
	if body != "" && !json.Valid([]byte(body)) {
		return errors.New(lang.L("the answer after STATUS: is not JSON"))
	}
	m[name] = methodReply{status: status, payload: json.RawMessage(body)}
	return nil
}
