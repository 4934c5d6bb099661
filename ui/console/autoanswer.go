package console

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"sync"
	"time"

	"qpyhub/cloud/hubclient"
)

// autoAnswerTimeout bounds one automatic answer; the caller gave up by then.
const autoAnswerTimeout = 30 * time.Second

// answerRule is the answer given to every call of one method.
type answerRule struct {
	Method  string
	Status  int
	Payload json.RawMessage
}

// autoAnswers answers method calls by name without waiting for the user;
// the pump consults it on its own goroutine, the UI edits it.
type autoAnswers struct {
	mu      sync.Mutex
	rules   map[string]answerRule
	session DeviceSession
	pump    *eventPump
	now     func() time.Time
}

func newAutoAnswers() *autoAnswers {
	return &autoAnswers{rules: map[string]answerRule{}, now: time.Now}
}

// bind makes session the one that answers, and pump the log of answers.
func (a *autoAnswers) bind(session DeviceSession, pump *eventPump, now func() time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.session, a.pump, a.now = session, pump, now
}

func (a *autoAnswers) set(r answerRule) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.rules[r.Method] = r
}

func (a *autoAnswers) remove(method string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.rules, method)
}

// list returns the rules by method name.
func (a *autoAnswers) list() []answerRule {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]answerRule, 0, len(a.rules))
	for _, r := range a.rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Method < out[j].Method })
	return out
}

// answer sends the rule's answer to call, if there is a rule; it does not
// wait for the send.
func (a *autoAnswers) answer(call *hubclient.MethodCall) bool {
	a.mu.Lock()
	r, ok := a.rules[call.Name]
	session, pump, now := a.session, a.pump, a.now
	a.mu.Unlock()
	if !ok || session == nil {
		return false
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), autoAnswerTimeout)
		defer cancel()
		err := session.AnswerMethod(ctx, call.RID, r.Status, r.Payload)
		if pump != nil {
			pump.record(answerEntry(now(), call, r.Status, r.Payload, true, err))
		}
	}()
	return true
}

// answerEntry records a method answer this side sent (or failed to send).
func answerEntry(at time.Time, call *hubclient.MethodCall, status int, payload []byte, automatic bool, err error) *LogEntry {
	props := map[string]string{"method": call.Name, "$rid": call.RID, "status": strconv.Itoa(status)}
	if automatic {
		props["answered"] = "automatically"
	}
	if err != nil {
		props["error"] = err.Error()
	}
	return sentEntry(at, "method answer", hubclient.MethodResponseTopic(status, call.RID), props, payload)
}
