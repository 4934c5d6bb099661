package hubsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
)

// dpsLogin signs a registration login with a device key.
func dpsLogin(t *testing.T, s *Server, regID, deviceKey string) login {
	tok, err := cloud.NewSASToken(cloud.DPSResource(s.DPSIDScope(), regID), deviceKey, "registration", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return login{
		clientID: regID,
		username: s.DPSIDScope() + "/registrations/" + regID + "/api-version=2019-03-31",
		password: tok,
		clean:    true,
	}
}

// dpsOutcome is the final operation status a device reads.
type dpsOutcome struct {
	OperationID       string `json:"operationId"`
	Status            string `json:"status"`
	RegistrationState struct {
		RegistrationID string `json:"registrationId"`
		AssignedHub    string `json:"assignedHub"`
		DeviceID       string `json:"deviceId"`
		Status         string `json:"status"`
		Substatus      string `json:"substatus"`
		ErrorCode      int    `json:"errorCode"`
		ErrorMessage   string `json:"errorMessage"`
	} `json:"registrationState"`
}

// register runs the DPS MQTT exchange as a device SDK does and returns
// the final answer and how many 202 polls it took.
func register(t *testing.T, ss *session, regID string) (dpsOutcome, int) {
	ss.subscribe(t, filterDPSResponses)
	ss.publish(t, "$dps/registrations/PUT/iotdps-register/?$rid=1", 1, []byte(`{"registrationId":"`+regID+`"}`))
	m := ss.next(t)
	if !strings.HasPrefix(m.Topic(), "$dps/registrations/res/202/?$rid=1&retry-after=") {
		t.Fatalf("register answered on %s: %s", m.Topic(), m.Payload())
	}
	var op dpsOutcome
	if err := json.Unmarshal(m.Payload(), &op); err != nil || op.OperationID == "" || op.Status != "assigning" {
		t.Fatalf("register answer %s", m.Payload())
	}
	for polls := 1; polls < 10; polls++ {
		rid := string(rune('1' + polls))
		ss.publish(t, "$dps/registrations/GET/iotdps-get-operationstatus/?$rid="+rid+"&operationId="+op.OperationID, 1, nil)
		m := ss.next(t)
		switch {
		case strings.HasPrefix(m.Topic(), "$dps/registrations/res/202/?$rid="+rid):
			continue
		case m.Topic() == "$dps/registrations/res/200/?$rid="+rid:
			var out dpsOutcome
			if err := json.Unmarshal(m.Payload(), &out); err != nil {
				t.Fatal(err)
			}
			return out, polls - 1
		default:
			t.Fatalf("status answered on %s: %s", m.Topic(), m.Payload())
		}
	}
	t.Fatal("registration never finished")
	return dpsOutcome{}, 0
}

func TestDPSRegistration(t *testing.T) {
	// Known answer from PROTOCOLS.md §1.
	const groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
	const regID = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"
	const derived = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="
	const individualKey = "c2VjcmV0LWtleS1vZi1hbi1pbmRpdmlkdWFsLWRldmljZQ=="

	tests := []struct {
		name       string
		setup      func(s *Server) error
		regID, key string
		wantStatus string
	}{
		{"group enrollment", func(s *Server) error { return s.AddEnrollmentGroup("trays", groupKey, true) },
			regID, derived, "assigned"},
		{"disabled group", func(s *Server) error { return s.AddEnrollmentGroup("trays", groupKey, false) },
			regID, derived, "disabled"},
		{"individual enrollment", func(s *Server) error { return s.AddEnrollment("one-off", individualKey, true) },
			"one-off", individualKey, "assigned"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startHub(t, Config{})
			if err := tc.setup(s); err != nil {
				t.Fatal(err)
			}
			ss := connect(t, s, dpsLogin(t, s, tc.regID, tc.key))
			out, waits := register(t, ss, tc.regID)
			if waits < 1 {
				t.Errorf("assigned after %d 202 polls; DPS makes a device poll at least once", waits)
			}
			if out.Status != tc.wantStatus || out.RegistrationState.Status != tc.wantStatus || out.RegistrationState.RegistrationID != tc.regID {
				t.Fatalf("outcome %+v", out)
			}
			rec, created := s.Device(tc.regID)
			if tc.wantStatus != "assigned" {
				if created || out.RegistrationState.ErrorCode == 0 || out.RegistrationState.ErrorMessage == "" {
					t.Fatalf("disabled registration: device created=%v, outcome %+v", created, out)
				}
				return
			}
			if out.RegistrationState.AssignedHub != s.HostName() || out.RegistrationState.DeviceID != tc.regID || out.RegistrationState.Substatus != "initialAssignment" {
				t.Fatalf("outcome %+v", out)
			}
			if !created || rec.PrimaryKey != tc.key {
				t.Fatalf("registry has %+v, want primary key %s", rec, tc.key)
			}
			// The device now signs in to the hub with the same key.
			l := login{clientID: tc.regID, username: cloud.MQTTUsername(s.HostName(), tc.regID, ""), clean: true,
				password: deviceToken(t, cloud.DeviceResource(s.HostName(), tc.regID), tc.key, time.Now().Add(time.Hour))}
			connect(t, s, l)
		})
	}
}

