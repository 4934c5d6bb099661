package desktop

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/netproxy"
	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
	"qpyhub/ui/console"
)

// demoDevice is the device a fresh local hub starts with, so the console
// connects with no setup at all.
const demoDevice = "demo-device"

// localHubPorts are the hub's usual ports; a taken one is replaced by a
// free port chosen by the OS.
var localHubPorts = struct{ mqtt, ws, http string }{"127.0.0.1:8883", "127.0.0.1:8443", "127.0.0.1:8080"}

// localHub is the in-process IoT Hub stand-in behind the console's local
// mode. It implements console.LocalHub.
type localHub struct {
	srv   *hubsim.Server
	roots *x509.CertPool
}

// localHubRegistry is where the local hub keeps its devices and keys.
func localHubRegistry(configDir string) string {
	return filepath.Join(configDir, "qpyhub", "localhub.json")
}

// startLocalHub starts the hub on loopback with its registry under
// configDir (the user's config directory in the app). It stops when ctx
// ends or Close is called.
func startLocalHub(ctx context.Context, configDir string) (*localHub, error) {
	return startLoggedLocalHub(ctx, configDir, nil)
}

// startLoggedLocalHub is startLocalHub with the hub's events going to
// log; nil discards them.
func startLoggedLocalHub(ctx context.Context, configDir string, log *slog.Logger) (*localHub, error) {
	registry := localHubRegistry(configDir)
	if err := os.MkdirAll(filepath.Dir(registry), 0o700); err != nil {
		return nil, fmt.Errorf("local hub: registry folder: %w", err)
	}
	cfg := hubsim.Config{
		HostName:     "localhost",
		MQTTAddr:     freeOrAny(localHubPorts.mqtt),
		WSAddr:       freeOrAny(localHubPorts.ws),
		HTTPAddr:     freeOrAny(localHubPorts.http),
		RegistryFile: registry,
		TokenGrace:   hubsim.DefaultTokenGrace, // as IoT Hub allows
		Logger:       log,
	}
	h, err := newLocalHub(ctx, cfg)
	if err != nil {
		// A port taken between the check and the listen: take any ports.
		cfg.MQTTAddr, cfg.WSAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
		h, err = newLocalHub(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if len(h.srv.DeviceIDs()) == 0 {
		if _, err := h.srv.AddDevice(demoDevice); err != nil {
			h.Close()
			return nil, fmt.Errorf("local hub: register %s: %w", demoDevice, err)
		}
	}
	return h, nil
}

func newLocalHub(ctx context.Context, cfg hubsim.Config) (*localHub, error) {
	srv, err := hubsim.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(ctx); err != nil {
		_ = srv.Close()
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(srv.CAPEM()) {
		_ = srv.Close()
		return nil, errors.New("local hub: its CA certificate is not PEM")
	}
	return &localHub{srv: srv, roots: roots}, nil
}

// freeOrAny returns addr when it can be listened on now, else a request
// for any free port on the same host.
func freeOrAny(addr string) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		host, _, _ := net.SplitHostPort(addr)
		return net.JoinHostPort(host, "0")
	}
	_ = ln.Close()
	return addr
}

// Close stops the hub and drops its connections.
func (h *localHub) Close() { _ = h.srv.Close() }

func (h *localHub) Address() string   { return h.srv.MQTTAddr() }
func (h *localHub) Devices() []string { return h.srv.DeviceIDs() }

func (h *localHub) AddDevice(id string) error {
	_, err := h.srv.AddDevice(id)
	return err
}

func (h *localHub) DeviceConnectionString(id string) (string, error) {
	return h.srv.DeviceConnectionString(id)
}

func (h *localHub) SendC2D(id string, msg console.CloudMessage) error {
	return h.srv.SendC2D(id, hubsim.C2DMessage{
		Payload: msg.Payload, Properties: msg.Properties,
		MessageID: msg.MessageID, CorrelationID: msg.CorrelationID, ContentType: msg.ContentType,
	})
}

func (h *localHub) UpdateDesired(id string, patch json.RawMessage) (int, error) {
	return h.srv.UpdateDesired(id, patch)
}

func (h *localHub) InvokeMethod(ctx context.Context, id, name string, payload json.RawMessage, timeout time.Duration) (int, json.RawMessage, error) {
	return h.srv.InvokeMethod(ctx, id, name, payload, timeout)
}

// sessionFactory opens real hubclient sessions: to the local hub (dialing
// its loopback address and trusting its CA) or to Azure IoT Hub.
type sessionFactory struct {
	local *localHub        // nil when the local hub did not start
	log   *slog.Logger     // the sessions' events; nil discards them
	proxy *netproxy.Choice // the Settings screen's proxy; nil = none
}

// NewSession implements console.DeviceSessionFactory.
func (f sessionFactory) NewSession(target console.SessionTarget) (console.DeviceSession, error) {
	cfg := hubclient.Config{Identity: target.Identity, WebSocket: target.WebSocket, CAFile: target.CAFile}
	if target.LocalDevice != "" {
		if f.local == nil {
			return nil, errors.New(lang.L("The local hub is not running."))
		}
		id, err := f.local.identity(target.LocalDevice)
		if err != nil {
			return nil, err
		}
		cfg = hubclient.Config{Identity: id, ServerAddr: f.local.Address(), RootCAs: f.local.roots}
	} else if f.proxy.UsedFor(target.Identity.Host) {
		// Only WebSockets cross an HTTP proxy: MQTT on 8883 cannot.
		cfg.Proxy, cfg.WebSocket = f.proxy.Proxy, true
	}
	cfg.Logger = f.log
	s, err := hubclient.New(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// identity is a local device's identity, key included.
func (h *localHub) identity(id string) (cloud.DeviceIdentity, error) {
	cs, err := h.srv.DeviceConnectionString(id)
	if err != nil {
		return cloud.DeviceIdentity{}, err
	}
	parsed, err := cloud.ParseConnectionString(cs)
	if err != nil {
		return cloud.DeviceIdentity{}, err
	}
	return cloud.IdentityFromConnectionString(parsed)
}
