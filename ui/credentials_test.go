package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// fixedNow is the clock of these tests: the day before the first known
// answer of PROTOCOLS.md expires.
var fixedNow = time.Date(2022, 9, 14, 0, 0, 0, 0, time.UTC)

func newTestCredentials(t *testing.T) *CredentialsScreen {
	t.Helper()
	test.NewTempApp(t)
	s := newCredentialsScreen(func() time.Time { return fixedNow })
	w := test.NewTempWindow(t, s.Content())
	w.Resize(w.Canvas().Size().Max(s.Content().MinSize()))
	return s
}

func TestCredentialsKnownAnswerThroughTheScreen(t *testing.T) {
	s := newTestCredentials(t)
	test.Type(s.Host.Entry, "MyExampleHub.azure-devices.net")
	test.Type(s.Device.Entry, "my-symkey-device")
	test.Type(s.Key.Entry, "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==")
	s.Expiry.Select.SetSelectedIndex(len(s.Expiry.Select.Options) - 1) // exact date
	test.Type(s.Expiry.Exact.Entry, time.Unix(1663119026, 0).UTC().Format(time.RFC3339))

	want := "SharedAccessSignature sr=MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device&sig=f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D&se=1663119026"
	got := s.Credentials().Password
	if !sameTokenFields(got, want) {
		t.Fatalf("password = %q, want the fields of %q", got, want)
	}
	if s.OutPassword.Text() == got {
		t.Fatal("the password is shown before the user revealed it")
	}
	test.Tap(s.OutPassword.Reveal)
	if s.OutPassword.Text() != got {
		t.Fatalf("revealed password = %q, want %q", s.OutPassword.Text(), got)
	}
	if s.OutUsername.Text() != "MyExampleHub.azure-devices.net/my-symkey-device/?api-version=2021-04-12" {
		t.Errorf("username = %q", s.OutUsername.Text())
	}
	if s.OutClientID.Text() != "my-symkey-device" || s.OutPort.Text() != "8883" {
		t.Errorf("client id %q, port %q", s.OutClientID.Text(), s.OutPort.Text())
	}
}

// sameTokenFields compares two SAS tokens field by field: field order is free.
func sameTokenFields(a, b string) bool {
	fields := func(s string) url.Values {
		v, err := url.ParseQuery(strings.TrimPrefix(s, "SharedAccessSignature "))
		if err != nil {
			return nil
		}
		return v
	}
	fa, fb := fields(a), fields(b)
	if fa == nil || fb == nil || len(fa) != len(fb) {
		return false
	}
	for k := range fb {
		if fa.Get(k) != fb.Get(k) {
			return false
		}
	}
	return true
}

func TestCredentialsFromConnectionString(t *testing.T) {
	const key = "c2VjcmV0LWRldmljZS1rZXktZm9yLXRlc3Rz"
	tests := []struct {
		preset  int
		ttl     time.Duration
		warning bool
	}{
		{preset: 0, ttl: time.Hour},
		{preset: 1, ttl: 24 * time.Hour},
		{preset: 3, ttl: 365 * 24 * time.Hour, warning: true},
	}
	for _, tc := range tests {
		s := newTestCredentials(t)
		s.Mode.SetSelected(s.Mode.Options[modeConnectionString])
		test.Type(s.ConnString.Entry, "HostName=hub1.azure-devices.net;DeviceId=Dev-01;SharedAccessKey="+key)
		s.Expiry.Select.SetSelectedIndex(tc.preset)

		c := s.Credentials()
		if c.Host != "hub1.azure-devices.net" || c.ClientID != "Dev-01" {
			t.Fatalf("preset %d: host %q client %q", tc.preset, c.Host, c.ClientID)
		}
		tok, err := cloud.ParseSASToken(c.Password)
		if err != nil {
			t.Fatalf("preset %d: password is not a token: %v", tc.preset, err)
		}
		if ok, err := tok.Verify(key); !ok || err != nil {
			t.Errorf("preset %d: token does not verify with the key (%v)", tc.preset, err)
		}
		if tok.Resource != "hub1.azure-devices.net/devices/Dev-01" {
			t.Errorf("preset %d: resource %q (the device id's case must be kept)", tc.preset, tok.Resource)
		}
		if !tok.Expiry.Equal(fixedNow.Add(tc.ttl)) {
			t.Errorf("preset %d: expiry %v, want %v", tc.preset, tok.Expiry, fixedNow.Add(tc.ttl))
		}
		if s.Expiry.Warning.Visible() != tc.warning {
			t.Errorf("preset %d: long-lifetime warning visible = %v", tc.preset, s.Expiry.Warning.Visible())
		}
		if strings.Contains(s.Snippet.Text, c.Password) {
			t.Errorf("preset %d: the snippet shows the password before it is revealed", tc.preset)
		}
		if !strings.Contains(s.Snippet.Text, "MQTTClient(") || !strings.Contains(s.Snippet.Text, "ssl=True") {
			t.Errorf("preset %d: snippet is not umqtt code:\n%s", tc.preset, s.Snippet.Text)
		}
	}
}

