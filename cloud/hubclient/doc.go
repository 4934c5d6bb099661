// Package hubclient is the device side of Azure IoT Hub over MQTT: it
// connects as one device (or module) through paho, keeps the SAS token
// fresh by reconnecting, and turns what the hub sends (cloud-to-device
// messages, desired-property patches, direct-method calls, connection
// changes) into events, while offering telemetry, twin reads and reported
// patches, and method answers.
//
// It never imports Fyne and never imports the device package: the UI and
// the commands reach it through plain Go types, contexts and errors.
package hubclient
