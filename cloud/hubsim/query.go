package hubsim

import (
	"encoding/base64"
	"sort"
	"strconv"
	"strings"
	"time"

	"qpyhub/cloud/twinquery"
)

// Page sizes of the registry query: IoT Hub answers 100 twins a page
// unless x-ms-max-item-count asks for another size.
const (
	defaultQueryPage = 100
	maxQueryPage     = 1000
)

// neverActive is the lastActivityTime IoT Hub shows for a device that has
// not been heard from.
const neverActive = "0001-01-01T00:00:00Z"

// continuationPrefix marks the hub's own continuation tokens, so a token
// from elsewhere is refused instead of silently restarting the listing.
const continuationPrefix = "qpyhub1:"

// QueryTwins runs a registry query ("SELECT * FROM devices [WHERE …]")
// and returns up to pageSize twins in device id order, starting after the
// device the continuation token names, and the token for the next page
// ("" when no twin follows).
func (s *Server) QueryTwins(query string, pageSize int, continuation string) ([]map[string]any, string, error) {
	q, err := twinquery.Parse(query)
	if err != nil {
		return nil, "", errBadRequest("the query is not one this hub runs: " + err.Error())
	}
	after, err := decodeContinuation(continuation)
	if err != nil {
		return nil, "", err
	}
	if pageSize <= 0 {
		pageSize = defaultQueryPage
	}
	pageSize = min(pageSize, maxQueryPage)
	return s.matchingTwins(q, after, pageSize)
}

// matchingTwins walks the registry in id order after the given id and
// collects pageSize matches; it looks one match further to know whether
// a next page exists.
func (s *Server) matchingTwins(q twinquery.Query, after string, pageSize int) ([]map[string]any, string, error) {
	ids := s.reg.deviceIDs()
	start := sort.SearchStrings(ids, after)
	if start < len(ids) && ids[start] == after && after != "" {
		start++
	}
	page := make([]map[string]any, 0, min(pageSize, len(ids)-start))
	for _, id := range ids[start:] {
		doc, ok := s.queryTwin(id)
		if !ok || !q.Match(doc) {
			continue
		}
		if len(page) == pageSize {
			return page, encodeContinuation(page[len(page)-1]["deviceId"].(string)), nil
		}
		page = append(page, doc)
	}
	return page, "", nil
}

// queryTwin is one device's twin as the query API shows it; the same map
// is what WHERE clauses are evaluated against.
func (s *Server) queryTwin(id string) (map[string]any, bool) {
	rec, ok := s.reg.device(id)
	if !ok {
		return nil, false // deleted while the query ran
	}
	doc := s.twins.queryView(rec, s.Connected(id))
	doc["lastActivityTime"] = s.lastActivity(id)
	return doc, true
}

// lastActivity is when the device last sent telemetry, in IoT Hub's form.
func (s *Server) lastActivity(id string) string {
	msgs := s.Telemetry(id, time.Time{})
	if len(msgs) == 0 {
		return neverActive
	}
	return msgs[len(msgs)-1].Received.UTC().Format(time.RFC3339Nano)
}

// queryView is the twin with "$metadata" on both property sections and
// the device's status and connection state. The stored sections are never
// changed in place (patches replace them), so sharing them is safe.
func (ts *twinStore) queryView(rec DeviceRecord, connected bool) map[string]any {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := ts.getLocked(rec.DeviceID)
	state := "Disconnected"
	if connected {
		state = "Connected"
	}
	return map[string]any{
		"deviceId":                  rec.DeviceID,
		"etag":                      strconv.Quote(strconv.Itoa(t.version)),
		"version":                   float64(t.version),
		"status":                    rec.Status,
		"connectionState":           state,
		"authenticationType":        "sas",
		"cloudToDeviceMessageCount": float64(0),
		"tags":                      t.tags,
		"properties": map[string]any{
			"desired":  withMetadata(t.desired, t.desiredVersion, t.desiredUpdated),
			"reported": withMetadata(t.reported, t.reportedVersion, t.reportedUpdated),
		},
	}
}

// withMetadata copies props and adds "$version" and a "$metadata" with the
// section's last update time.
func withMetadata(props map[string]any, version int, updated time.Time) map[string]any {
	out := withVersion(props, version)
	out["$version"] = float64(version)
	out["$metadata"] = map[string]any{"$lastUpdated": updated.Format(time.RFC3339Nano)}
	return out
}

func encodeContinuation(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(continuationPrefix + lastID))
}

func decodeContinuation(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	// Only the hub's own spelling: the decoder would also take line breaks.
	if err != nil || !strings.HasPrefix(string(b), continuationPrefix) || base64.RawURLEncoding.EncodeToString(b) != token {
		return "", errBadRequest("x-ms-continuation is not a continuation token this hub gave; send back the one the last page came with")
	}
	return strings.TrimPrefix(string(b), continuationPrefix), nil
}
