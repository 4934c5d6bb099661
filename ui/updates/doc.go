// Package updates is the Updates screen: a new version of an
// application's files, packed in a bundle file, sent over the air to one
// module, a selection of a hub's devices or every device a query
// matches. The user picks the bundle (its version, files and size shown
// from its manifest), the targets and where the files are hosted (the
// local hub, a storage account, or a URL prefix the user serves), starts,
// and watches one row per module with its state and a progress bar until
// every module is done, failed or rolled back; the failed ones can be
// tried again.
//
// It reaches bundles and hubs through the interfaces in services.go,
// which the window fills and tests fake. It imports no other screen, and
// posts every widget update through the post function it is given.
package updates
