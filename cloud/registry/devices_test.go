package registry

import (
	"errors"
	"strings"
	"testing"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
)

func TestDeviceRoundTrip(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	for _, policy := range []string{"registryReadWrite", "iothubowner"} {
		t.Run(policy, func(t *testing.T) {
			c := newClient(t, hub, policy)
			// Every character IoT Hub allows in an id that URLs treat specially.
			id := "tray-" + policy + ":%?$'(1),*!=@"
			created, err := c.CreateDevice(ctx, id)
			if err != nil {
				t.Fatalf("CreateDevice: %v", err)
			}
			if created.DeviceID != id || created.Status != hubsim.StatusEnabled {
				t.Fatalf("created %v", created)
			}
			for field, key := range map[string]string{"primary": created.PrimaryKey, "secondary": created.SecondaryKey} {
				if _, err := cloud.DecodeKey(field, key); err != nil {
					t.Fatalf("hub-generated %s key: %v", field, err)
				}
			}
			rec, ok := hub.Device(id)
			if !ok || rec.PrimaryKey != created.PrimaryKey || rec.SecondaryKey != created.SecondaryKey {
				t.Fatalf("hub registry has %+v (present %v), client got %v", rec, ok, created)
			}

			got, err := c.GetDevice(ctx, id)
			if err != nil {
				t.Fatalf("GetDevice: %v", err)
			}
			if got != created {
				t.Fatalf("GetDevice = %v, want %v", got, created)
			}

			if err := c.DeleteDevice(ctx, id); err != nil {
				t.Fatalf("DeleteDevice: %v", err)
			}
			if _, ok := hub.Device(id); ok {
				t.Fatal("device still registered after DeleteDevice")
			}
			_, err = c.GetDevice(ctx, id)
			assertRequestError(t, err, ErrDeviceNotFound, "get device", id, 404)
			err = c.DeleteDevice(ctx, id)
			assertRequestError(t, err, ErrDeviceNotFound, "delete device", id, 404)
		})
	}
}

func TestCreateExistingDevice(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	before, err := hub.AddDevice("dev1")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, hub, "registryReadWrite")
	_, err = c.CreateDevice(ctx, "dev1")
	re := assertRequestError(t, err, ErrDeviceExists, "create device", "dev1", 409)
	if re.Code != hubsim.CodeDeviceAlreadyExists || !strings.Contains(re.Message, "already exists") {
		t.Errorf("code %d message %q: want the hub's code and message", re.Code, re.Message)
	}
	if after, _ := hub.Device("dev1"); after != before {
		t.Errorf("existing device changed: %+v → %+v", before, after)
	}
}

func TestPolicyWithoutWriteRights(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	if _, err := hub.AddDevice("dev1"); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, hub, "registryRead")
	_, err := c.CreateDevice(ctx, "dev2")
	assertRequestError(t, err, ErrNoRights, "create device", "dev2", 401)
	if !strings.Contains(err.Error(), "registryReadWrite or iothubowner") || errors.Is(err, ErrKeyRefused) {
		t.Errorf("error %q does not name the policies that can write", err)
	}
	if _, ok := hub.Device("dev2"); ok {
		t.Error("a read-only policy created a device")
	}
	err = c.DeleteDevice(ctx, "dev1")
	assertRequestError(t, err, ErrNoRights, "delete device", "dev1", 401)
	// Reading is within its rights.
	if _, err := c.GetDevice(ctx, "dev1"); err != nil {
		t.Errorf("GetDevice with registryRead: %v", err)
	}
}

func TestWrongPolicyKey(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	cs, err := cloud.ParseConnectionString(hub.PolicyConnectionString("iothubowner"))
	if err != nil {
		t.Fatal(err)
	}
	cs.SharedAccessKey = "d3Jvbmcta2V5LW9mLXRoZS1yaWdodC1sZW5ndGgtMzI="
	c, err := New(cs.String(), Options{BaseURL: hub.HTTPURL(), RootCAs: hubRoots(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDevice(ctx, "dev1")
	assertRequestError(t, err, ErrKeyRefused, "create device", "dev1", 401)
	// A wrong key is not a missing right: iothubowner has every right.
	if errors.Is(err, ErrNoRights) || strings.Contains(err.Error(), "rights") || !strings.Contains(err.Error(), "check the key and the policy name") {
		t.Errorf("wrong key reported as %q", err)
	}
	if strings.Contains(err.Error(), cs.SharedAccessKey) || strings.Contains(err.Error(), "sig=") {
		t.Errorf("error leaks a secret: %q", err)
	}
	if _, ok := hub.Device("dev1"); ok {
		t.Error("a wrong key created a device")
	}
}

func TestInvalidDeviceIDNeverSent(t *testing.T) {
	hub := startHub(t)
	c := newClient(t, hub, "iothubowner")
	for _, id := range []string{"", "a/b", "has space", strings.Repeat("x", 129)} {
		_, err := c.CreateDevice(testContext(t), id)
		var fe *cloud.FieldError
		if !errors.As(err, &fe) || fe.Field != "device id" {
			t.Errorf("CreateDevice(%q) = %v, want a device id FieldError", id, err)
		}
	}
	if ids := hub.DeviceIDs(); len(ids) != 0 {
		t.Errorf("hub registry has %v", ids)
	}
}

// assertRequestError checks that err is a *RequestError of kind with the
// call, device and status it should name.
func assertRequestError(t *testing.T, err, kind error, op, id string, status int) *RequestError {
	t.Helper()
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want *RequestError", err, err)
	}
	if !errors.Is(err, kind) || re.Op != op || re.DeviceID != id || re.Status != status || re.Host != "localhost" {
		t.Fatalf("error %+v, want kind %q op %q id %q status %d", re, kind, op, id, status)
	}
	if !strings.Contains(err.Error(), kind.Error()) {
		t.Fatalf("error text %q lacks the advice %q", err, kind)
	}
	return re
}
