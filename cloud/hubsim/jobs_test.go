package hubsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// putJob schedules a job over REST and fails the test unless it is taken.
func putJob(t *testing.T, s *Server, id, body string) Job {
	t.Helper()
	auth := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	status, b := call(t, s, "PUT", "/jobs/v2/"+id+"?api-version=2021-04-12", auth, []byte(body), nil)
	if status != http.StatusOK {
		t.Fatalf("PUT job %s: %d %s", id, status, b)
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	return j
}

// getJob reads a job over REST.
func getJob(t *testing.T, s *Server, id string) Job {
	t.Helper()
	auth := policyToken(t, s, "registryRead", time.Now().Add(time.Hour))
	status, b := call(t, s, "GET", "/jobs/v2/"+id+"?api-version=2021-04-12", auth, nil, nil)
	if status != http.StatusOK {
		t.Fatalf("GET job %s: %d %s", id, status, b)
	}
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	return j
}

// watchJob polls a job until done says so, checking on every look that
// the statistics add up, and returns every state it saw.
func watchJob(t *testing.T, s *Server, id string, done func(Job) bool) []Job {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	var seen []Job
	for {
		j := getJob(t, s, id)
		st := j.Statistics
		if j.Status == JobRunning || finished(j.Status) {
			if sum := st.PendingCount + st.RunningCount + st.SucceededCount + st.FailedCount; sum != st.DeviceCount {
				t.Fatalf("statistics do not add up to deviceCount: %+v", st)
			}
		}
		if n := len(seen); n > 0 && (st.SucceededCount < seen[n-1].Statistics.SucceededCount || st.FailedCount < seen[n-1].Statistics.FailedCount) {
			t.Fatalf("progress went backwards: %+v after %+v", st, seen[n-1].Statistics)
		}
		seen = append(seen, j)
		if done(j) {
			return seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s never reached the awaited state; last %+v", id, j)
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, as a client polls
	}
}

func TestUpdateTwinJobByQuery(t *testing.T) {
	s, fleet := startFleet(t)
	// 200 of the 300: every device whose id is below dev-200.
	created := putJob(t, s, "eco-mode", `{"jobId":"eco-mode","type":"scheduleUpdateTwin",
		"queryCondition":"deviceId < 'dev-200'","maxExecutionTimeInSeconds":120,
		"updateTwin":{"etag":"*","tags":{"batch":"b7"},"properties":{"desired":{"mode":"eco"}}}}`)
	if created.Status != JobQueued || created.Type != JobUpdateTwin || created.CreatedTime == "" {
		t.Errorf("created job %+v, want queued scheduleUpdateTwin with createdTime", created)
	}
	seen := watchJob(t, s, "eco-mode", func(j Job) bool { return finished(j.Status) })
	last := seen[len(seen)-1]
	want := JobStatistics{DeviceCount: 200, SucceededCount: 200}
	if last.Status != JobCompleted || last.Statistics != want || last.EndTime == "" {
		t.Fatalf("final job %+v, want completed with %+v", last, want)
	}
	twins, _, err := s.QueryTwins("SELECT * FROM devices WHERE properties.desired.mode = 'eco' AND tags.batch = 'b7'", 1000, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(twins) != 200 || twins[0]["deviceId"] != fleet[0].id || twins[199]["deviceId"] != fleet[199].id {
		t.Fatalf("%d twins carry the change, want the first 200", len(twins))
	}
}

func TestMethodJobReachesConnectedDevices(t *testing.T) {
	var recs []DeviceRecord
	for i := range 6 {
		recs = append(recs, DeviceRecord{DeviceID: fmt.Sprintf("m%d", i)})
	}
	s := startHub(t, Config{Devices: recs})
	for i := range 4 { // m4 and m5 stay offline
		answerMethods(t, connect(t, s, deviceLogin(t, s, fmt.Sprintf("m%d", i))), "200")
	}
	putJob(t, s, "reboot-all", `{"jobId":"reboot-all","type":"scheduleDeviceMethod","queryCondition":"deviceId IN ['m0','m1','m2','m4']",
		"cloudToDeviceMethod":{"methodName":"reboot","payload":{"delay":1},"responseTimeoutInSeconds":10}}`)
	seen := watchJob(t, s, "reboot-all", func(j Job) bool { return finished(j.Status) })
	last := seen[len(seen)-1]
	want := JobStatistics{DeviceCount: 4, SucceededCount: 3, FailedCount: 1}
	if last.Status != JobCompleted || last.Statistics != want {
		t.Fatalf("final job %+v, want completed with %+v", last, want)
	}
	if last.CloudToDeviceMethod == nil || last.CloudToDeviceMethod.MethodName != "reboot" {
		t.Errorf("job lost its method: %+v", last.CloudToDeviceMethod)
	}
}

func TestCancelStopsARunningJob(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "silent"}}})
	connect(t, s, deviceLogin(t, s, "silent")).subscribe(t, filterMethods)
	putJob(t, s, "stuck", `{"jobId":"stuck","type":"scheduleDeviceMethod","queryCondition":"deviceId = 'silent'",
		"cloudToDeviceMethod":{"methodName":"wait","responseTimeoutInSeconds":300}}`)
	watchJob(t, s, "stuck", func(j Job) bool { return j.Statistics.RunningCount == 1 })
	auth := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	status, b := call(t, s, "POST", "/jobs/v2/stuck/cancel?api-version=2021-04-12", auth, nil, nil)
	if status != http.StatusOK {
		t.Fatalf("cancel: %d %s", status, b)
	}
	seen := watchJob(t, s, "stuck", func(j Job) bool { return j.Statistics.RunningCount == 0 })
	if last := seen[len(seen)-1]; last.Status != JobCancelled || last.Statistics.SucceededCount != 0 {
		t.Fatalf("after cancel: %+v, want cancelled with nothing succeeded", last)
	}
}

