package blobstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"
)

// DefaultContainer is where update files go unless told otherwise.
const DefaultContainer = "qpyhub-ota"

// Options adjusts a Store. The zero value uses DefaultContainer, the
// default HTTP client and time.Now.
type Options struct {
	Container  string
	HTTPClient *http.Client // its proxy and roots; nil = http.DefaultClient
	Now        func() time.Time
}

// Store uploads blobs to one container of one storage account.
type Store struct {
	acct      account
	cred      *azblob.SharedKeyCredential
	client    *azblob.Client
	container string
	now       func() time.Time

	mu    sync.Mutex
	ready bool // the container is known to exist
}

// New makes a store from a storage account connection string. Nothing is
// sent until Upload.
func New(connString string, opts Options) (*Store, error) {
	acct, err := parseConnString(connString)
	if err != nil {
		return nil, err
	}
	if opts.Container == "" {
		opts.Container = DefaultContainer
	}
	if err := checkContainerName(opts.Container); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cred, err := azblob.NewSharedKeyCredential(acct.name, acct.key)
	if err != nil {
		return nil, &Error{Op: "sign", Kind: ErrBadKey}
	}
	co := &azblob.ClientOptions{}
	co.Retry = policy.RetryOptions{MaxRetries: 2, RetryDelay: 500 * time.Millisecond, MaxRetryDelay: 2 * time.Second}
	if opts.HTTPClient != nil {
		co.Transport = opts.HTTPClient
	}
	client, err := azblob.NewClientWithSharedKeyCredential(acct.endpoint.String()+"/", cred, co)
	if err != nil {
		return nil, &Error{Op: "connect", Kind: ErrUnreachable}
	}
	return &Store{acct: acct, cred: cred, client: client, container: opts.Container, now: opts.Now}, nil
}

// Container is the container blobs go to.
func (s *Store) Container() string { return s.container }

// Upload puts data in the container under name (creating the container,
// private, the first time) and returns a read-only URL for it that
// expires after ttl.
func (s *Store) Upload(ctx context.Context, name string, data []byte, ttl time.Duration) (string, error) {
	if err := s.ensureContainer(ctx); err != nil {
		return "", err
	}
	_, err := s.client.UploadBuffer(ctx, s.container, name, data, &azblob.UploadBufferOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: ptr("application/octet-stream")},
	})
	if err != nil {
		return "", s.fail(ctx, "upload", name, err)
	}
	return s.ReadURL(name, ttl)
}

// ReadURL is a URL that lets its holder read one blob, and nothing else,
// until ttl from now: a service SAS signed here with the account key.
func (s *Store) ReadURL(name string, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", &Error{Op: "sign", Blob: name, Kind: ErrBadTTL}
	}
	protocol := sas.ProtocolHTTPS
	if s.acct.endpoint.Scheme == "http" { // Azurite on this computer only
		protocol = sas.ProtocolHTTPSandHTTP
	}
	q, err := sas.BlobSignatureValues{
		Protocol:      protocol,
		ExpiryTime:    s.now().UTC().Add(ttl),
		Permissions:   (&sas.BlobPermissions{Read: true}).String(),
		ContainerName: s.container,
		BlobName:      name,
	}.SignWithSharedKey(s.cred)
	if err != nil {
		return "", &Error{Op: "sign", Blob: name, Kind: ErrBadKey}
	}
	return s.blobURL(name) + "?" + q.Encode(), nil
}

// blobURL is the blob's address, each part of its name escaped.
func (s *Store) blobURL(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return s.acct.endpoint.String() + "/" + url.PathEscape(s.container) + "/" + strings.Join(parts, "/")
}

func (s *Store) ensureContainer(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready {
		return nil
	}
	_, err := s.client.CreateContainer(ctx, s.container, nil)
	if err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return s.fail(ctx, "create container", "", err)
	}
	s.ready = true
	return nil
}

// fail turns an SDK error into an Error that names the cause and never
// the key (the SDK's own text carries request details; only the status
// and the service's error code are kept).
func (s *Store) fail(ctx context.Context, op, name string, err error) error {
	e := &Error{Op: op, Blob: name, Account: s.acct.name, Kind: ErrUnreachable}
	var re *azcore.ResponseError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("blobstore: %s %s: %w", op, name, ctx.Err())
	case errors.As(err, &re):
		e.Status, e.Code = re.StatusCode, re.ErrorCode
		e.Kind = kindOfAnswer(re.StatusCode, bloberror.Code(re.ErrorCode))
	}
	return e
}

func ptr[T any](v T) *T { return &v }
