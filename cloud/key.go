package cloud

import (
	"encoding/base64"
	"strings"
)

// Lengths of the symmetric keys Azure takes, decoded: "between 16 bytes
// and 64 bytes" (DPS symmetric key attestation; IoT Hub identities alike).
// The portal makes 32-byte (44 characters) and 64-byte (88) keys.
const (
	MinKeyBytes = 16
	MaxKeyBytes = 64
)

// maxKeyChars is the longest text a key of MaxKeyBytes can be, padded.
var maxKeyChars = base64.StdEncoding.EncodedLen(MaxKeyBytes)

// DecodeKey decodes a symmetric key as the Azure portal shows it. Keys
// pasted from mails and scripts sometimes lose their '=' padding or carry
// surrounding whitespace, so after strict padded base64 it retries without
// padding. A key of the wrong length is refused: it is a paste gone wrong
// (half a key, or a whole file), and the hub would refuse every token
// signed with it. field names the key in the error (for example
// "SharedAccessKey").
func DecodeKey(field, key string) ([]byte, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, fieldErr(field, ReasonMissing)
	}
	if len(key) > maxKeyChars {
		return nil, fieldErr(field, ReasonKeyLength)
	}
	b, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(b) == 0 {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(key, "="))
	}
	if err != nil || len(b) == 0 {
		return nil, fieldErr(field, ReasonNotBase64)
	}
	if len(b) < MinKeyBytes || len(b) > MaxKeyBytes {
		return nil, fieldErr(field, ReasonKeyLength)
	}
	return b, nil
}
