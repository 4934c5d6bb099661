package devices

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"qpyhub/cloud/registry"
	"qpyhub/cloud/twinquery"
)

// fakeFleet is a hub in memory: twins by id, the query language through
// cloud/twinquery, continuation as an offset, and a log of every change.
type fakeFleet struct {
	mu      sync.Mutex
	twins   map[string]registry.Twin
	queries int      // pages asked for
	changes []string // "update d001", "delete d002", "job …"
	jobs    map[string]registry.Job
}

func newFakeFleet(n int) *fakeFleet {
	f := &fakeFleet{twins: map[string]registry.Twin{}, jobs: map[string]registry.Job{}}
	for i := range n {
		var tw registry.Twin
		tw.DeviceID, tw.Status, tw.ConnectionState = fmt.Sprintf("d%03d", i), "enabled", "Disconnected"
		tw.Tags = map[string]any{"even": i%2 == 0}
		tw.Properties.Desired = map[string]any{}
		tw.Properties.Reported = map[string]any{"qpyhub": map[string]any{"model": "EC600N", "firmware": "V" + strconv.Itoa(i)}}
		f.twins[tw.DeviceID] = tw
	}
	return f
}

func (f *fakeFleet) log(change string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, change)
}

func (f *fakeFleet) matching(where string) ([]string, error) {
	q, err := twinquery.Parse(registry.QueryText(where))
	if err != nil {
		return nil, err
	}
	var ids []string
	for id, tw := range f.twins {
		b, _ := json.Marshal(tw)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		if q.Match(doc) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func (f *fakeFleet) Query(_ context.Context, where string, pageSize int, cont string) ([]registry.Twin, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries++
	ids, err := f.matching(where)
	if err != nil {
		return nil, "", err
	}
	start, _ := strconv.Atoi(cont)
	end := min(start+pageSize, len(ids))
	var out []registry.Twin
	for _, id := range ids[start:end] {
		out = append(out, copyTwin(f.twins[id]))
	}
	next := ""
	if end < len(ids) {
		next = strconv.Itoa(end)
	}
	return out, next, nil
}

func (f *fakeFleet) GetTwin(_ context.Context, id string) (registry.Twin, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tw, ok := f.twins[id]
	if !ok {
		return tw, registry.ErrDeviceNotFound
	}
	return copyTwin(tw), nil
}

// copyTwin is a twin that shares no map with the fake's own.
func copyTwin(tw registry.Twin) registry.Twin {
	var out registry.Twin
	b, _ := json.Marshal(tw)
	_ = json.Unmarshal(b, &out)
	return out
}

func (f *fakeFleet) UpdateTwin(_ context.Context, id string, desired, tags map[string]any) (registry.Twin, error) {
	f.log("update " + id)
	f.mu.Lock()
	defer f.mu.Unlock()
	tw := f.twins[id]
	merge(tw.Properties.Desired, desired)
	merge(tw.Tags, tags)
	f.twins[id] = tw
	return copyTwin(tw), nil
}

func (f *fakeFleet) InvokeMethod(_ context.Context, id, method string, payload json.RawMessage, _ time.Duration) (registry.MethodResult, error) {
	f.log("invoke " + method + " " + id)
	if id == "d001" {
		return registry.MethodResult{}, registry.ErrDeviceOffline
	}
	return registry.MethodResult{Status: 200, Payload: json.RawMessage(`{"pong":true}`)}, nil
}

func (f *fakeFleet) SetStatus(_ context.Context, id, status string) (registry.Device, error) {
	f.log(status + " " + id)
	return registry.Device{DeviceID: id, Status: status}, nil
}

func (f *fakeFleet) DeleteDevice(_ context.Context, id string) error {
	f.log("delete " + id)
	return nil
}

func (f *fakeFleet) startJob(kind, where string) (registry.Job, error) {
	ids, err := f.matching(where)
	if err != nil {
		return registry.Job{}, err
	}
	j := registry.Job{JobID: fmt.Sprintf("job%d", len(f.jobs)), Type: kind, QueryCondition: where, Status: registry.JobCompleted,
		Statistics: registry.JobStatistics{DeviceCount: len(ids), SucceededCount: len(ids)}}
	f.jobs[j.JobID] = j
	f.changes = append(f.changes, fmt.Sprintf("job %s %d devices", kind, len(ids)))
	return registry.Job{JobID: j.JobID, Type: kind, Status: registry.JobQueued}, nil
}

func (f *fakeFleet) StartUpdateTwinJob(_ context.Context, where string, _, _ map[string]any) (registry.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.startJob("scheduleUpdateTwin", where)
}

func (f *fakeFleet) StartMethodJob(_ context.Context, where, _ string, _ json.RawMessage, _ time.Duration) (registry.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.startJob("scheduleDeviceMethod", where)
}

func (f *fakeFleet) GetJob(_ context.Context, id string) (registry.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	j, ok := f.jobs[id]
	if !ok {
		return j, registry.ErrJobNotFound
	}
	return j, nil
}

func (f *fakeFleet) changeLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.changes...)
}

// fakeSource hands out the fake as the local hub and refuses any string.
type fakeSource struct{ fleet *fakeFleet }

func (s fakeSource) Local() (Fleet, error) { return s.fleet, nil }

func (s fakeSource) Open(string) (Fleet, error) {
	return nil, errors.New("not a policy connection string")
}

// LastTelemetry: d002 sent one message, the others none.
func (f *fakeFleet) LastTelemetry(id string) (time.Time, []byte, bool) {
	if id != "d002" {
		return time.Time{}, nil, false
	}
	return time.Date(2030, 1, 2, 3, 4, 5, 0, time.Local), []byte(`{"t":21}`), true
}

// merge is a twin patch's merge: null removes a key.
func merge(dst, patch map[string]any) {
	for k, v := range patch {
		if v == nil {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
}
