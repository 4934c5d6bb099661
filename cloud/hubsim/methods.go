package hubsim

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// defaultMethodTimeout is IoT Hub's default responseTimeoutInSeconds.
const defaultMethodTimeout = 30 * time.Second

// methodResult is a device's answer to a direct method.
type methodResult struct {
	status  int
	payload json.RawMessage
}

// methodCalls matches device answers to the calls waiting for them.
type methodCalls struct {
	mu      sync.Mutex
	next    uint64
	waiting map[string]chan methodResult // key: deviceID + "\n" + rid
}

func newMethodCalls() *methodCalls {
	return &methodCalls{waiting: map[string]chan methodResult{}}
}

func (m *methodCalls) start(deviceID string) (rid string, answer chan methodResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	rid = strconv.FormatUint(m.next, 10)
	answer = make(chan methodResult, 1)
	m.waiting[deviceID+"\n"+rid] = answer
	return rid, answer
}

func (m *methodCalls) forget(deviceID, rid string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.waiting, deviceID+"\n"+rid)
}

// complete hands a device's "$iothub/methods/res/{status}/?$rid=…" to the
// call waiting for it; an answer nobody waits for is dropped, as IoT Hub
// drops late answers.
func (m *methodCalls) complete(deviceID, topic string, body []byte) {
	status, rid, ok := parseMethodResponse(topic)
	if !ok {
		return
	}
	m.mu.Lock()
	answer, ok := m.waiting[deviceID+"\n"+rid]
	delete(m.waiting, deviceID+"\n"+rid)
	m.mu.Unlock()
	if ok {
		answer <- methodResult{status: status, payload: methodPayload(body)}
	}
}

// methodPayload keeps a JSON answer as is and wraps anything else as a
// JSON string, so the REST answer stays valid JSON.
func methodPayload(body []byte) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	if json.Valid(body) {
		return append(json.RawMessage(nil), body...)
	}
	b, _ := json.Marshal(string(body))
	return b
}

// InvokeMethod calls a direct method on a connected device and waits up
// to timeout (default 30 s) for its answer. A device that is offline or
// has not subscribed to methods gives a ServiceError with status 404, no
// answer in time one with status 504.
func (s *Server) InvokeMethod(ctx context.Context, deviceID, name string, payload json.RawMessage, timeout time.Duration) (int, json.RawMessage, error) {
	if _, ok := s.reg.device(deviceID); !ok {
		return 0, nil, errDeviceNotFound(deviceID)
	}
	if name == "" {
		return 0, nil, errBadRequest("a direct method needs a methodName")
	}
	cl := s.presence.device(deviceID)
	if cl == nil || !subscribed(cl, filterMethods) {
		return 0, nil, errDeviceNotOnline(deviceID)
	}
	if timeout <= 0 {
		timeout = defaultMethodTimeout
	}
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	rid, answer := s.methods.start(deviceID)
	defer s.methods.forget(deviceID, rid)
	topic := fmt.Sprintf("$iothub/methods/POST/%s/?$rid=%s", name, rid)
	if err := sendDirect(cl, topic, payload); err != nil {
		return 0, nil, errDeviceNotOnline(deviceID)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-answer:
		return r.status, r.payload, nil
	case <-timer.C:
		return 0, nil, errMethodTimeout(deviceID, name)
	case <-ctx.Done():
		return 0, nil, fmt.Errorf("hubsim: method %q on device %q: %w", name, deviceID, ctx.Err())
	}
}
