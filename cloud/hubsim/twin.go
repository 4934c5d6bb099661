package hubsim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// twin is the device twin of one device: desired and reported properties,
// each with its own version, and tags.
type twin struct {
	desired         map[string]any
	desiredVersion  int
	reported        map[string]any
	reportedVersion int
	tags            map[string]any
	version         int // bumps on every change, like the twin's "version"
	// When each property section last changed, for "$metadata".
	desiredUpdated, reportedUpdated time.Time
}

// twinStore holds the twins of all devices.
type twinStore struct {
	mu    sync.Mutex
	twins map[string]*twin
}

func newTwinStore() *twinStore {
	return &twinStore{twins: map[string]*twin{}}
}

// getLocked returns the twin of a device, creating it as IoT Hub does:
// empty, both property versions at 1.
func (ts *twinStore) getLocked(deviceID string) *twin {
	t, ok := ts.twins[deviceID]
	if !ok {
		t = &twin{desired: map[string]any{}, reported: map[string]any{}, tags: map[string]any{},
			desiredVersion: 1, reportedVersion: 1, version: 1}
		t.desiredUpdated = time.Now().UTC()
		t.reportedUpdated = t.desiredUpdated
		ts.twins[deviceID] = t
	}
	return t
}

// deviceView is the document a device receives for GET: both property
// sets, each with its "$version".
func (ts *twinStore) deviceView(deviceID string) []byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.getLocked(deviceID)
	b, _ := json.Marshal(map[string]any{
		"desired":  withVersion(t.desired, t.desiredVersion),
		"reported": withVersion(t.reported, t.reportedVersion),
	})
	return b
}

// serviceView is the twin as the service REST API returns it.
func (ts *twinStore) serviceView(rec DeviceRecord, connected bool) []byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.getLocked(rec.DeviceID)
	state := "Disconnected"
	if connected {
		state = "Connected"
	}
	b, _ := json.Marshal(map[string]any{
		"deviceId":           rec.DeviceID,
		"etag":               strconv.Quote(strconv.Itoa(t.version)),
		"version":            t.version,
		"status":             rec.Status,
		"connectionState":    state,
		"authenticationType": "sas",
		"tags":               t.tags,
		"properties": map[string]any{
			"desired":  withVersion(t.desired, t.desiredVersion),
			"reported": withVersion(t.reported, t.reportedVersion),
		},
	})
	return b
}

// patchReported merges a device's reported patch (null deletes) and
// returns the new reported version.
func (ts *twinStore) patchReported(deviceID string, body []byte) (int, error) {
	patch, err := decodePatch(body)
	if err != nil {
		return 0, err
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.getLocked(deviceID)
	next, err := patched("reported properties", t.reported, patch, maxTwinProperties)
	if err != nil {
		return 0, err
	}
	t.reported = next
	t.reportedUpdated = time.Now().UTC()
	t.reportedVersion++
	t.version++
	return t.reportedVersion, nil
}

// patchDesired merges a desired patch and tags patch and returns the new
// desired version and the document to push to the device. A patch that
// would take either section over its limit changes neither.
func (ts *twinStore) patchDesired(deviceID string, desired, tags map[string]any) (int, []byte, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.getLocked(deviceID)
	nextTags, err := patched("tags", t.tags, tags, maxTwinTags)
	if err != nil {
		return 0, nil, err
	}
	nextDesired, err := patched("desired properties", t.desired, desired, maxTwinProperties)
	if err != nil {
		return 0, nil, err
	}
	t.tags = nextTags
	if desired == nil {
		t.version++
		return t.desiredVersion, nil, nil
	}
	t.desired = nextDesired
	t.desiredUpdated = time.Now().UTC()
	t.desiredVersion++
	t.version++
	push, _ := json.Marshal(withVersion(desired, t.desiredVersion))
	return t.desiredVersion, push, nil
}

func (ts *twinStore) drop(deviceID string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	delete(ts.twins, deviceID)
}

// decodePatch reads a JSON object; the "$version" and "$metadata" a client
// may echo back are ignored, as IoT Hub ignores them.
func decodePatch(body []byte) (map[string]any, error) {
	var patch map[string]any
	if err := json.Unmarshal(body, &patch); err != nil || patch == nil {
		return nil, errBadRequest("a twin patch must be a JSON object")
	}
	delete(patch, "$version")
	delete(patch, "$metadata")
	return patch, nil
}

// mergePatch applies patch to dst as a JSON merge patch: null deletes a
// property, objects merge, anything else replaces.
func mergePatch(dst, patch map[string]any) {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(dst, k)
		case map[string]any:
			sub, ok := dst[k].(map[string]any)
			if !ok {
				sub = map[string]any{}
			}
			mergePatch(sub, pv)
			dst[k] = sub
		default:
			dst[k] = v
		}
	}
}

