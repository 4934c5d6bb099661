package registry

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// maxQueryAnswer caps one page of twins: a page of 1000 twins of a few
// KB each.
const maxQueryAnswer = 32 << 20

// Query runs "SELECT * FROM devices" with the given condition ("" for
// every device; a leading WHERE is allowed) and returns one page of at
// most pageSize twins (0: the hub's default of 100) and the continuation
// for the next page, "" after the last. Pass that continuation back with
// the same condition to go on.
func (c *Client) Query(ctx context.Context, where string, pageSize int, continuation string) ([]Twin, string, error) {
	body := map[string]string{"query": QueryText(where)}
	header := map[string]string{}
	if pageSize > 0 {
		header["x-ms-max-item-count"] = strconv.Itoa(pageSize)
	}
	if continuation != "" {
		header["x-ms-continuation"] = continuation
	}
	var twins []Twin
	var answered http.Header
	err := c.do(ctx, call{op: "query devices", method: http.MethodPost, path: "/devices/query",
		body: body, header: header, out: &twins, limit: maxQueryAnswer, answered: &answered})
	if err != nil {
		return nil, "", refine(err, "query")
	}
	return twins, answered.Get("x-ms-continuation"), nil
}

// QueryPages runs the query page by page, giving each page to fn, until
// the last page or until fn answers an error, which it returns.
func (c *Client) QueryPages(ctx context.Context, where string, pageSize int, fn func([]Twin) error) error {
	next := ""
	for {
		twins, more, err := c.Query(ctx, where, pageSize, next)
		if err != nil {
			return err
		}
		if err := fn(twins); err != nil {
			return err
		}
		if more == "" {
			return nil
		}
		next = more
	}
}

// QueryText is the whole query for a condition: "SELECT * FROM devices"
// plus " WHERE …" when the condition is not empty.
func QueryText(where string) string {
	where = strings.TrimSpace(where)
	if len(where) >= 5 && strings.EqualFold(where[:5], "WHERE") {
		where = strings.TrimSpace(where[5:])
	}
	if where == "" {
		return "SELECT * FROM devices"
	}
	return "SELECT * FROM devices WHERE " + where
}
