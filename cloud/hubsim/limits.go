package hubsim

import "time"

// IoT Hub's documented limits, as the local hub enforces them.
const (
	// maxMessageSize is the largest device-to-cloud message, body and
	// properties: 256 KB ("IoT Hub quotas and throttling", other limits).
	maxMessageSize = 256 << 10
	// maxPacketSize caps every MQTT packet a client sends: a message at the
	// limit plus its topic and headers. Larger packets close the connection
	// before the broker reads them into memory; IoT Hub's MQTT 5 endpoint
	// announces a 256 KiB maximum packet size.
	maxPacketSize = maxMessageSize + 1<<10
	// maxC2DSize is the largest cloud-to-device message: 64 KB.
	maxC2DSize = 64 << 10
	// maxTwinProperties is the limit of properties/desired and of
	// properties/reported each, and maxTwinTags that of tags, as IoT Hub
	// computes twin sizes ("Understand device twins", device twin size).
	maxTwinProperties = 32 << 10
	maxTwinTags       = 8 << 10
	// defaultConnectTimeout bounds a connection that never sends CONNECT.
	// IoT Hub publishes no figure; Azure's device SDK waits 60 s for a
	// CONNACK "in alignment with the service implemented timeout for
	// processing connection requests" (azure-iot-sdk-csharp PR 2042).
	defaultConnectTimeout = 60 * time.Second
	// defaultTelemetryKeepBytes bounds the telemetry payload kept per
	// device, so a device sending large messages cannot grow the hub
	// without end.
	defaultTelemetryKeepBytes = 8 << 20
)

// REST request body limits, by what the body carries.
const (
	maxRegistryBody = 16 << 10  // a device identity or enrollment: keys and a few fields
	maxTwinBody     = 128 << 10 // tags and desired properties, each within its limit
	maxMethodBody   = 256 << 10 // a method payload (IoT Hub: 128 KB) and its envelope
)
