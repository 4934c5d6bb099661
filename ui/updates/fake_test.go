package updates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
	"qpyhub/cloud/twinquery"
)

// fakeServices opens the bundles it knows by path and hands out one
// fake hub as the local hub; it refuses every connection string.
type fakeServices struct {
	bundles map[string]ota.Manifest
	hub     *fakeHub
}

func (f *fakeServices) OpenBundle(path string) (ota.Manifest, error) {
	m, ok := f.bundles[path]
	if !ok {
		return ota.Manifest{}, &ota.ManifestError{Field: "files[0].sha256", Reason: "does not match the file's bytes"}
	}
	return m, nil
}

func (f *fakeServices) LocalHub() (Hub, error) { return f.hub, nil }

// OpenHub takes only a string for the hub acme; it is the same fake hub.
func (f *fakeServices) OpenHub(cs string) (Hub, error) {
	if !strings.Contains(cs, "HostName=acme.azure-devices.net;") {
		return nil, errors.New("not a policy connection string")
	}
	return f.hub, nil
}

// fakeHub is a hub in memory: devices with tags, the query language
// through cloud/twinquery, starts recorded, and the readings of a watch
// sent by the test.
type fakeHub struct {
	mu      sync.Mutex
	twins   []registry.Twin
	starts  []StartRequest
	watched []ota.Targets
	// startErr ends every start with this error; holdStart makes a
	// start wait, after its first upload, until it is cancelled.
	startErr  error
	holdStart bool
	// readings are what a watch hands on, one by one, until one is all
	// final; a watch also ends when its context does.
	readings chan []ota.DeviceStatus
}

func newFakeHub(n int) *fakeHub {
	h := &fakeHub{readings: make(chan []ota.DeviceStatus, 16)}
	for i := range n {
		var tw registry.Twin
		tw.DeviceID = fmt.Sprintf("m%02d", i)
		tw.Tags = map[string]any{"site": []string{"lab", "field"}[i%2]}
		h.twins = append(h.twins, tw)
	}
	return h
}

func (h *fakeHub) Devices(_ context.Context, where string) ([]registry.DeviceSummary, error) {
	q, err := twinquery.Parse(registry.QueryText(where))
	if err != nil {
		return nil, err
	}
	var out []registry.DeviceSummary
	for _, tw := range h.twins {
		b, _ := json.Marshal(tw)
		var doc map[string]any
		_ = json.Unmarshal(b, &doc)
		if q.Match(doc) {
			out = append(out, registry.Summary(tw))
		}
	}
	return out, nil
}

func (h *fakeHub) Start(ctx context.Context, req StartRequest, progress func(ota.StartStep)) (ota.StartResult, error) {
	h.mu.Lock()
	h.starts = append(h.starts, req)
	startErr, hold := h.startErr, h.holdStart
	h.mu.Unlock()
	progress(ota.StartStep{Stage: "host", Path: "/usr/main.py", Done: 0, Total: 2})
	progress(ota.StartStep{Stage: "host", Path: "/usr/lib/util.py", Done: 1, Total: 2})
	if hold {
		<-ctx.Done()
		return ota.StartResult{}, ctx.Err()
	}
	if startErr != nil {
		return ota.StartResult{}, startErr
	}
	if req.Targets.Query != "" {
		progress(ota.StartStep{Stage: "job", Total: 1})
		return ota.StartResult{Job: &registry.Job{JobID: "ota-job-1"}}, nil
	}
	res := ota.StartResult{Failed: map[string]error{}}
	for i, id := range req.Targets.DeviceIDs {
		progress(ota.StartStep{Stage: "device", DeviceID: id, Done: i, Total: len(req.Targets.DeviceIDs)})
		if strings.HasPrefix(id, "ghost") {
			res.Failed[id] = registry.ErrDeviceNotFound
			continue
		}
		res.Devices = append(res.Devices, id)
	}
	return res, nil
}

func (h *fakeHub) Watch(ctx context.Context, targets ota.Targets, fn func([]ota.DeviceStatus)) error {
	h.mu.Lock()
	h.watched = append(h.watched, targets)
	h.mu.Unlock()
	for {
		select {
		case r := <-h.readings:
			fn(r)
			if ota.AllFinal(r) {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// recorded copies what the hub was asked.
func (h *fakeHub) recorded() ([]StartRequest, []ota.Targets) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]StartRequest(nil), h.starts...), append([]ota.Targets(nil), h.watched...)
}

// status is a reading of one module.
func status(id, version string, state ota.State, progress int, errText string) ota.DeviceStatus {
	return ota.DeviceStatus{DeviceID: id, Desired: "1.3", Reported: ota.Reported{Version: version, State: state, Progress: progress, Error: errText}}
}
