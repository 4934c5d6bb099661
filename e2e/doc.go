// Package e2e holds tests that look at qpyhub as a whole: the import
// graph's layering rules, and (as they move here) tests that drive the
// built binary or cross device and cloud. It has no code of its own.
package e2e
