package cloud

import (
	"fmt"
	"strings"
	"text/template"
	"time"
)

// Keepalive bounds for the snippet: IoT Hub takes keep-alives up to
// 1177 s, and SDKs settle on a few minutes.
const (
	DefaultKeepalive = 240
	MaxKeepalive     = 1177
)

// snippetTemplate is QuecPython code; it avoids f-strings, which module
// firmware (MicroPython 1.12/1.13) rejects as a SyntaxError.
const snippetTemplate = `# Connect this module to Azure IoT Hub over MQTT (TLS, port 8883).
# The password is a SAS token; it expires at {{.Expiry}} (UTC).
# Make new credentials before then.
from umqtt import MQTTClient

client = MQTTClient(client_id={{py .ClientID}}, server={{py .Host}}, port=8883,
                    user={{py .Username}},
                    password={{py .Password}},
                    keepalive={{.Keepalive}}, ssl=True,
                    ssl_params={'server_hostname': {{py .Host}}})
client.connect()
print('connected as', {{py .ClientID}})
`

// QuecPythonSnippet returns QuecPython code, ready to paste into the
// module's REPL or a file, that connects with c through umqtt over TLS on
// port 8883 (umqtt has no WebSocket transport). keepalive is in seconds;
// zero or less means DefaultKeepalive, and it is capped at MaxKeepalive.
func QuecPythonSnippet(c MQTTCredentials, keepalive int) string {
	if keepalive <= 0 {
		keepalive = DefaultKeepalive
	}
	keepalive = min(keepalive, MaxKeepalive)
	tmpl := template.Must(template.New("snippet").Funcs(template.FuncMap{"py": PythonString}).Parse(snippetTemplate))
	var b strings.Builder
	data := struct {
		Host, ClientID, Username, Password, Expiry string
		Keepalive                                  int
	}{c.Host, c.ClientID, c.Username, c.Password, c.ExpiresAt.UTC().Format(time.RFC3339), keepalive}
	if err := tmpl.Execute(&b, data); err != nil {
		// The template is a constant and the data plain strings: this
		// cannot fail, but never return half a program.
		return ""
	}
	return b.String()
}

// PythonString returns s as a single-quoted Python string literal that
// MicroPython 1.12 reads back as s: backslashes, quotes and control
// characters are escaped, other characters are kept as UTF-8.
func PythonString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0xfffd || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// CheckKeepalive checks a keep-alive a user asked for. IoT Hub takes at
// most MaxKeepalive; 0 would turn MQTT pings off, so a module on an idle
// cellular link would lose its connection without noticing.
func CheckKeepalive(seconds int) error {
	if seconds < 1 || seconds > MaxKeepalive {
		return fieldErr("keepalive", ReasonKeepaliveRange)
	}
	return nil
}
