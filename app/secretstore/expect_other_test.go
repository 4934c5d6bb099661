//go:build !linux

package secretstore

import "testing"

// expectStore: Windows and macOS always have their credential store.
func expectStore(*testing.T) (bool, string) {
	return true, "this OS always has a credential store"
}
