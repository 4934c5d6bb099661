package devices

import (
	"context"

	"qpyhub/cloud/registry"
)

// pageSize is how many twins each query page asks for: a few screens of
// rows, so scrolling rarely waits.
const pageSize = 100

// prefetch is how close to the end of the loaded rows the list may show
// before the next page is asked for.
const prefetch = 20

// rows is what the list shows: the devices loaded so far for one search,
// and how to get more. It lives on the UI goroutine.
type rows struct {
	items   []registry.DeviceSummary
	next    string // continuation; "" when every page is in
	where   string
	loading bool
	// search counts searches, so a page arriving for an older search is
	// dropped.
	search int
}

// reset starts a new search.
func (r *rows) reset(where string) {
	r.items, r.next, r.where, r.loading = nil, "", where, false
	r.search++
}

// wantsMore reports whether showing row i should load the next page.
func (r *rows) wantsMore(i int) bool {
	return !r.loading && r.next != "" && i >= len(r.items)-prefetch
}

// page is one answer to a page request.
type page struct {
	search int
	items  []registry.DeviceSummary
	next   string
	err    error
}

// fetchPage asks the hub for the page after continuation; it runs off
// the UI goroutine.
func fetchPage(ctx context.Context, f Fleet, search int, where, continuation string) page {
	twins, next, err := f.Query(ctx, where, pageSize, continuation)
	p := page{search: search, next: next, err: err}
	for _, tw := range twins {
		p.items = append(p.items, registry.Summary(tw))
	}
	return p
}

// add takes a page in; a page of an older search changes nothing.
func (r *rows) add(p page) bool {
	if p.search != r.search {
		return false
	}
	r.loading = false
	if p.err != nil {
		return true
	}
	r.items = append(r.items, p.items...)
	r.next = p.next
	return true
}
