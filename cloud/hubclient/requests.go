package hubclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// errConnectionGone says a request's connection dropped before it was
// answered; the caller retries on the next connection.
var errConnectionGone = errors.New("hubclient: the connection dropped before the hub answered")

// ErrNoAnswer is wrapped when the hub did not answer a twin request in time.
var ErrNoAnswer = errors.New("the hub did not answer in time: check the connection and try again")

// twinAnswer is what arrived on $iothub/twin/res/{status}/?$rid=….
type twinAnswer struct {
	status  int
	version int
	body    []byte
}

// pendingRequests matches twin answers to requests by $rid.
type pendingRequests struct {
	mu      sync.Mutex
	next    uint64
	waiting map[string]chan twinAnswer
}

func newPendingRequests() *pendingRequests {
	return &pendingRequests{waiting: make(map[string]chan twinAnswer)}
}

// add registers a new request id and the channel its answer arrives on.
func (p *pendingRequests) add() (string, chan twinAnswer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	rid := strconv.FormatUint(p.next, 10)
	ch := make(chan twinAnswer, 1)
	p.waiting[rid] = ch
	return rid, ch
}

func (p *pendingRequests) remove(rid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.waiting, rid)
}

// resolve hands an answer to its waiter without blocking; unknown or late
// answers are dropped.
func (p *pendingRequests) resolve(rid string, a twinAnswer) {
	p.mu.Lock()
	ch, ok := p.waiting[rid]
	delete(p.waiting, rid)
	p.mu.Unlock()
	if ok {
		ch <- a // buffered 1 and delivered once: never blocks
	}
}

// failAll forgets every waiter; they see the session stop instead.
func (p *pendingRequests) failAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.waiting)
}

// SendTelemetry publishes one device-to-cloud message at QoS 1 and returns
// when the hub acknowledged it. If the connection drops first, it is sent
// again on the next connection (so the hub may see it twice, as QoS 1
// allows). props are application properties, written in key order.
func (s *Session) SendTelemetry(ctx context.Context, payload []byte, props map[string]string, sys SystemProperties) error {
	var bag PropertyBag
	sys.appendTo(&bag)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		bag.Add(k, props[k])
	}
	topic := TelemetryTopic(s.cfg.Identity.DeviceID, s.cfg.Identity.ModuleID, bag)
	return s.publishAcked(ctx, topic, payload)
}

// AnswerMethod answers the direct-method call rid with an HTTP-like status
// and a JSON payload (nil sends an empty body).
func (s *Session) AnswerMethod(ctx context.Context, rid string, status int, payload json.RawMessage) error {
	if len(payload) > 0 && !json.Valid(payload) {
		return errors.New("hubclient: a method answer must be JSON: fix the payload")
	}
	return s.publishAcked(ctx, MethodResponseTopic(status, rid), []byte(payload))
}

// publishAcked publishes at QoS 1 until a connection acknowledges it.
func (s *Session) publishAcked(ctx context.Context, topic string, payload []byte) error {
	for {
		conn, err := s.waitConnection(ctx)
		if err != nil {
			return err
		}
		err = waitOnConnection(ctx, conn, conn.client.Publish(topic, 1, false, payload))
		if !errors.Is(err, errConnectionGone) {
			return err
		}
	}
}

// waitOnConnection waits for a paho token, unless conn is dropped first.
func waitOnConnection(ctx context.Context, conn *connection, tok mqtt.Token) error {
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			select {
			case <-conn.gone:
				return errConnectionGone
			default:
			}
			return err
		}
		return nil
	case <-conn.gone:
		return errConnectionGone
	case <-ctx.Done():
		return ctx.Err()
	}
}

// GetTwin reads the device twin: {"desired":{…},"reported":{…}}.
func (s *Session) GetTwin(ctx context.Context) (json.RawMessage, error) {
	a, err := s.twinRequest(ctx, "twin get", TwinGetTopic, nil)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(a.body), nil
}

// PatchReported updates reported properties and returns the twin's new
// reported version.
func (s *Session) PatchReported(ctx context.Context, patch json.RawMessage) (int, error) {
	if !json.Valid(patch) {
		return 0, errors.New("hubclient: a reported patch must be a JSON object: fix the patch")
	}
	a, err := s.twinRequest(ctx, "twin patch", TwinPatchReportedTopic, patch)
	if err != nil {
		return 0, err
	}
	return a.version, nil
}

// twinRequest publishes a twin request and waits for the answer with the
// same $rid, retrying on the next connection if this one drops.
func (s *Session) twinRequest(ctx context.Context, op string, topicFor func(rid string) string, body []byte) (twinAnswer, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	for {
		conn, err := s.waitConnection(ctx)
		if err != nil {
			return twinAnswer{}, err
		}
		rid, answer := s.twin.add()
		a, err := s.awaitTwin(ctx, conn, topicFor(rid), body, answer)
		s.twin.remove(rid)
		switch {
		case errors.Is(err, errConnectionGone):
			continue
		case errors.Is(err, context.DeadlineExceeded):
			return twinAnswer{}, fmt.Errorf("hubclient: %s: %w (%w)", op, ErrNoAnswer, err)
		case err != nil:
			return twinAnswer{}, err
		case a.status < 200 || a.status > 299:
			return twinAnswer{}, &StatusError{Op: op, Status: a.status}
		}
		return a, nil
	}
}

func (s *Session) awaitTwin(ctx context.Context, conn *connection, topic string, body []byte, answer <-chan twinAnswer) (twinAnswer, error) {
	if err := waitOnConnection(ctx, conn, conn.client.Publish(topic, 1, false, body)); err != nil {
		return twinAnswer{}, err
	}
	select {
	case a := <-answer:
		return a, nil
	case <-conn.gone:
		return twinAnswer{}, errConnectionGone
	case <-s.stopped:
		return twinAnswer{}, s.closedError()
	case <-ctx.Done():
		return twinAnswer{}, ctx.Err()
	}
}
