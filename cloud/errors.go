package cloud

// FieldError says which field of the user's input is wrong and why. It is
// also what the device session (hubclient), DPS and the registry client
// answer for a configuration they cannot use, each with its own reasons.
// Field is the name the user sees ("SharedAccessKey", "HostName",
// "registration id", "expiry", "server"); Reason is a constant English
// phrase, so a user interface can translate it and put it next to the
// field. Neither ever holds the value itself: the value may be a secret.
type FieldError struct {
	Field  string
	Reason string
}

// Error returns the field name followed by the reason.
func (e *FieldError) Error() string {
	return e.Field + " " + e.Reason
}

// Phrase is the reason, a constant English phrase said after the field.
func (e *FieldError) Phrase() string { return e.Reason }

// Advice returns a constant English sentence telling a technician what to
// do about the error, or "" when the reason speaks for itself.
func (e *FieldError) Advice() string {
	switch e.Reason {
	case ReasonNotBase64:
		return "Copy the key again from the Azure portal (Primary key); it ends with '=' and holds only letters, digits, '+' and '/'."
	case ReasonKeyLength:
		return "Copy the whole key again from the Azure portal (Primary key): it is 44 or 88 characters long."
	case ReasonHostPort:
		return "Give only the host name, for example myhub.azure-devices.net; to dial another port (a local hub), use --server host:port."
	case ReasonBadHostName:
		return "Copy the host name again from the Azure portal, for example myhub.azure-devices.net."
	case ReasonMissing, ReasonEmpty:
		return "Fill in this field; the Azure portal shows it on the device or enrollment page."
	case ReasonPolicyString:
		return "Use the device's own connection string (Devices → your device → Primary connection string), not the hub's shared access policy."
	case ReasonInPast, ReasonExpired:
		return "Choose a later expiry, or make a new token."
	case ReasonOtherResource:
		return "Make the token for this device, or paste the token that belongs to it."
	case ReasonNoEquals:
		return "Paste the whole connection string: Name=value pairs separated by ';'."
	}
	return ""
}

// Reasons a FieldError can carry. They are English source texts: a user
// interface looks them up in its translations.
const (
	ReasonMissing        = "is missing"
	ReasonEmpty          = "is empty"
	ReasonNotBase64      = "is not base64"
	ReasonDuplicate      = "appears more than once"
	ReasonNoEquals       = "has a part without '=' (expected Name=value;Name=value)"
	ReasonNoName         = "has a part with no name before '='"
	ReasonKeyAndSig      = "cannot be given together with SharedAccessKey"
	ReasonNotBool        = "is neither true nor false"
	ReasonNotToken       = "is not a SharedAccessSignature token"
	ReasonNotURLEncoded  = "is not URL-encoded correctly"
	ReasonNotUnixTime    = "is not a Unix time in seconds"
	ReasonBadSignature   = "is not a URL-encoded base64 signature"
	ReasonPolicyString   = "is a hub policy string, not a device connection string"
	ReasonOtherResource  = "is for a different device (its sr does not match)"
	ReasonExpired        = "has expired"
	ReasonInPast         = "is in the past"
	ReasonNotDuration    = "is not a duration (examples: 90m, 12h, 30d, 1y)"
	ReasonNotPositive    = "must be longer than zero"
	ReasonTooLong        = "is longer than 100 years"
	ReasonIDTooLong      = "is longer than 128 characters"
	ReasonBadIDChars     = "holds a character that is not allowed"
	ReasonNotUsername    = "is not of the form {host}/{deviceId}/?api-version=…"
	ReasonNoX509         = "uses X.509 certificates; SAS credentials need a SharedAccessKey"
	ReasonKeyLength      = "is not 16 to 64 bytes long, the length Azure keys have"
	ReasonHostPort       = "must be the host name alone, without ':' or a port"
	ReasonBadHostName    = "is not a host name (letters, digits, '-' and '.' only)"
	ReasonAfterYear9999  = "is after the year 9999, later than any hub accepts"
	ReasonKeepaliveRange = "must be between 1 and 1177 seconds (IoT Hub's limit)"
)

// Reasons lists every reason a FieldError from this package can carry, so
// a user interface can check that it translates all of them.
func Reasons() []string {
	return []string{
		ReasonMissing, ReasonEmpty, ReasonNotBase64, ReasonDuplicate,
		ReasonNoEquals, ReasonNoName, ReasonKeyAndSig, ReasonNotBool,
		ReasonNotToken, ReasonNotURLEncoded, ReasonNotUnixTime,
		ReasonBadSignature, ReasonPolicyString, ReasonOtherResource,
		ReasonExpired, ReasonInPast, ReasonNotDuration, ReasonNotPositive,
		ReasonTooLong, ReasonIDTooLong, ReasonBadIDChars, ReasonNotUsername,
		ReasonNoX509, ReasonKeyLength, ReasonHostPort, ReasonBadHostName,
		ReasonAfterYear9999, ReasonKeepaliveRange,
	}
}

// fieldErr builds a *FieldError; it keeps call sites on one line.
func fieldErr(field, reason string) *FieldError {
	return &FieldError{Field: field, Reason: reason}
}
