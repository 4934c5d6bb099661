package ota

import (
	"context"
	"sort"
	"time"

	"qpyhub/cloud/registry"
)

// DeviceStatus is one module's update as its twin tells it.
type DeviceStatus struct {
	DeviceID string `json:"deviceId"`
	// Desired is the version its twin asks for ("" when none).
	Desired string `json:"desired"`
	Reported
	// NoReport: the module has not reported on updates yet (State is idle).
	NoReport bool   `json:"noReport,omitempty"`
	Problem  string `json:"problem,omitempty"` // the twin could not be read
	ReadErr  error  `json:"-"`                 // why, as an error
}

// Final says whether nothing more will happen to this module's update:
// it reached done, failed or rolled-back for the version desired.
func (s DeviceStatus) Final() bool {
	if s.Problem != "" {
		return true
	}
	return s.State.Final() && (s.Desired == "" || s.Version == s.Desired)
}

// Done says whether the module runs the desired version.
func (s DeviceStatus) Done() bool {
	return s.Problem == "" && s.State == StateDone && (s.Desired == "" || s.Version == s.Desired)
}

// Status reads every target's reported.qpyhub.ota, sorted by device id.
// A module with no report shows as idle, with NoReport set.
func Status(ctx context.Context, reg *registry.Client, targets Targets) ([]DeviceStatus, error) {
	if err := targets.Check(); err != nil {
		return nil, err
	}
	twins, failed, err := targets.twins(ctx, reg)
	if err != nil {
		return nil, err
	}
	out := make([]DeviceStatus, 0, len(twins))
	for _, tw := range twins {
		s := DeviceStatus{DeviceID: tw.DeviceID, Desired: desiredOf(tw).Version}
		if err := failed[tw.DeviceID]; err != nil {
			s.Problem, s.ReadErr = err.Error(), err
		}
		r, ok := reportedOf(tw)
		if !ok {
			r, s.NoReport = Reported{State: StateIdle}, true
		}
		s.Reported = r
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DeviceID < out[j].DeviceID })
	return out, nil
}

// AllFinal says whether every module's update has ended.
func AllFinal(list []DeviceStatus) bool {
	for _, s := range list {
		if !s.Final() {
			return false
		}
	}
	return true
}

// AllDone says whether every module runs the desired version.
func AllDone(list []DeviceStatus) bool {
	for _, s := range list {
		if !s.Done() {
			return false
		}
	}
	return len(list) > 0
}

// Watch reads the targets' status every interval and hands it to fn, until
// every update has ended (nil) or ctx ends (its error). Each read is one
// or more registry calls, each bounded by the client's timeout, so a hub
// that stops answering ends the watch with that error, as any failed read
// does.
func Watch(ctx context.Context, reg *registry.Client, targets Targets, every time.Duration, fn func([]DeviceStatus)) error {
	if every <= 0 {
		every = 2 * time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		list, err := Status(ctx, reg, targets)
		if err != nil {
			return err
		}
		fn(list)
		if AllFinal(list) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