func TestDPSRefusesWrongKeys(t *testing.T) {
	s := startHub(t, Config{})
	const groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
	if err := s.AddEnrollmentGroup("trays", groupKey, true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    login
	}{
		{"group key used directly", dpsLogin(t, s, "dev-9", groupKey)},
		{"key derived for another id", dpsLogin(t, s, "dev-9", mustDerive(t, groupKey, "dev-8"))},
		{"wrong ID scope", func() login {
			l := dpsLogin(t, s, "dev-9", mustDerive(t, groupKey, "dev-9"))
			l.username = "0ne99999999/registrations/dev-9/api-version=2019-03-31"
			return l
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, code, err := dial(t, s, tc.l); code != 5 {
				t.Fatalf("code %d (%v), want 5", code, err)
			}
		})
	}
}

func TestDPSOverREST(t *testing.T) {
	s := startHub(t, Config{})
	tests := []struct {
		policy string
		want   int
	}{
		{"provisioningserviceowner", 200},
		{"iothubowner", 200},
		{"registryReadWrite", 401},
	}
	for _, tc := range tests {
		t.Run(tc.policy, func(t *testing.T) {
			auth := policyToken(t, s, tc.policy, time.Now().Add(time.Hour))
			body := []byte(`{"enrollmentGroupId":"g-` + tc.policy + `","attestation":{"type":"symmetricKey","symmetricKey":{"primaryKey":"","secondaryKey":""}},"provisioningStatus":"enabled"}`)
			status, resp := call(t, s, "PUT", "/enrollmentGroups/g-"+tc.policy+"?api-version=2021-10-01", auth, body, nil)
			if status != tc.want {
				t.Fatalf("status %d (%s), want %d", status, resp, tc.want)
			}
			if status != 200 {
				return
			}
			var e enrollmentJSON
			if err := json.Unmarshal(resp, &e); err != nil || e.Attestation.SymmetricKey.PrimaryKey == "" {
				t.Fatalf("answer %s", resp)
			}
			// A device derives its key from the generated group key and registers.
			key := mustDerive(t, e.Attestation.SymmetricKey.PrimaryKey, "dev-rest")
			out, _ := register(t, connect(t, s, dpsLogin(t, s, "dev-rest", key)), "dev-rest")
			if out.Status != "assigned" {
				t.Fatalf("outcome %+v", out)
			}
		})
	}
}

func mustDerive(t *testing.T, groupKey, regID string) string {
	k, err := cloud.DeriveDeviceKey(groupKey, regID)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
