package hubsim

import (
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// clientKind tells a device session from a DPS registration session; both
// arrive on the same listener.
type clientKind int

const (
	kindDevice clientKind = iota + 1
	kindDPS
)

// clientInfo is what authentication learned about one MQTT connection.
type clientInfo struct {
	kind clientKind
	id   string // device id, or registration id for DPS
	// DPS only: the key the device proved it holds, and where it came from.
	dpsKey       string
	dpsGroup     string // enrollment group id, "" for an individual enrollment
	tokenExpires time.Time
	expiryTimer  *time.Timer
	settled      bool // its CONNACK went out
}

// presence tracks the live MQTT connections and which device each serves.
type presence struct {
	mu       sync.Mutex
	byClient map[*mqtt.Client]*clientInfo
	devices  map[string]*mqtt.Client // device id → its current connection
	ended    map[string]Disconnect   // device id → how its last connection ended
	changed  *broadcast
}

func newPresence() *presence {
	return &presence{
		byClient: map[*mqtt.Client]*clientInfo{},
		devices:  map[string]*mqtt.Client{},
		ended:    map[string]Disconnect{},
		changed:  newBroadcast(),
	}
}

func (p *presence) add(cl *mqtt.Client, info *clientInfo) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.byClient[cl] = info
}

func (p *presence) info(cl *mqtt.Client) (*clientInfo, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	info, ok := p.byClient[cl]
	return info, ok
}

// markConnected makes cl the connection of its device. A connection it
// replaces is being kicked off by the broker at the same time.
func (p *presence) markConnected(cl *mqtt.Client) {
	p.mu.Lock()
	info, ok := p.byClient[cl]
	if ok && info.kind == kindDevice {
		p.devices[info.id] = cl
	}
	p.mu.Unlock()
	if ok {
		p.changed.notify()
	}
}

// settle runs once cl's CONNACK went out. IoT Hub keeps one connection
// per device, the newest. The broker takes a session over by itself, but
// CONNECTs racing each other can all pass its check and stay open: any of
// them that is no longer the device's current connection is closed here,
// after it had its CONNACK, as the hub closes an older connection.
func (p *presence) settle(cl *mqtt.Client) {
	p.mu.Lock()
	info, ok := p.byClient[cl]
	var stale []*mqtt.Client
	if ok && info.kind == kindDevice {
		info.settled = true
		current := p.devices[info.id]
		for other, oi := range p.byClient {
			if other != current && oi.settled && oi.kind == kindDevice && oi.id == info.id {
				stale = append(stale, other)
			}
		}
	}
	p.mu.Unlock()
	for _, other := range stale {
		other.Stop(packets.ErrSessionTakenOver)
	}
}

// remove forgets cl and records how a device connection ended; its
// device counts as disconnected only if cl was still its current
// connection.
func (p *presence) remove(cl *mqtt.Client, end Disconnect) (*clientInfo, bool) {
	p.mu.Lock()
	info, ok := p.byClient[cl]
	if ok {
		delete(p.byClient, cl)
		if info.expiryTimer != nil {
			info.expiryTimer.Stop()
		}
		if info.kind == kindDevice {
			p.ended[info.id] = end
			if p.devices[info.id] == cl {
				delete(p.devices, info.id)
			}
		}
	}
	p.mu.Unlock()
	if ok {
		p.changed.notify()
	}
	return info, ok
}

func (p *presence) lastDisconnect(id string) (Disconnect, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, ok := p.ended[id]
	return d, ok
}

// device returns the current connection of a device, or nil.
func (p *presence) device(id string) *mqtt.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.devices[id]
}

// all returns every tracked connection, for shutdown.
func (p *presence) all() []*mqtt.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*mqtt.Client, 0, len(p.byClient))
	for cl := range p.byClient {
		out = append(out, cl)
	}
	return out
}

// subscribed reports whether cl holds exactly the filter.
func subscribed(cl *mqtt.Client, filter string) bool {
	if cl == nil {
		return false
	}
	_, ok := cl.State.Subscriptions.Get(filter)
	return ok
}
