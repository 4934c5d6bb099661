// Package dps registers a device with the Azure IoT Hub Device
// Provisioning Service (DPS) over MQTT, the way a module does at first
// boot: it signs in with its registration id and symmetric key (its own,
// or one derived from an enrollment-group key), asks to be registered,
// polls the operation until DPS has decided, and returns the hub and the
// device id it was assigned.
//
// It speaks MQTT 3.1.1 over TLS (or secure WebSockets) through paho,
// verifies the service against the embedded roots unless told otherwise,
// and never puts a key or a token into an error.
//
// This package must never import Fyne or the device package.
package dps
