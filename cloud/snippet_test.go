package cloud

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// unquotePython reads a single-quoted Python literal as MicroPython does,
// for the escapes PythonString emits; it fails on anything else.
func unquotePython(lit string) (string, error) {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		return "", fmt.Errorf("not single-quoted: %q", lit)
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'' || c == '\n' || c == '\r':
			return "", fmt.Errorf("raw %q inside literal", c)
		case c != '\\':
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", fmt.Errorf("dangling backslash")
		}
		switch body[i] {
		case '\\', '\'':
			b.WriteByte(body[i])
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'x', 'u':
			n := map[byte]int{'x': 2, 'u': 4}[body[i]]
			if i+n >= len(body) {
				return "", fmt.Errorf("short escape")
			}
			v, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", err
			}
			b.WriteRune(rune(v))
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c", body[i])
		}
	}
	return b.String(), nil
}

func TestPythonString(t *testing.T) {
	tests := []string{
		"plain",
		"",
		"it's",
		`back\slash`,
		"SharedAccessSignature sr=h%2Fdevices%2Fd&sig=a%2Bb%3D&se=1",
		"line\nbreak\r\ttab",
		"bell\x07del\x7f",
		"中文设备",
		"quote\"double",
		"c1\u0085sep\u2028",
	}
	for _, in := range tests {
		lit := PythonString(in)
		got, err := unquotePython(lit)
		if err != nil {
			t.Errorf("PythonString(%q) = %s: %v", in, lit, err)
			continue
		}
		if got != in {
			t.Errorf("PythonString(%q) = %s reads back as %q", in, lit, got)
		}
	}
}

func TestQuecPythonSnippet(t *testing.T) {
	c := MQTTCredentials{
		Host: "h.azure-devices.net", Port: 8883, ClientID: "dev'1",
		Username:  "h.azure-devices.net/dev'1/?api-version=2021-04-12",
		Password:  "SharedAccessSignature sr=h.azure-devices.net%2Fdevices%2Fdev%271&sig=abc%3D&se=1900000000",
		ExpiresAt: time.Unix(1900000000, 0),
	}
	tests := []struct {
		keepalive, want int
	}{{0, DefaultKeepalive}, {-5, DefaultKeepalive}, {60, 60}, {5000, MaxKeepalive}}
	for _, tc := range tests {
		t.Run(strconv.Itoa(tc.keepalive), func(t *testing.T) {
			s := QuecPythonSnippet(c, tc.keepalive)
			for _, want := range []string{
				"from umqtt import MQTTClient\n",
				"client_id=" + PythonString(c.ClientID),
				"server=" + PythonString(c.Host) + ", port=8883",
				"user=" + PythonString(c.Username),
				"password=" + PythonString(c.Password),
				"keepalive=" + strconv.Itoa(tc.want) + ", ssl=True",
				"2030-03-17T17:46:40Z",
				"client.connect()\n",
			} {
				if !strings.Contains(s, want) {
					t.Errorf("snippet lacks %q:\n%s", want, s)
				}
			}
			if strings.Contains(s, "f'") || strings.Contains(s, `f"`) || !utf8.ValidString(s) {
				t.Errorf("snippet uses an f-string or is not UTF-8:\n%s", s)
			}
		})
	}
}

// IoT Hub takes keep-alives up to 1177 s; 0 would turn MQTT pings off, so
// an idle module would be dropped without noticing.
func TestCheckKeepalive(t *testing.T) {
	for _, ok := range []int{1, 60, DefaultKeepalive, MaxKeepalive} {
		if err := CheckKeepalive(ok); err != nil {
			t.Errorf("CheckKeepalive(%d) = %v", ok, err)
		}
	}
	for _, bad := range []int{-5, 0, MaxKeepalive + 1, 65535, 1 << 40} {
		assertFieldError(t, CheckKeepalive(bad), "keepalive", ReasonKeepaliveRange)
	}
}
