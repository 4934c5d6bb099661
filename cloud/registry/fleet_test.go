package registry

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestQueryFollowsContinuation(t *testing.T) {
	hub := startFleetHub(t, 250)
	c := newClient(t, hub, "registryRead")
	var ids []string
	pages, next := 0, ""
	for {
		twins, more, err := c.Query(testContext(t), "WHERE tags.even = true", 60, next)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tw := range twins {
			ids = append(ids, tw.DeviceID)
		}
		if more == "" {
			break
		}
		if pages > 10 {
			t.Fatal("continuation never ends")
		}
		next = more
	}
	if len(ids) != 125 || ids[0] != "d000" || ids[124] != "d248" || pages != 3 {
		t.Fatalf("%d devices in %d pages (%v…), want 125 even ones in 3", len(ids), pages, ids[:min(3, len(ids))])
	}
}

func TestQueryPagesGivesEveryPageThenStopsWhenAsked(t *testing.T) {
	hub := startFleetHub(t, 250)
	c := newClient(t, hub, "registryRead")
	var ids []string
	pages := 0
	err := c.QueryPages(testContext(t), "WHERE tags.even = true", 60, func(twins []Twin) error {
		pages++
		for _, tw := range twins {
			ids = append(ids, tw.DeviceID)
		}
		return nil
	})
	if err != nil || len(ids) != 125 || ids[0] != "d000" || ids[124] != "d248" || pages != 3 {
		t.Fatalf("%d devices in %d pages, error %v: want 125 even ones in 3", len(ids), pages, err)
	}
	stop := errors.New("enough")
	pages = 0
	err = c.QueryPages(testContext(t), "WHERE tags.even = true", 60, func([]Twin) error {
		pages++
		return stop
	})
	if !errors.Is(err, stop) || pages != 1 {
		t.Fatalf("after fn refused: %d pages, error %v; want 1 page and its error", pages, err)
	}
}

func TestQueryRefusesBadCondition(t *testing.T) {
	hub := startFleetHub(t, 1)
	c := newClient(t, hub, "registryRead")
	_, _, err := c.Query(testContext(t), "tags.even = ", 0, "")
	if !errors.Is(err, ErrBadQuery) {
		t.Fatalf("err = %v, want ErrBadQuery", err)
	}
	var re *RequestError
	if !errors.As(err, &re) || re.Phrase() != ErrBadQuery.Error() {
		t.Fatalf("err %v does not carry the phrase", err)
	}
}

