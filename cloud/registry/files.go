package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"
)

// ErrNoFileHosting is a hub that hosts no files: IoT Hub itself, as
// opposed to the local hub.
var ErrNoFileHosting = errors.New("this hub does not host files: give --storage-connection-string or --base-url")

// fileWait bounds one upload: a few MiB over a slow uplink.
const fileWait = 2 * time.Minute

// PutFile uploads a file to the local hub's file hosting (PUT
// /files/{sha256}, a policy with registry write) and returns the HTTPS
// address modules fetch it from, with no credentials in it. IoT Hub
// answers ErrNoFileHosting.
func (c *Client) PutFile(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	if data == nil {
		data = []byte{}
	}
	err := c.do(ctx, call{op: "upload file", method: http.MethodPut, deviceID: digest, path: "/files/" + digest,
		raw: data, wait: max(fileWait, c.timeout)})
	var re *RequestError
	if errors.As(err, &re) && (re.Status == http.StatusNotFound || re.Status == http.StatusMethodNotAllowed) {
		re.Kind = ErrNoFileHosting
	}
	if err != nil {
		return "", err
	}
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/files/" + digest
	u.RawPath, u.RawQuery = "", ""
	return u.String(), nil
}
