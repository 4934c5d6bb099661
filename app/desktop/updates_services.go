package desktop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
	"qpyhub/ui/devices"
	"qpyhub/ui/updates"
)

// listCap bounds the devices the Updates screen lists to tick from; a
// fleet bigger than this is updated by query.
const listCap = 5000

// listPage is how many twins each page of the list asks for.
const listPage = 500

// errListCapped says the list was cut; the screen shows it.
var errListCapped = errors.New("the hub has more devices than the list can show: narrow it with a condition, or update by query")

// updateServices are the Updates screen's bundles and hubs: bundles from
// app/ota, hubs as the Devices screen reaches them.
type updateServices struct {
	fleets fleetSource
}

// OpenBundle implements updates.Services: the bundle checked whole.
func (u updateServices) OpenBundle(path string) (ota.Manifest, error) {
	b, err := ota.OpenBundle(path)
	if err != nil {
		return ota.Manifest{}, err
	}
	return b.Manifest, nil
}

// LocalHub implements updates.Services with the local hub's owner policy.
func (u updateServices) LocalHub() (updates.Hub, error) {
	f, err := u.fleets.Local()
	if err != nil {
		return nil, err
	}
	return u.hubOf(f)
}

// OpenHub implements updates.Services for a hub policy connection string.
func (u updateServices) OpenHub(policyConnectionString string) (updates.Hub, error) {
	f, err := u.fleets.Open(policyConnectionString)
	if err != nil {
		return nil, err
	}
	return u.hubOf(f)
}

// hubOf is the Updates screen's hub over the registry client of a fleet
// the fleet source made.
func (u updateServices) hubOf(f devices.Fleet) (updates.Hub, error) {
	switch x := f.(type) {
	case localFleet:
		return updateHub{reg: x.Client, proxy: u.fleets.proxy, local: true}, nil
	case *registry.Client:
		return updateHub{reg: x, proxy: u.fleets.proxy}, nil
	}
	return nil, fmt.Errorf("updates: a hub of type %T has no registry client", f)
}

// updateHub is updates.Hub over one hub's registry.
type updateHub struct {
	reg   *registry.Client
	proxy func(*http.Request) (*url.URL, error) // for a storage account; nil = none
	local bool                                  // the hub running in this program
}

// Devices implements updates.Hub: every page of the query, up to listCap.
func (h updateHub) Devices(ctx context.Context, where string) ([]registry.DeviceSummary, error) {
	var out []registry.DeviceSummary
	err := h.reg.QueryPages(ctx, where, listPage, func(twins []registry.Twin) error {
		for _, tw := range twins {
			out = append(out, registry.Summary(tw))
		}
		if len(out) > listCap {
			return errListCapped
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
