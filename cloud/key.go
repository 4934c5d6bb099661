package cloud

import (
	"encoding/base64"
	"strings"
)

// DecodeKey decodes a symmetric key as the Azure portal shows it. Keys
// pasted from mails and scripts sometimes lose their '=' padding or carry
// surrounding whitespace, so after strict padded base64 it retries without
// padding. field names the key in the error (for example "SharedAccessKey").
func DecodeKey(field, key string) ([]byte, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, fieldErr(field, ReasonMissing)
	}
	if b, err := base64.StdEncoding.DecodeString(key); err == nil && len(b) > 0 {
		return b, nil
	}
	if b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(key, "=")); err == nil && len(b) > 0 {
		return b, nil
	}
	return nil, fieldErr(field, ReasonNotBase64)
}
