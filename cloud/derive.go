package cloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// DeriveDeviceKey turns a DPS enrollment-group key into the key of one
// device ("one type, one secret"): base64(HMAC-SHA256(group key,
// registration id)). DPS computes the same, so the group key itself never
// needs to reach the device.
func DeriveDeviceKey(groupKey, registrationID string) (string, error) {
	if err := ValidateRegistrationID(registrationID); err != nil {
		return "", err
	}
	raw, err := DecodeKey("group key", groupKey)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte(registrationID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// ValidateRegistrationID checks a DPS registration id: up to 128
// characters, letters, digits and - . _ : only. A '/' or '?' would change
// the SAS resource and the MQTT username it goes into.
func ValidateRegistrationID(id string) error {
	return validateID("registration id", id, "-._:")
}

// ValidateDeviceID checks an IoT Hub device or module id: up to 128
// ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '.
func ValidateDeviceID(field, id string) error {
	return validateID(field, id, "-.%_*?!(),:=@$'")
}

func validateID(field, id, punct string) error {
	if id == "" {
		return fieldErr(field, ReasonMissing)
	}
	if len(id) > 128 {
		return fieldErr(field, ReasonIDTooLong)
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		alnum := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
		if !alnum && strings.IndexByte(punct, ch) < 0 {
			return fieldErr(field, ReasonBadIDChars)
		}
	}
	return nil
}
