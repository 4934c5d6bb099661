package ota

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"qpyhub/cloud/blobstore"
	"qpyhub/cloud/registry"
)

// Host puts a version's files where modules fetch them over HTTPS and
// says where each one is. The URLs it returns carry no credential beyond
// a read-only, expiring signature.
type Host interface {
	// URL makes one file of version available and returns its address.
	URL(ctx context.Context, version string, f File, data []byte) (string, error)
	// Describe names the place for messages: "the local hub", "container
	// qpyhub-ota of storage account acme", "https://files.example.com/app".
	Describe() string
}

// LocalHubHost uploads each file to the local hub (PUT /files/{sha256});
// modules fetch it from the hub's own HTTPS address. IoT Hub refuses
// with registry.ErrNoFileHosting.
func LocalHubHost(reg *registry.Client) Host { return hubHost{reg} }

type hubHost struct{ reg *registry.Client }

func (h hubHost) URL(ctx context.Context, _ string, _ File, data []byte) (string, error) {
	return h.reg.PutFile(ctx, data)
}

func (h hubHost) Describe() string { return "the local hub " + h.reg.HostName() }

// BlobHost uploads each file to a storage container as
// <version>/<path under /usr> and hands out read-only URLs that expire
// after ttl.
func BlobHost(store *blobstore.Store, ttl time.Duration) Host { return blobHost{store, ttl} }

type blobHost struct {
	store *blobstore.Store
	ttl   time.Duration
}

func (h blobHost) URL(ctx context.Context, version string, f File, data []byte) (string, error) {
	return h.store.Upload(ctx, version+"/"+RelativePath(f.Path), data, h.ttl)
}

func (h blobHost) Describe() string { return "storage container " + h.store.Container() }

// BaseURLHost uploads nothing: the user serves the files under prefix,
// as prefix + "/" + path under /usr.
func BaseURLHost(prefix string) (Host, error) {
	u, err := url.Parse(prefix)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q is not an https:// address without ?query; modules download over HTTPS", prefix)
	}
	return baseHost{strings.TrimSuffix(prefix, "/")}, nil
}

type baseHost struct{ prefix string }

func (h baseHost) URL(_ context.Context, _ string, f File, _ []byte) (string, error) {
	parts := strings.Split(RelativePath(f.Path), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return h.prefix + "/" + strings.Join(parts, "/"), nil
}

func (h baseHost) Describe() string { return h.prefix }
