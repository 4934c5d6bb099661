package hubsim

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// dpsOperation is one registration in progress.
type dpsOperation struct {
	id      string
	regID   string
	key     string // the device key the client proved it holds
	group   string // enrollment group id, "" for an individual enrollment
	polls   int
	created time.Time
	result  []byte // the final answer, once decided
}

// dpsService answers device registrations on the MQTT listener.
type dpsService struct {
	s   *Server
	mu  sync.Mutex
	ops map[string]*dpsOperation
}

func newDPSService(s *Server) *dpsService {
	return &dpsService{s: s, ops: map[string]*dpsOperation{}}
}

// register answers "$dps/registrations/PUT/iotdps-register/?$rid=…" with
// 202 and an operation id; the device then polls for the outcome.
func (d *dpsService) register(cl *mqtt.Client, info *clientInfo, topic string, body []byte) {
	rid := topicQuery(topic).Get("$rid")
	var req struct {
		RegistrationID string `json:"registrationId"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.RegistrationID != info.id {
		d.answer(cl, fmt.Sprintf("$dps/registrations/res/400/?$rid=%s", rid), dpsError(400004,
			fmt.Sprintf("the body must be {\"registrationId\":%q}", info.id)))
		return
	}
	op := &dpsOperation{id: "4." + newUUID(), regID: info.id, key: info.dpsKey, group: info.dpsGroup, created: d.s.cfg.Now()}
	d.mu.Lock()
	d.ops[op.id] = op
	d.mu.Unlock()
	d.answer(cl, fmt.Sprintf("$dps/registrations/res/202/?$rid=%s&retry-after=1", rid), assigning(op.id))
}

// status answers "$dps/registrations/GET/iotdps-get-operationstatus/?$rid=…&operationId=…":
// 202 on the first poll, then 200 with the outcome.
func (d *dpsService) status(cl *mqtt.Client, info *clientInfo, topic string) {
	q := topicQuery(topic)
	rid, opID := q.Get("$rid"), q.Get("operationId")
	d.mu.Lock()
	op, ok := d.ops[opID]
	if !ok || op.regID != info.id {
		d.mu.Unlock()
		d.answer(cl, fmt.Sprintf("$dps/registrations/res/404/?$rid=%s", rid), dpsError(404203,
			fmt.Sprintf("operation %q is unknown; register again", opID)))
		return
	}
	op.polls++
	first := op.polls == 1
	d.mu.Unlock()
	if first {
		d.answer(cl, fmt.Sprintf("$dps/registrations/res/202/?$rid=%s&retry-after=1", rid), assigning(op.id))
		return
	}
	d.mu.Lock()
	if op.result == nil {
		op.result = d.assign(op)
	}
	result := op.result
	d.mu.Unlock()
	d.answer(cl, fmt.Sprintf("$dps/registrations/res/200/?$rid=%s", rid), result)
}

// assign decides a registration: a disabled enrollment ends it with status
// "disabled"; otherwise the device is created (or its key updated) in this
// hub under the registration id.
func (d *dpsService) assign(op *dpsOperation) []byte {
	now := d.s.cfg.Now().UTC().Format(time.RFC3339Nano)
	state := map[string]any{
		"registrationId":         op.regID,
		"createdDateTimeUtc":     op.created.UTC().Format(time.RFC3339Nano),
		"lastUpdatedDateTimeUtc": now,
		"etag":                   "\"" + newUUID() + "\"",
	}
	if !d.enabled(op) {
		state["status"] = "disabled"
		state["errorCode"] = 401002
		state["errorMessage"] = "the enrollment of this device is disabled; enable it in the provisioning service"
		b, _ := json.Marshal(map[string]any{"operationId": op.id, "status": "disabled", "registrationState": state})
		return b
	}
	substatus := "initialAssignment"
	rec, existed := d.s.reg.device(op.regID)
	if existed {
		substatus = "reprovisionedToInitialAssignment"
	}
	rec.DeviceID, rec.PrimaryKey, rec.Status = op.regID, op.key, StatusEnabled
	if _, err := d.s.reg.putDevice(rec, false); err != nil {
		state["status"] = "failed"
		state["errorCode"] = 500000
		state["errorMessage"] = "the local hub could not store the device: " + err.Error()
		b, _ := json.Marshal(map[string]any{"operationId": op.id, "status": "failed", "registrationState": state})
		return b
	}
	state["status"] = "assigned"
	state["substatus"] = substatus
	state["assignedHub"] = d.s.cfg.HostName
	state["deviceId"] = op.regID
	b, _ := json.Marshal(map[string]any{"operationId": op.id, "status": "assigned", "registrationState": state})
	return b
}

// enabled looks the enrollment up again: it may have changed since the
// device connected.
func (d *dpsService) enabled(op *dpsOperation) bool {
	if op.group == "" {
		e, ok := d.s.reg.enrollment(op.regID)
		return ok && e.Enabled
	}
	for _, g := range d.s.reg.allGroups() {
		if g.ID == op.group {
			return g.Enabled
		}
	}
	return false
}

// answer sends a DPS answer if the client listens for them.
func (d *dpsService) answer(cl *mqtt.Client, topic string, body []byte) {
	if !subscribed(cl, filterDPSResponses) {
		d.s.log.Info("DPS answer dropped: client has not subscribed to "+filterDPSResponses, "client", cl.ID)
		return
	}
	_ = sendDirect(cl, topic, body)
}

func assigning(opID string) []byte {
	b, _ := json.Marshal(map[string]any{"operationId": opID, "status": "assigning"})
	return b
}

func dpsError(code int, msg string) []byte {
	b, _ := json.Marshal(map[string]any{"errorCode": code, "message": msg, "trackingId": newUUID(),
		"timestampUtc": time.Now().UTC().Format(time.RFC3339Nano)})
	return b
}

// AddEnrollmentGroup creates or replaces a symmetric-key enrollment group.
func (s *Server) AddEnrollmentGroup(id, primaryKey string, enabled bool) error {
	return s.putEnrollmentGroup(EnrollmentGroup{ID: id, PrimaryKey: primaryKey, Enabled: enabled})
}

func (s *Server) putEnrollmentGroup(g EnrollmentGroup) error {
	if g.ID == "" {
		return errBadRequest("an enrollment group needs an id")
	}
	if g.PrimaryKey == "" {
		g.PrimaryKey = newKey()
	}
	if g.SecondaryKey == "" {
		g.SecondaryKey = newKey()
	}
	if err := checkSymmetricKeys("enrollment group "+g.ID, g.PrimaryKey, g.SecondaryKey); err != nil {
		return err
	}
	return s.reg.putGroup(g)
}

// AddEnrollment creates or replaces an individual symmetric-key enrollment.
func (s *Server) AddEnrollment(registrationID, primaryKey string, enabled bool) error {
	return s.putEnrollment(Enrollment{RegistrationID: registrationID, PrimaryKey: primaryKey, Enabled: enabled})
}

func (s *Server) putEnrollment(e Enrollment) error {
	if e.RegistrationID == "" {
		return errBadRequest("an enrollment needs a registrationId")
	}
	if e.PrimaryKey == "" {
		e.PrimaryKey = newKey()
	}
	if e.SecondaryKey == "" {
		e.SecondaryKey = newKey()
	}
	if err := checkSymmetricKeys("enrollment "+e.RegistrationID, e.PrimaryKey, e.SecondaryKey); err != nil {
		return err
	}
	return s.reg.putEnrollment(e)
}

// DPSIDScope returns the ID scope devices use in DPS usernames.
func (s *Server) DPSIDScope() string { return s.cfg.DPSIDScope }