func TestCredentialsErrorsNextToTheField(t *testing.T) {
	tests := []struct {
		name  string
		fill  func(s *CredentialsScreen)
		field func(s *CredentialsScreen) *widgets.InputField
		want  string
	}{
		{
			name: "key not base64",
			fill: func(s *CredentialsScreen) {
				test.Type(s.Host.Entry, "hub1.azure-devices.net")
				test.Type(s.Device.Entry, "dev1")
				test.Type(s.Key.Entry, "not*a*key!")
			},
			field: func(s *CredentialsScreen) *widgets.InputField { return s.Key },
			want:  cloud.ReasonNotBase64,
		},
		{
			name: "policy string instead of a device string",
			fill: func(s *CredentialsScreen) {
				s.Mode.SetSelected(s.Mode.Options[modeConnectionString])
				test.Type(s.ConnString.Entry, "HostName=hub1.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=")
			},
			field: func(s *CredentialsScreen) *widgets.InputField { return s.ConnString },
			want:  cloud.ReasonPolicyString,
		},
		{
			name: "exact date in the past",
			fill: func(s *CredentialsScreen) {
				test.Type(s.Host.Entry, "hub1.azure-devices.net")
				test.Type(s.Device.Entry, "dev1")
				test.Type(s.Key.Entry, "c2VjcmV0")
				s.Expiry.Select.SetSelectedIndex(len(s.Expiry.Select.Options) - 1)
				test.Type(s.Expiry.Exact.Entry, "2020-01-01 10:00")
			},
			field: func(s *CredentialsScreen) *widgets.InputField { return s.Expiry.Exact },
			want:  cloud.ReasonInPast,
		},
		{
			name: "group key not base64",
			fill: func(s *CredentialsScreen) {
				s.Mode.SetSelected(s.Mode.Options[modeGroupKey])
				test.Type(s.IDScope.Entry, "0ne00000001")
				test.Type(s.RegID.Entry, "864000000000001")
				test.Type(s.GroupKey.Entry, "%%%")
			},
			field: func(s *CredentialsScreen) *widgets.InputField { return s.GroupKey },
			want:  cloud.ReasonNotBase64,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestCredentials(t)
			tc.fill(s)
			f := tc.field(s)
			if !f.Error.Visible() || !strings.Contains(f.ErrorText(), tc.want) {
				t.Fatalf("error under the field = %q (visible %v), want it to contain %q", f.ErrorText(), f.Error.Visible(), tc.want)
			}
			if s.Credentials().Password != "" || s.OutPassword.Text() != "—" {
				t.Fatalf("outputs filled despite the error: %q", s.OutPassword.Text())
			}
		})
	}
}

func TestCredentialsGroupKeyDerivesTheKnownDeviceKey(t *testing.T) {
	s := newTestCredentials(t)
	s.Mode.SetSelected(s.Mode.Options[modeGroupKey])
	test.Type(s.IDScope.Entry, "0ne00000001")
	test.Type(s.RegID.Entry, "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6")
	test.Type(s.GroupKey.Entry, "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==")

	const derived = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="
	if s.Credentials().DerivedKey != derived {
		t.Fatalf("derived key = %q, want %q", s.Credentials().DerivedKey, derived)
	}
	if !s.OutDerivedKey.Content().Visible() || s.OutDerivedKey.Text() == derived {
		t.Fatal("the derived key must be shown, masked")
	}
	test.Tap(s.OutDerivedKey.Reveal)
	if s.OutDerivedKey.Text() != derived {
		t.Fatalf("revealed derived key = %q", s.OutDerivedKey.Text())
	}
	if s.OutUsername.Text() != "0ne00000001/registrations/sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6/api-version=2019-03-31" {
		t.Errorf("DPS username = %q", s.OutUsername.Text())
	}
}

func TestDecodePanel(t *testing.T) {
	const key = "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="
	token, err := cloud.NewSASToken("hub1.azure-devices.net/devices/dev1", key, "", fixedNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	expired, err := cloud.NewSASToken("hub1.azure-devices.net/devices/dev1", key, "", fixedNow.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token, key, verdict, expires string
	}{
		{"good key", "  {" + token + "}\n", key, "The signature matches this key.", "expires in 2h 0min"},
		{"wrong key", token, "d3Jvbmcta2V5LW9mLXRoZS1yaWdodC1sZW5ndGgtMzI=", "does NOT match", "expires in"},
		{"expired", expired, "", "has expired", "expired 1min 0s ago"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			test.NewTempApp(t)
			p := newDecodePanel(func() time.Time { return fixedNow })
			test.NewTempWindow(t, p.Content())
			test.Type(p.Token.Entry, tc.token)
			test.Type(p.Key.Entry, tc.key)
			if p.OutResource.Text() != "hub1.azure-devices.net/devices/dev1" {
				t.Errorf("resource = %q", p.OutResource.Text())
			}
			if !strings.Contains(p.Verdict.Text, tc.verdict) {
				t.Errorf("verdict = %q, want %q", p.Verdict.Text, tc.verdict)
			}
			if !strings.Contains(p.OutExpires.Text(), tc.expires) {
				t.Errorf("expires = %q, want %q", p.OutExpires.Text(), tc.expires)
			}
		})
	}
}

func TestDecodePanelRejectsGarbage(t *testing.T) {
	test.NewTempApp(t)
	p := newDecodePanel(func() time.Time { return fixedNow })
	test.NewTempWindow(t, p.Content())
	test.Type(p.Token.Entry, "hello world")
	if !p.Token.Error.Visible() || p.Token.ErrorText() == "" {
		t.Fatal("no error under the token field for garbage input")
	}
	if p.OutResource.Text() != "—" {
		t.Fatalf("resource shown for garbage: %q", p.OutResource.Text())
	}
}
