package ota

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"qpyhub/cloud/registry"
)

// StartStep is how far Start has got: hosting file Done of Total, then
// asking device Done of Total (or starting the job).
type StartStep struct {
	Stage       string // "host", "device", "job"
	Path        string // the file being hosted
	DeviceID    string // the device being asked
	Done, Total int
}

// StartResult is what Start asked for and of whom.
type StartResult struct {
	Desired Desired
	Host    string           // where the files are
	Devices []string         // devices whose twin now asks for the version
	Failed  map[string]error // devices that could not be asked, and why
	Job     *registry.Job    // the twin job, with a query
}

// Start hosts the bundle's files and sets desired.qpyhub.ota on every
// target: each named device's twin in turn, or one scheduleUpdateTwin job
// for a query. With retry, each target's desired retry count goes up by
// one (with a query, every target gets the highest plus one), which asks
// modules to try again a version that failed.
func Start(ctx context.Context, reg *registry.Client, b *Bundle, host Host, targets Targets, retry bool, progress func(StartStep)) (StartResult, error) {
	if progress == nil {
		progress = func(StartStep) {}
	}
	if err := targets.Check(); err != nil {
		return StartResult{}, err
	}
	if targets.All {
		return StartResult{}, errors.New("name the modules to update: give --device ID (one or more) or --query \"WHERE …\"")
	}
	d := Desired{Version: b.Manifest.Version}
	for i, f := range b.Manifest.Files {
		progress(StartStep{Stage: "host", Path: f.Path, Done: i, Total: len(b.Manifest.Files)})
		data, err := b.ReadFile(f.Path)
		if err != nil {
			return StartResult{}, err
		}
		u, err := host.URL(ctx, d.Version, f, data)
		if err != nil {
			return StartResult{}, fmt.Errorf("host %s on %s: %w", f.Path, host.Describe(), err)
		}
		d.Files = append(d.Files, DesiredFile{Path: f.Path, URL: u, Size: f.Size, SHA256: f.SHA256})
	}
	res := StartResult{Host: host.Describe(), Failed: map[string]error{}}
	if targets.Query != "" {
		return startJob(ctx, reg, d, targets, retry, res, progress)
	}
	for i, id := range targets.DeviceIDs {
		progress(StartStep{Stage: "device", DeviceID: id, Done: i, Total: len(targets.DeviceIDs)})
		dd := d
		if retry {
			tw, err := reg.GetTwin(ctx, id)
			if err != nil {
				res.Failed[id] = err
				continue
			}
			dd.Retry = desiredOf(tw).Retry + 1
		}
		if _, err := reg.UpdateTwin(ctx, id, twinPatch(dd), nil); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Failed[id] = err
			continue
		}
		res.Desired = dd
		res.Devices = append(res.Devices, id)
	}
	if res.Desired.Version == "" {
		res.Desired = d
	}
	return res, nil
}

func startJob(ctx context.Context, reg *registry.Client, d Desired, targets Targets, retry bool, res StartResult, progress func(StartStep)) (StartResult, error) {
	if retry {
		twins, _, err := targets.twins(ctx, reg)
		if err != nil {
			return res, err
		}
		for _, tw := range twins {
			d.Retry = max(d.Retry, desiredOf(tw).Retry+1)
		}
	}
	progress(StartStep{Stage: "job", Total: 1})
	job, err := reg.StartUpdateTwinJob(ctx, targets.Query, twinPatch(d), nil)
	if err != nil {
		return res, err
	}
	res.Desired, res.Job = d, &job
	return res, nil
}

// twinPatch is the desired properties that carry d: {"qpyhub":{"ota":d}}.
// Without Retry the field is left out, so the twin keeps its count.
func twinPatch(d Desired) map[string]any {
	var v map[string]any
	b, _ := json.Marshal(d) // plain strings and numbers: cannot fail
	_ = json.Unmarshal(b, &v)
	return map[string]any{TwinSection: map[string]any{TwinKey: v}}
}

// desiredOf reads desired.qpyhub.ota from a twin; zero when absent.
func desiredOf(tw registry.Twin) Desired {
	var d Desired
	section(tw.Properties.Desired, &d)
	return d
}

// reportedOf reads reported.qpyhub.ota from a twin; ok false when absent.
func reportedOf(tw registry.Twin) (Reported, bool) {
	var r Reported
	return r, section(tw.Properties.Reported, &r)
}

// section decodes props.qpyhub.ota into v.
func section(props map[string]any, v any) bool {
	q, _ := props[TwinSection].(map[string]any)
	o, ok := q[TwinKey].(map[string]any)
	if !ok {
		return false
	}
	b, err := json.Marshal(o)
	return err == nil && json.Unmarshal(b, v) == nil
}
