package hubsim

import (
	"net/http"
	"strconv"
	"strings"
)

// maxQueryBody bounds a query request: the query text and little else.
const maxQueryBody = 8 << 10

// restQueryDevices takes {"query": "SELECT * FROM devices WHERE …"} and
// answers a JSON array of twins; x-ms-max-item-count sets the page size
// and x-ms-continuation travels both ways, as IoT Hub does it.
func (s *Server) restQueryDevices(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Query string `json:"query"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	pageSize := 0
	if v := strings.TrimSpace(r.Header.Get("x-ms-max-item-count")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errBadRequest("x-ms-max-item-count must be a whole number of 1 or more")
		}
		pageSize = n
	}
	twins, next, err := s.QueryTwins(body.Query, pageSize, r.Header.Get("x-ms-continuation"))
	if err != nil {
		return err
	}
	if next != "" {
		// Left out on the last page: the SDKs read "no header" as "no more".
		w.Header().Set("x-ms-continuation", next)
	}
	w.Header().Set("x-ms-item-type", "DeviceTwin")
	writeJSON(w, http.StatusOK, twins)
	return nil
}
