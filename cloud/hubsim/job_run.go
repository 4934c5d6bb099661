package hubsim

import (
	"context"
	"errors"
	"sync"
	"time"
)

// runJob waits for the job's start time, then works on every device its
// condition matches at that moment, jobWorkers at a time, within the
// job's time limit. A cancelled job keeps the state CancelJob gave it.
func (s *Server) runJob(ctx context.Context, j *jobRun) {
	if wait := j.start.Sub(s.cfg.Now()); wait > 0 {
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return
		}
	}
	ctx, cancel := context.WithTimeout(ctx, j.limit)
	defer cancel()
	targets := s.jobTargets(j)
	s.jobs.update(j, func(doc *Job) {
		if doc.Status == JobQueued {
			doc.Status = JobRunning
		}
		doc.Statistics = JobStatistics{DeviceCount: len(targets), PendingCount: len(targets)}
	})
	s.workOnDevices(ctx, j, targets)
	s.jobs.update(j, func(doc *Job) {
		if finished(doc.Status) {
			return
		}
		doc.Status = JobCompleted
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			doc.Status = JobFailed
			doc.FailureReason = "the job ran out of time (maxExecutionTimeInSeconds) before every device was done"
		}
		doc.EndTime = s.cfg.Now().UTC().Format(time.RFC3339Nano)
	})
}

// jobTargets lists the devices the job's condition matches, in id order.
func (s *Server) jobTargets(j *jobRun) []string {
	var ids []string
	for _, id := range s.reg.deviceIDs() {
		if doc, ok := s.queryTwin(id); ok && j.where.Match(doc) {
			ids = append(ids, id)
		}
	}
	return ids
}

// workOnDevices hands the targets to jobWorkers workers and counts each
// device from pending through running to succeeded or failed. Devices not
// reached before ctx ends stay pending.
func (s *Server) workOnDevices(ctx context.Context, j *jobRun, targets []string) {
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(jobWorkers, max(len(targets), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				s.jobs.update(j, func(doc *Job) { doc.Statistics.PendingCount--; doc.Statistics.RunningCount++ })
				err := s.jobOnDevice(ctx, j, id)
				s.jobs.update(j, func(doc *Job) {
					doc.Statistics.RunningCount--
					if err != nil {
						doc.Statistics.FailedCount++
					} else {
						doc.Statistics.SucceededCount++
					}
				})
			}
		}()
	}
	defer wg.Wait()
	defer close(next)
	for _, id := range targets {
		select {
		case next <- id:
		case <-ctx.Done():
			return
		}
	}
}

// jobOnDevice does the job's work on one device: the twin patch, or the
// method call through the hub's own method path. A device that answers a
// method with any status has succeeded, as IoT Hub counts it.
func (s *Server) jobOnDevice(ctx context.Context, j *jobRun, id string) error {
	switch {
	case j.doc.UpdateTwin != nil:
		p := j.doc.UpdateTwin
		_, err := s.updateTwin(id, p.Properties.Desired, p.Tags)
		return err
	case j.doc.CloudToDeviceMethod != nil:
		m := j.doc.CloudToDeviceMethod
		_, _, err := s.InvokeMethod(ctx, id, m.MethodName, m.Payload, time.Duration(m.ResponseTimeout)*time.Second)
		return err
	}
	return nil
}
