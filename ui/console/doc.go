// Package console is the Console screen: it connects to IoT Hub as a
// device and shows, live, what the hub sends (cloud-to-device messages,
// desired properties, method calls) and what the device sends back, and
// with the window's local hub it also plays the cloud.
//
// It reaches the hub through the small interfaces in services.go, which
// the window fills and tests fake. It imports no other screen: what it
// shares with them is in ui/widgets.
package console