func TestQueryText(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "SELECT * FROM devices",
		"  ":                  "SELECT * FROM devices",
		"WHERE tags.a = 1":    "SELECT * FROM devices WHERE tags.a = 1",
		"where  tags.a = 1 ":  "SELECT * FROM devices WHERE tags.a = 1",
		"status = 'disabled'": "SELECT * FROM devices WHERE status = 'disabled'",
	} {
		if got := QueryText(in); got != want {
			t.Errorf("QueryText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTwinUpdateAndMethod(t *testing.T) {
	hub := startFleetHub(t, 2)
	c := newClient(t, hub, "iothubowner")
	tw, err := c.UpdateTwin(testContext(t), "d000", map[string]any{"interval": 30}, map[string]any{"site": "lab"})
	if err != nil {
		t.Fatal(err)
	}
	if tw.Properties.Desired["interval"] != 30.0 || tw.Tags["site"] != "lab" {
		t.Fatalf("twin after update: desired %v tags %v", tw.Properties.Desired, tw.Tags)
	}
	answeringDevice(t, hub, "d000")
	res, err := c.InvokeMethod(testContext(t), "d000", "ping", json.RawMessage(`{"n":2}`), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || string(res.Payload) != `{"echo":{"n":2}}` {
		t.Fatalf("method answer %d %s", res.Status, res.Payload)
	}
	if _, err := c.InvokeMethod(testContext(t), "d001", "ping", nil, 0); !errors.Is(err, ErrDeviceOffline) {
		t.Fatalf("offline device: err = %v, want ErrDeviceOffline", err)
	}
	got, err := c.GetTwin(testContext(t), "d000")
	if err != nil || got.ConnectionState != "Connected" {
		t.Fatalf("GetTwin: %+v, %v; want Connected", got.ConnectionState, err)
	}
}

// waitJob reads the job until it ends, checking that its counts add up.
func waitJob(t *testing.T, c *Client, id string) Job {
	t.Helper()
	deadline := time.Now().Add(testDeadline)
	for {
		j, err := c.GetJob(testContext(t), id)
		if err != nil {
			t.Fatal(err)
		}
		st := j.Statistics
		if j.Status != JobQueued && st.PendingCount+st.RunningCount+st.SucceededCount+st.FailedCount != st.DeviceCount {
			t.Fatalf("counts do not add up: %+v", st)
		}
		if j.Done() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", id, j.Status)
		}
		time.Sleep(5 * time.Millisecond) // a poll interval, as a client polls
	}
}

func TestUpdateTwinJob(t *testing.T) {
	hub := startFleetHub(t, 400)
	c := newClient(t, hub, "iothubowner")
	started, err := c.StartUpdateTwinJob(testContext(t), "WHERE tags.even = true", map[string]any{"mode": "eco"}, map[string]any{"batch": 7})
	if err != nil {
		t.Fatal(err)
	}
	j := waitJob(t, c, started.JobID)
	if j.Status != JobCompleted || j.Statistics != (JobStatistics{DeviceCount: 200, SucceededCount: 200}) {
		t.Fatalf("job %+v", j)
	}
	twins, _, err := c.Query(testContext(t), "properties.desired.mode = 'eco' AND tags.batch = 7", 1000, "")
	if err != nil || len(twins) != 200 {
		t.Fatalf("%d twins changed (%v), want 200", len(twins), err)
	}
}

func TestMethodJob(t *testing.T) {
	hub := startFleetHub(t, 3)
	answeringDevice(t, hub, "d000")
	answeringDevice(t, hub, "d001")
	c := newClient(t, hub, "iothubowner")
	started, err := c.StartMethodJob(testContext(t), "deviceId IN ['d000', 'd001', 'd002']", "ping", nil, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	j := waitJob(t, c, started.JobID)
	if j.Status != JobCompleted || j.Statistics != (JobStatistics{DeviceCount: 3, SucceededCount: 2, FailedCount: 1}) {
		t.Fatalf("job %+v", j)
	}
}

func TestJobErrorsAndStatus(t *testing.T) {
	hub := startFleetHub(t, 1)
	c := newClient(t, hub, "iothubowner")
	if _, err := c.GetJob(testContext(t), "nope"); !errors.Is(err, ErrJobNotFound) {
		t.Errorf("GetJob unknown: %v, want ErrJobNotFound", err)
	}
	if _, err := c.CancelJob(testContext(t), "nope"); !errors.Is(err, ErrJobNotFound) {
		t.Errorf("CancelJob unknown: %v, want ErrJobNotFound", err)
	}
	if _, err := c.StartUpdateTwinJob(testContext(t), "tags.x = ", nil, map[string]any{"a": 1}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("bad condition: %v, want ErrBadQuery", err)
	}
	d, err := c.SetStatus(testContext(t), "d000", "disabled")
	if err != nil || d.Status != "disabled" {
		t.Fatalf("SetStatus: %v, %v", d, err)
	}
	if rec, _ := hub.Device("d000"); rec.Status != "disabled" {
		t.Fatalf("hub keeps status %q", rec.Status)
	}
	if _, err := c.SetStatus(testContext(t), "ghost", "disabled"); !errors.Is(err, ErrDeviceNotFound) {
		t.Errorf("SetStatus unknown: %v", err)
	}
}
