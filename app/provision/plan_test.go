package provision

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	testDeviceCS = "HostName=hub1.azure-devices.net;DeviceId=dev1;SharedAccessKey=c2VjcmV0LWtleS1vZi1kZXYx"
	testTokenCS  = "HostName=hub1.azure-devices.net;DeviceId=dev1;SharedAccessSignature=SharedAccessSignature sr=hub1.azure-devices.net%2Fdevices%2Fdev1&sig=abc%3D&se=4102444800"
	testPolicyCS = "HostName=hub1.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=cG9saWN5LWtleS1vZi1odWIx"
	testGroupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
)

func TestPlanValidate(t *testing.T) {
	one := []string{"/dev/ttyUSB2"}
	two := []string{"/dev/ttyUSB2", "/dev/ttyUSB6"}
	tests := []struct {
		name   string
		plan   Plan
		ports  []string
		field  string
		reason string
	}{
		{"device ok", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS}, one, "", ""},
		{"no mode", Plan{}, one, "identity", ReasonNoMode},
		{"no ports", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS}, nil, "port", ReasonNoPorts},
		{"same port twice", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS}, []string{"/dev/x", "/dev/x"}, "port", ReasonDuplicatePort},
		{"one device, two modules", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS}, two, "connection string", ReasonOneDevice},
		{"policy as device string", Plan{Mode: IdentityDevice, ConnectionString: testPolicyCS}, one, "connection string", ReasonNotDevice},
		{"token string cannot mint", Plan{Mode: IdentityDevice, ConnectionString: testTokenCS, TokenTTL: time.Hour}, one, "connection string", ReasonTokenOnly},
		{"token string as is", Plan{Mode: IdentityDevice, ConnectionString: testTokenCS}, one, "", ""},
		{"registry ok", Plan{Mode: IdentityRegistry, HubConnectionString: testPolicyCS}, two, "", ""},
		{"registry with device string", Plan{Mode: IdentityRegistry, HubConnectionString: testDeviceCS}, one, "hub connection string", ReasonNotPolicy},
		{"registry bad template", Plan{Mode: IdentityRegistry, HubConnectionString: testPolicyCS, DeviceIDTemplate: "x/{imei}"}, one, "device id template", ReasonBadIDChars},
		{"registry unknown placeholder", Plan{Mode: IdentityRegistry, HubConnectionString: testPolicyCS, DeviceIDTemplate: "{sn}"}, one, "device id template", ReasonUnknownPlaceholder},
		{"dps ok", Plan{Mode: IdentityDPS, IDScope: "0ne00000001", GroupKey: testGroupKey}, two, "", ""},
		{"dps no scope", Plan{Mode: IdentityDPS, GroupKey: testGroupKey}, one, "ID scope", ReasonMissing},
		{"dps bad key", Plan{Mode: IdentityDPS, IDScope: "0ne1", GroupKey: "not*base64"}, one, "group key", ReasonBadKey},
		{"dps token needs pc check", Plan{Mode: IdentityDPS, IDScope: "0ne1", GroupKey: testGroupKey, TokenTTL: time.Hour}, one, "token lifetime", ReasonTokenNeedsHub},
		{"dps token with pc check", Plan{Mode: IdentityDPS, IDScope: "0ne1", GroupKey: testGroupKey, TokenTTL: time.Hour, DPSCheckFromPC: true}, one, "", ""},
		{"record extension", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS, RecordFile: "out.txt"}, one, "record file", ReasonRecordExtension},
		{"check string must be a policy", Plan{Mode: IdentityDevice, ConnectionString: testDeviceCS, CheckConnectionString: testDeviceCS}, one, "check connection string", ReasonNotPolicy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.plan.Validate(tc.ports)
			var pe *PlanError
			switch {
			case tc.reason == "" && err != nil:
				t.Fatalf("Validate: %v, want nil", err)
			case tc.reason != "" && (!errors.As(err, &pe) || pe.Field != tc.field || pe.Reason != tc.reason):
				t.Fatalf("Validate: %v, want %s: %s", err, tc.field, tc.reason)
			}
		})
	}
}

func TestPlanErrorsNeverHoldSecrets(t *testing.T) {
	plans := []Plan{
		{Mode: IdentityDevice, ConnectionString: testPolicyCS},
		{Mode: IdentityRegistry, HubConnectionString: testDeviceCS},
		{Mode: IdentityDPS, IDScope: "0ne1", GroupKey: testGroupKey, TokenTTL: time.Hour},
	}
	for _, p := range plans {
		err := p.Validate([]string{"/dev/x"})
		if err == nil {
			t.Fatalf("plan %v passed", p.Mode)
		}
		for _, secret := range []string{"c2VjcmV0LWtleS1vZi1kZXYx", "cG9saWN5LWtleS1vZi1odWIx", testGroupKey} {
			if containsString(err.Error(), secret) {
				t.Fatalf("error %q holds a secret", err)
			}
		}
	}
}

// policyKey is the SharedAccessKey of a connection string.
func policyKey(t *testing.T, cs string) string {
	t.Helper()
	_, key, ok := strings.Cut(cs, "SharedAccessKey=")
	if !ok {
		t.Fatalf("no key in the policy string")
	}
	return key
}
