package cloud

import (
	"sort"
	"strings"
)

// ConnectionString is a parsed IoT Hub connection string: either a
// device's ("HostName=…;DeviceId=…;SharedAccessKey=…") or a hub shared
// access policy's ("HostName=…;SharedAccessKeyName=…;SharedAccessKey=…").
type ConnectionString struct {
	HostName              string
	DeviceID              string
	ModuleID              string
	SharedAccessKeyName   string
	SharedAccessKey       string
	SharedAccessSignature string
	GatewayHostName       string
	X509                  bool
	Extra                 map[string]string // unknown Name=value pairs, names as written
}

// connStrField binds a segment name to where its value goes.
type connStrField struct {
	name string
	dst  func(c *ConnectionString) *string
}

// connStrFields lists the known segment names in canonical order.
func connStrFields() []connStrField {
	return []connStrField{
		{"HostName", func(c *ConnectionString) *string { return &c.HostName }},
		{"DeviceId", func(c *ConnectionString) *string { return &c.DeviceID }},
		{"ModuleId", func(c *ConnectionString) *string { return &c.ModuleID }},
		{"SharedAccessKeyName", func(c *ConnectionString) *string { return &c.SharedAccessKeyName }},
		{"SharedAccessKey", func(c *ConnectionString) *string { return &c.SharedAccessKey }},
		{"SharedAccessSignature", func(c *ConnectionString) *string { return &c.SharedAccessSignature }},
		{"GatewayHostName", func(c *ConnectionString) *string { return &c.GatewayHostName }},
	}
}

// ParseConnectionString reads a connection string as the Azure portal and
// CLI print it. Segments are split on ';' and each on its first '=' (keys
// end in '=' padding); names match case-insensitively, surrounding
// whitespace and quotes are dropped, and unknown names are kept in Extra.
func ParseConnectionString(s string) (ConnectionString, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	var c ConnectionString
	seen := make(map[string]bool)
	for _, seg := range strings.Split(s, ";") {
		if strings.TrimSpace(seg) == "" {
			continue
		}
		name, value, ok := strings.Cut(seg, "=")
		if !ok {
			return ConnectionString{}, fieldErr("connection string", ReasonNoEquals)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if err := c.set(name, value, seen); err != nil {
			return ConnectionString{}, err
		}
	}
	if err := c.validate(); err != nil {
		return ConnectionString{}, err
	}
	return c, nil
}

// set stores one Name=value segment.
func (c *ConnectionString) set(name, value string, seen map[string]bool) error {
	if name == "" {
		return fieldErr("connection string", ReasonNoName)
	}
	lower := strings.ToLower(name)
	if seen[lower] {
		return fieldErr(name, ReasonDuplicate)
	}
	seen[lower] = true
	for _, f := range connStrFields() {
		if strings.EqualFold(f.name, name) {
			if value == "" {
				return fieldErr(f.name, ReasonEmpty)
			}
			*f.dst(c) = value
			return nil
		}
	}
	if lower == "x509" {
		switch strings.ToLower(value) {
		case "true":
			c.X509 = true
		case "false":
		default:
			return fieldErr("x509", ReasonNotBool)
		}
		return nil
	}
	if c.Extra == nil {
		c.Extra = make(map[string]string)
	}
	c.Extra[name] = value
	return nil
}

func (c *ConnectionString) validate() error {
	if err := ValidateHostName("HostName", c.HostName); err != nil {
		return err
	}
	if c.DeviceID == "" && c.SharedAccessKeyName == "" {
		return fieldErr("DeviceId", ReasonMissing)
	}
	if c.SharedAccessKey != "" && c.SharedAccessSignature != "" {
		return fieldErr("SharedAccessSignature", ReasonKeyAndSig)
	}
	if c.SharedAccessKey != "" {
		if _, err := DecodeKey("SharedAccessKey", c.SharedAccessKey); err != nil {
			return err
		}
	}
	if c.SharedAccessSignature != "" {
		if _, err := ParseSASToken(c.SharedAccessSignature); err != nil {
			return fieldErr("SharedAccessSignature", ReasonNotToken)
		}
	}
	if c.SharedAccessKey == "" && c.SharedAccessSignature == "" && !c.X509 {
		return fieldErr("SharedAccessKey", ReasonMissing)
	}
	return nil
}

// IsDevice reports whether the string names a device (or module) identity
// rather than a hub shared access policy.
func (c ConnectionString) IsDevice() bool {
	return c.DeviceID != "" && c.SharedAccessKeyName == ""
}

// String returns the connection string in canonical order, secrets
// included; use Redacted for anything that may reach a log.
func (c ConnectionString) String() string {
	return c.format(false)
}

// Redacted returns the connection string with the key and the signature
// replaced by "****", safe for logs and screenshots.
func (c ConnectionString) Redacted() string {
	return c.format(true)
}

func (c ConnectionString) format(redact bool) string {
	var parts []string
	for _, f := range connStrFields() {
		v := *f.dst(&c)
		if v == "" {
			continue
		}
		if redact && (f.name == "SharedAccessKey" || f.name == "SharedAccessSignature") {
			v = "****"
		}
		parts = append(parts, f.name+"="+v)
	}
	if c.X509 {
		parts = append(parts, "x509=true")
	}
	names := make([]string, 0, len(c.Extra))
	for name := range c.Extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		parts = append(parts, name+"="+c.Extra[name])
	}
	return strings.Join(parts, ";")
}