// withVersion copies props and adds "$version".
func withVersion(props map[string]any, version int) map[string]any {
	out := make(map[string]any, len(props)+1)
	for k, v := range props {
		out[k] = v
	}
	out["$version"] = version
	return out
}

// answerTwinGet answers "$iothub/twin/GET/?$rid=…" with 200 and the twin.
func (s *Server) answerTwinGet(cl *mqtt.Client, deviceID, topic string) {
	rid := topicQuery(topic).Get("$rid")
	s.answerTwin(cl, fmt.Sprintf("$iothub/twin/res/200/?$rid=%s", rid), s.twins.deviceView(deviceID))
}

// answerReportedPatch merges a reported patch and answers 204 with the
// new version, or 400 for a body that is not a JSON object or a patch that
// would take the reported properties over IoT Hub's size limit.
func (s *Server) answerReportedPatch(cl *mqtt.Client, deviceID, topic string, body []byte) {
	rid := topicQuery(topic).Get("$rid")
	version, err := s.twins.patchReported(deviceID, body)
	if err != nil {
		se := err.(*ServiceError)
		msg, _ := json.Marshal(map[string]any{"errorCode": se.Code, "message": se.Message})
		s.answerTwin(cl, fmt.Sprintf("$iothub/twin/res/%d/?$rid=%s", se.Status, rid), msg)
		return
	}
	s.answerTwin(cl, fmt.Sprintf("$iothub/twin/res/204/?$rid=%s&$version=%d", rid, version), nil)
}

// answerTwin sends a twin answer if the device listens for them; IoT Hub
// drops answers to a device that has not subscribed.
func (s *Server) answerTwin(cl *mqtt.Client, topic string, body []byte) {
	if !subscribed(cl, filterTwinResponses) {
		s.log.Info("twin answer dropped: device has not subscribed to "+filterTwinResponses, "client", cl.ID)
		return
	}
	_ = sendDirect(cl, topic, body)
}

// UpdateDesired merges patch (a JSON object; null deletes) into the
// desired properties of a device, pushes it to the device if it listens,
// and returns the new desired version.
func (s *Server) UpdateDesired(deviceID string, patch json.RawMessage) (int, error) {
	desired, err := decodePatch(patch)
	if err != nil {
		return 0, err
	}
	return s.updateTwin(deviceID, desired, nil)
}

func (s *Server) updateTwin(deviceID string, desired, tags map[string]any) (int, error) {
	if _, ok := s.reg.device(deviceID); !ok {
		return 0, errDeviceNotFound(deviceID)
	}
	version, push, err := s.twins.patchDesired(deviceID, desired, tags)
	if err != nil {
		return 0, err
	}
	if cl := s.presence.device(deviceID); push != nil && subscribed(cl, filterDesired) {
		_ = sendDirect(cl, fmt.Sprintf("$iothub/twin/PATCH/properties/desired/?$version=%d", version), push)
	}
	return version, nil
}

// Twin returns the twin of a device as the service API shows it.
func (s *Server) Twin(deviceID string) (json.RawMessage, error) {
	rec, ok := s.reg.device(deviceID)
	if !ok {
		return nil, errDeviceNotFound(deviceID)
	}
	return s.twins.serviceView(rec, s.presence.device(deviceID) != nil), nil
}
