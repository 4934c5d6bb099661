// Package hubsim is a local stand-in for Azure IoT Hub and the Device
// Provisioning Service (DPS). It serves MQTT 3.1.1 over TLS (and over
// secure WebSockets) with a certificate authority it generates, checks SAS
// tokens against its own device registry, enforces IoT Hub's per-device
// topic rules, and offers cloud-to-device messages, device twins, direct
// methods, DPS registration and the registry REST endpoints, including
// the twin query (POST /devices/query, with continuation) and jobs v2
// (scheduleUpdateTwin and scheduleDeviceMethod by query condition).
//
// Beyond IoT Hub, it hosts the files of updates over the air: PUT
// /files/{sha256} (a policy with registry write) and GET /files/{sha256}
// (no credentials) on the REST listener; IoT Hub answers PUT /files with
// 404, which tells a client to use a storage account instead.
//
// It exists so that the device session can be tested, and the desktop app
// demonstrated, without an Azure subscription. Wherever IoT Hub's behaviour
// is documented it behaves the same, so a client that works here works
// against the real hub.
//
// Choices where IoT Hub's behaviour is not spelled out:
//   - a publish to a topic the device may not use, a subscription to such a
//     topic, a sixth subscription, or a QoS 2 publish closes the connection;
//   - a keepalive above 1177 s is accepted and capped at 1177 s;
//   - a connection that never sends CONNECT is closed after
//     Config.ConnectTimeout (60 s by default; IoT Hub publishes no figure);
//   - a packet larger than a 256 KB message and its topic closes the
//     connection before it is read;
//   - module identities are not modelled: a module client id is refused;
//   - C2D messages stay in a per-device queue (up to 50, like IoT Hub,
//     delivered or not) until the device acknowledges them (PUBACK). The
//     hub writes them to the device's connection once it subscribes to
//     devicebound (itself, or through the subscription its CleanSession=false
//     session kept), and writes the unacknowledged ones again, marked
//     duplicate, on the next connection. The queues live in memory: Close
//     logs, and DroppedC2D lists, the messages it drops;
//   - of connections of one device that race each other, the newest stays;
//     each older one is closed after its CONNACK;
//   - a query page holds up to x-ms-max-item-count twins (default 100, at
//     most 1000) in device id order; a job works on 8 devices at a time,
//     picks its devices when it starts, and a job out of time is "failed"
//     with the devices it did not reach still pending; jobs live in memory.
//
// The package never imports Fyne or the device package.
package hubsim
