package hubsim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"qpyhub/cloud/twinquery"
)

// Job types and states, as IoT Hub's jobs v2 API spells them.
const (
	JobUpdateTwin   = "scheduleUpdateTwin"
	JobDeviceMethod = "scheduleDeviceMethod"

	JobQueued    = "queued"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// defaultJobTime is the maxExecutionTimeInSeconds the service SDKs send
// when the caller names none.
const defaultJobTime = time.Hour

// jobWorkers is how many devices one job works on at once.
const jobWorkers = 8

// JobStatistics counts a job's devices by where they are.
type JobStatistics struct {
	DeviceCount    int `json:"deviceCount"`
	FailedCount    int `json:"failedCount"`
	SucceededCount int `json:"succeededCount"`
	RunningCount   int `json:"runningCount"`
	PendingCount   int `json:"pendingCount"`
}

// MethodRequest is the direct method a scheduleDeviceMethod job calls.
type MethodRequest struct {
	MethodName      string          `json:"methodName"`
	Payload         json.RawMessage `json:"payload,omitempty"`
	ResponseTimeout int             `json:"responseTimeoutInSeconds"`
}

// TwinPatch is the change a scheduleUpdateTwin job makes to every twin.
type TwinPatch struct {
	ETag       string         `json:"etag,omitempty"`
	Tags       map[string]any `json:"tags,omitempty"`
	Properties struct {
		Desired map[string]any `json:"desired,omitempty"`
	} `json:"properties"`
}

// Job is a jobs v2 job as the REST API shows it.
type Job struct {
	JobID               string         `json:"jobId"`
	Type                string         `json:"type"`
	QueryCondition      string         `json:"queryCondition"`
	CreatedTime         string         `json:"createdTime"`
	StartTime           string         `json:"startTime"`
	EndTime             string         `json:"endTime,omitempty"`
	MaxExecutionTime    int64          `json:"maxExecutionTimeInSeconds"`
	Status              string         `json:"status"`
	FailureReason       string         `json:"failureReason,omitempty"`
	UpdateTwin          *TwinPatch     `json:"updateTwin,omitempty"`
	CloudToDeviceMethod *MethodRequest `json:"cloudToDeviceMethod,omitempty"`
	Statistics          JobStatistics  `json:"deviceJobStatistics"`
}

// jobStore keeps every job of the hub and the goroutines running them;
// close ends them all.
type jobStore struct {
	mu   sync.Mutex
	jobs map[string]*jobRun
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup
}

// jobRun is one job: its public document (guarded by jobStore.mu) and the
// cancel of its run.
type jobRun struct {
	doc    Job
	where  twinquery.Query
	start  time.Time
	limit  time.Duration
	cancel context.CancelFunc
}

func newJobStore() *jobStore {
	ctx, stop := context.WithCancel(context.Background())
	return &jobStore{jobs: map[string]*jobRun{}, ctx: ctx, stop: stop}
}

func (js *jobStore) close() {
	js.stop()
	js.wg.Wait()
}

// view returns a copy of a job's document.
func (js *jobStore) view(id string) (Job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok {
		return Job{}, false
	}
	return j.doc, true
}

// all returns every job, newest first.
func (js *jobStore) all() []Job {
	js.mu.Lock()
	defer js.mu.Unlock()
	out := make([]Job, 0, len(js.jobs))
	for _, j := range js.jobs {
		out = append(out, j.doc)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].CreatedTime != out[b].CreatedTime {
			return out[a].CreatedTime > out[b].CreatedTime
		}
		return out[a].JobID < out[b].JobID
	})
	return out
}

// update changes a job's document under the lock.
func (js *jobStore) update(j *jobRun, change func(*Job)) {
	js.mu.Lock()
	defer js.mu.Unlock()
	change(&j.doc)
}

// ScheduleJob checks a job and starts it in the background: it waits for
// its start time, selects the devices its query condition matches, and
// works on them until done, cancelled, or out of time.
func (s *Server) ScheduleJob(job Job) (Job, error) {
	run, err := newJobRun(job, s.cfg.Now())
	if err != nil {
		return Job{}, err
	}
	js := s.jobs
	js.mu.Lock()
	if _, exists := js.jobs[job.JobID]; exists {
		js.mu.Unlock()
		return Job{}, errJobExists(job.JobID)
	}
	ctx, cancel := context.WithCancel(js.ctx)
	run.cancel = cancel
	js.jobs[job.JobID] = run
	doc := run.doc
	js.wg.Add(1)
	js.mu.Unlock()
	go func() {
		defer js.wg.Done()
		defer cancel()
		s.runJob(ctx, run)
	}()
	return doc, nil
}

