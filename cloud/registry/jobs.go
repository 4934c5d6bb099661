package registry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Job states as the hub reports them.
const (
	JobQueued    = "queued"
	JobScheduled = "scheduled"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// JobStatistics counts a job's devices by where they are.
type JobStatistics struct {
	DeviceCount    int `json:"deviceCount"`
	FailedCount    int `json:"failedCount"`
	SucceededCount int `json:"succeededCount"`
	RunningCount   int `json:"runningCount"`
	PendingCount   int `json:"pendingCount"`
}

// Job is a jobs v2 job as the hub reports it.
type Job struct {
	JobID          string        `json:"jobId"`
	Type           string        `json:"type"`
	QueryCondition string        `json:"queryCondition"`
	Status         string        `json:"status"`
	FailureReason  string        `json:"failureReason,omitempty"`
	StartTime      string        `json:"startTime,omitempty"`
	EndTime        string        `json:"endTime,omitempty"`
	Statistics     JobStatistics `json:"deviceJobStatistics"`
}

// Done reports whether the job has ended, whichever way.
func (j Job) Done() bool {
	return j.Status == JobCompleted || j.Status == JobFailed || j.Status == JobCancelled
}

// jobTime is how long a job may run before the hub stops it.
const jobTime = time.Hour

// StartUpdateTwinJob starts a job that merges desired properties and tags
// into the twin of every device the condition matches.
func (c *Client) StartUpdateTwinJob(ctx context.Context, where string, desired, tags map[string]any) (Job, error) {
	patch := map[string]any{"etag": "*"}
	if tags != nil {
		patch["tags"] = tags
	}
	if desired != nil {
		patch["properties"] = map[string]any{"desired": desired}
	}
	return c.startJob(ctx, map[string]any{"type": "scheduleUpdateTwin", "queryCondition": condition(where), "updateTwin": patch})
}

// StartMethodJob starts a job that calls a direct method on every device
// the condition matches, each allowed timeout to answer.
func (c *Client) StartMethodJob(ctx context.Context, where, method string, payload json.RawMessage, timeout time.Duration) (Job, error) {
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	return c.startJob(ctx, map[string]any{"type": "scheduleDeviceMethod", "queryCondition": condition(where),
		"cloudToDeviceMethod": map[string]any{"methodName": method, "payload": payload, "responseTimeoutInSeconds": methodSeconds(timeout)}})
}

func (c *Client) startJob(ctx context.Context, job map[string]any) (Job, error) {
	id := newJobID()
	job["jobId"] = id
	job["startTime"] = c.now().UTC().Format(time.RFC3339)
	job["maxExecutionTimeInSeconds"] = int(jobTime / time.Second)
	var got Job
	err := c.do(ctx, call{op: "start job", method: http.MethodPut, deviceID: id, path: "/jobs/v2/" + url.PathEscape(id), body: job, out: &got})
	return got, refine(err, "job")
}

// GetJob reads a job's state and statistics.
func (c *Client) GetJob(ctx context.Context, id string) (Job, error) {
	var got Job
	err := c.do(ctx, call{op: "get job", method: http.MethodGet, deviceID: id, path: "/jobs/v2/" + url.PathEscape(id), out: &got})
	return got, refine(err, "job")
}

// CancelJob stops a job; devices it already reached keep the change.
func (c *Client) CancelJob(ctx context.Context, id string) (Job, error) {
	var got Job
	err := c.do(ctx, call{op: "cancel job", method: http.MethodPost, deviceID: id, path: "/jobs/v2/" + url.PathEscape(id) + "/cancel", out: &got})
	return got, refine(err, "job")
}

// condition is a job's queryCondition: the WHERE clause without WHERE.
func condition(where string) string {
	return strings.TrimPrefix(QueryText(where), "SELECT * FROM devices WHERE ")
}

// newJobID is a fresh job id; IoT Hub keeps job ids for 30 days, so they
// must not repeat.
func newJobID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails on supported platforms
	return "qpyhub-" + hex.EncodeToString(b)
}
