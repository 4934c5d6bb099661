package blobstore

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"

	"qpyhub/cloud"
)

// Kinds of failure, constant English phrases naming the next step.
var (
	ErrKeyRefused   = errors.New("the storage account refused the key or this network: copy the connection string again from the account's Access keys, check its firewall and this PC's clock")
	ErrUnreachable  = errors.New("cannot reach the storage account: check the account name, the network or the proxy")
	ErrBadKey       = errors.New("the storage account key cannot sign: copy the connection string again")
	ErrBadTTL       = errors.New("the URL lifetime must be longer than zero")
	ErrBadContainer = errors.New("a container name has 3 to 63 lower-case letters, digits and single dashes, and starts and ends with a letter or digit")
	ErrRefused      = errors.New("the storage account refused the request")
)

// Reasons lists every phrase this package's errors carry, for the
// translations.
func Reasons() []string {
	return []string{ErrKeyRefused.Error(), ErrUnreachable.Error(), ErrBadKey.Error(), ErrBadTTL.Error(),
		ErrBadContainer.Error(), ErrRefused.Error(), ReasonNotStorage, ReasonNoKey, ReasonBadKey, ReasonBadEndpoint}
}

// Error is a storage call that failed: which call, which blob, the kind
// of failure, and the service's status and error code when it answered.
type Error struct {
	Op      string // "upload", "create container", "sign"
	Blob    string
	Account string
	Kind    error
	Status  int
	Code    string // e.g. "AuthenticationFailed"
}

func (e *Error) Error() string {
	s := "blobstore: " + e.Op
	if e.Blob != "" {
		s += " " + strconv.Quote(e.Blob)
	}
	if e.Account != "" {
		s += " in account " + e.Account
	}
	s += ": " + e.Kind.Error()
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += ", " + e.Code
		}
		s += ")"
	}
	return s
}

// Phrase is the kind of failure; Advice is "" (the phrase says it).
func (e *Error) Phrase() string { return e.Kind.Error() }
func (e *Error) Advice() string { return "" }
func (e *Error) Unwrap() error  { return e.Kind }

// kindOfAnswer: Azure answers a wrong key with 403 AuthenticationFailed,
// Azurite with 403 AuthorizationFailure, which Azure uses for a firewall.
func kindOfAnswer(status int, code bloberror.Code) error {
	if code == bloberror.AuthenticationFailed || status == http.StatusUnauthorized || status == http.StatusForbidden {
		return ErrKeyRefused
	}
	return ErrRefused
}

// checkContainerName applies Azure's rules for container names.
func checkContainerName(name string) error {
	ok := len(name) >= 3 && len(name) <= 63
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(name)-1 && name[i-1] != '-':
		default:
			ok = false
		}
	}
	if !ok {
		return &cloud.FieldError{Field: "container", Reason: ErrBadContainer.Error()}
	}
	return nil
}