// Job returns a job's current state.
func (s *Server) Job(id string) (Job, error) {
	j, ok := s.jobs.view(id)
	if !ok {
		return Job{}, errJobNotFound(id)
	}
	return j, nil
}

// CancelJob stops a job that has not finished; devices already done stay
// done. Cancelling a finished job changes nothing.
func (s *Server) CancelJob(id string) (Job, error) {
	js := s.jobs
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok {
		return Job{}, errJobNotFound(id)
	}
	if !finished(j.doc.Status) {
		j.doc.Status = JobCancelled
		j.doc.EndTime = s.cfg.Now().UTC().Format(time.RFC3339Nano)
		j.cancel()
	}
	return j.doc, nil
}

func finished(status string) bool {
	return status == JobCompleted || status == JobFailed || status == JobCancelled
}

// newJobRun checks a job request the way IoT Hub does and fills in its
// defaults.
func newJobRun(job Job, now time.Time) (*jobRun, error) {
	if job.JobID == "" {
		return nil, errBadRequest("a job needs a jobId")
	}
	where, err := twinquery.ParseCondition(job.QueryCondition)
	if err != nil || job.QueryCondition == "" {
		msg := "a job needs a queryCondition, the WHERE clause that picks its devices"
		if err != nil {
			msg = "queryCondition is not a condition this hub runs: " + err.Error()
		}
		return nil, errBadRequest(msg)
	}
	if err := checkJobWork(&job); err != nil {
		return nil, err
	}
	run := &jobRun{where: where, start: now, limit: defaultJobTime}
	if job.StartTime != "" {
		t, err := time.Parse(time.RFC3339Nano, job.StartTime)
		if err != nil {
			return nil, errBadRequest("startTime must be an ISO 8601 time such as 2030-01-02T15:04:05Z")
		}
		run.start = t
	}
	switch {
	case job.MaxExecutionTime < 0:
		return nil, errBadRequest("maxExecutionTimeInSeconds must not be negative")
	case job.MaxExecutionTime > 0:
		run.limit = time.Duration(job.MaxExecutionTime) * time.Second
	}
	job.MaxExecutionTime = int64(run.limit / time.Second)
	job.CreatedTime = now.UTC().Format(time.RFC3339Nano)
	job.StartTime = run.start.UTC().Format(time.RFC3339Nano)
	job.Status, job.EndTime, job.FailureReason = JobQueued, "", ""
	job.Statistics = JobStatistics{}
	run.doc = job
	return run, nil
}

// checkJobWork checks that the job carries the one piece of work its type
// names.
func checkJobWork(job *Job) error {
	switch job.Type {
	case JobUpdateTwin:
		p := job.UpdateTwin
		if p == nil || (p.Tags == nil && p.Properties.Desired == nil) {
			return errBadRequest("a scheduleUpdateTwin job needs updateTwin with tags or properties.desired")
		}
		delete(p.Properties.Desired, "$version")
		delete(p.Properties.Desired, "$metadata")
		job.CloudToDeviceMethod = nil
	case JobDeviceMethod:
		m := job.CloudToDeviceMethod
		if m == nil || m.MethodName == "" {
			return errBadRequest("a scheduleDeviceMethod job needs cloudToDeviceMethod with a methodName")
		}
		if m.ResponseTimeout < 0 || m.ResponseTimeout > 300 {
			return errBadRequest("responseTimeoutInSeconds must be between 5 and 300")
		}
		if m.ResponseTimeout == 0 {
			m.ResponseTimeout = int(defaultMethodTimeout / time.Second)
		}
		job.UpdateTwin = nil
	default:
		return errBadRequest(fmt.Sprintf("job type %q is not one this hub runs; use %q or %q", job.Type, JobUpdateTwin, JobDeviceMethod))
	}
	return nil
}

func errJobExists(id string) *ServiceError {
	return &ServiceError{http.StatusConflict, CodeJobExists, "JobAlreadyExists",
		fmt.Sprintf("job %q already exists; pick a new jobId", id)}
}

func errJobNotFound(id string) *ServiceError {
	return &ServiceError{http.StatusNotFound, CodeJobNotFound, "JobNotFound",
		fmt.Sprintf("job %q does not exist on this hub", id)}
}

// IoT Hub error codes of the jobs API.
const (
	CodeJobNotFound = 404002
	CodeJobExists   = 409002
)
