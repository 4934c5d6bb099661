// Package devices is the Devices screen: every device of a hub (the local
// hub or an Azure hub through a policy connection string) in a virtual
// list loaded page by page with the registry query, a search box that
// becomes the query's WHERE clause, a detail pane with the device's twin,
// and actions on the devices ticked in the list: desired properties,
// tags, a direct method, enable, disable, delete and export to CSV. Many
// devices at once become one job of the hub.
//
// It reaches the hub through the Fleet and FleetSource interfaces in
// services.go, which the window fills and tests fake. It imports no other
// screen, and posts every widget update through the post function it is
// given.
package devices
