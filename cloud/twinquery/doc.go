// Package twinquery reads the part of IoT Hub's query language that
// qpyhub uses over device twins — SELECT * FROM devices [WHERE …] with
// AND, OR, NOT, =, !=, <>, <, <=, >, >=, IN, NIN and IS_DEFINED — and
// evaluates it against a twin given as decoded JSON. The local hub
// answers registry queries and jobs with it; the Devices screen checks
// what a technician types before sending it to a real hub.
//
// It imports nothing of qpyhub and no Fyne.
package twinquery
