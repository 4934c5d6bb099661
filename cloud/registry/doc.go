// Package registry creates, reads and deletes device identities in Azure
// IoT Hub through the hub's registry REST API, signed with a shared access
// policy (registryReadWrite or iothubowner) from a hub connection string.
// It also queries the devices' twins page by page (continuation tokens),
// changes twins, calls direct methods, enables and disables devices, and
// starts, reads and cancels jobs v2 on the devices a query condition
// matches; Summary reads a twin into one row of the fleet.
//
// Every request carries a fresh policy token with a short lifetime, is
// bounded by its context and a timeout, and verifies the hub's certificate
// against the embedded roots unless the caller names its own. Failures are
// *RequestError values that say what went wrong and what to do; none ever
// holds a key or a token.
//
// This package must never import Fyne or the device package.
package registry