func TestScheduledJobWaitsForItsStartTime(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "d1"}}})
	start := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	putJob(t, s, "later", `{"type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","startTime":"`+start+`",
		"updateTwin":{"properties":{"desired":{"x":1}}}}`)
	if j := getJob(t, s, "later"); j.Status != JobQueued || j.Statistics.DeviceCount != 0 {
		t.Fatalf("job %+v ran before its start time", j)
	}
	if j, _ := s.CancelJob("later"); j.Status != JobCancelled {
		t.Fatalf("cancel a queued job: %+v", j)
	}
}

func TestJobRequestsRefused(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "d1"}}})
	putJob(t, s, "taken", `{"type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","updateTwin":{"tags":{"a":1}}}`)
	auth := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"unknown type", "PUT", "/jobs/v2/j1", `{"type":"export","queryCondition":"deviceId = 'd1'"}`, 400},
		{"no condition", "PUT", "/jobs/v2/j1", `{"type":"scheduleUpdateTwin","updateTwin":{"tags":{"a":1}}}`, 400},
		{"bad condition", "PUT", "/jobs/v2/j1", `{"type":"scheduleUpdateTwin","queryCondition":"tags.a = ","updateTwin":{"tags":{"a":1}}}`, 400},
		{"empty patch", "PUT", "/jobs/v2/j1", `{"type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","updateTwin":{}}`, 400},
		{"no method name", "PUT", "/jobs/v2/j1", `{"type":"scheduleDeviceMethod","queryCondition":"deviceId = 'd1'","cloudToDeviceMethod":{}}`, 400},
		{"id differs", "PUT", "/jobs/v2/j1", `{"jobId":"j2","type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","updateTwin":{"tags":{"a":1}}}`, 400},
		{"id taken", "PUT", "/jobs/v2/taken", `{"type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","updateTwin":{"tags":{"a":1}}}`, 409},
		{"unknown job", "GET", "/jobs/v2/nope", "", 404},
		{"cancel unknown job", "POST", "/jobs/v2/nope/cancel", "", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, s, tc.method, tc.path+"?api-version=2021-04-12", auth, []byte(tc.body), nil)
			if status != tc.want {
				t.Fatalf("status %d (%s), want %d", status, body, tc.want)
			}
		})
	}
}

func TestJobQueryListsJobsByTypeAndStatus(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "d1"}}})
	for i := range 3 {
		putJob(t, s, fmt.Sprintf("twin%d", i), `{"type":"scheduleUpdateTwin","queryCondition":"deviceId = 'd1'","updateTwin":{"tags":{"n":1}}}`)
		watchJob(t, s, fmt.Sprintf("twin%d", i), func(j Job) bool { return finished(j.Status) })
	}
	later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	putJob(t, s, "method", `{"type":"scheduleDeviceMethod","queryCondition":"deviceId = 'd1'","startTime":"`+later+`","cloudToDeviceMethod":{"methodName":"m"}}`)
	auth := policyToken(t, s, "registryRead", time.Now().Add(time.Hour))
	list := func(query string, header map[string]string) ([]Job, string) {
		resp := callFull(t, s, "GET", "/jobs/v2/query?api-version=2021-04-12"+query, auth, nil, header)
		if resp.status != http.StatusOK {
			t.Fatalf("jobs query %s: %d %s", query, resp.status, resp.body)
		}
		var jobs []Job
		if err := json.Unmarshal(resp.body, &jobs); err != nil {
			t.Fatal(err)
		}
		return jobs, resp.header.Get("x-ms-continuation")
	}
	if jobs, _ := list("&jobType=scheduleDeviceMethod", nil); len(jobs) != 1 || jobs[0].JobID != "method" {
		t.Errorf("method jobs: %+v", jobs)
	}
	if jobs, _ := list("&jobStatus=completed", nil); len(jobs) != 3 {
		t.Errorf("%d completed jobs, want 3", len(jobs))
	}
	first, next := list("", map[string]string{"x-ms-max-item-count": "3"})
	rest, end := list("", map[string]string{"x-ms-max-item-count": "3", "x-ms-continuation": next})
	if len(first) != 3 || next == "" || len(rest) != 1 || end != "" {
		t.Errorf("pages of 3: %d then %d (continuation %q, then %q)", len(first), len(rest), next, end)
	}
}

func TestJobOutOfTimeFails(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "silent"}, {DeviceID: "silent2"}}})
	for _, id := range []string{"silent", "silent2"} {
		connect(t, s, deviceLogin(t, s, id)).subscribe(t, filterMethods)
	}
	putJob(t, s, "slow", `{"type":"scheduleDeviceMethod","queryCondition":"deviceId IN ['silent', 'silent2']","maxExecutionTimeInSeconds":1,
		"cloudToDeviceMethod":{"methodName":"wait","responseTimeoutInSeconds":300}}`)
	seen := watchJob(t, s, "slow", func(j Job) bool { return finished(j.Status) })
	last := seen[len(seen)-1]
	if last.Status != JobFailed || last.FailureReason == "" || last.Statistics.SucceededCount != 0 || last.Statistics.DeviceCount != 2 {
		t.Fatalf("job past its time: %+v, want failed with a reason", last)
	}
}
