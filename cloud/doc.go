// Package cloud holds what a device needs to prove who it is to Azure IoT
// Hub and the Device Provisioning Service: connection strings, shared
// access signature (SAS) tokens, keys derived from an enrollment-group key,
// MQTT usernames and passwords, token lifetimes, and a QuecPython snippet
// that uses them.
//
// Everything here is pure computation on strings, keys and times, so the
// window, the command line and the test hub share one implementation.
// Parsers return *FieldError so a caller can show the problem beside the
// field the user typed; no error ever carries a key, a signature or a token.
//
// This package must never import Fyne or the device package.
package cloud
