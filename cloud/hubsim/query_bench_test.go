package hubsim

import (
	"fmt"
	"testing"
)

// benchFleet is a hub with 10 000 devices; one in a hundred carries the
// tag site = 'rare', and every device reports a model.
func benchFleet(b *testing.B) *Server {
	b.Helper()
	recs := make([]DeviceRecord, 10000)
	for i := range recs {
		recs[i] = DeviceRecord{DeviceID: fmt.Sprintf("dev-%05d", i)}
	}
	s := startHub(b, Config{Devices: recs})
	for i, r := range recs {
		site := "common"
		if i%100 == 0 {
			site = "rare"
		}
		if _, err := s.updateTwin(r.DeviceID, nil, map[string]any{"site": site}); err != nil {
			b.Fatal(err)
		}
		if _, err := s.twins.patchReported(r.DeviceID, []byte(`{"qpyhub":{"model":"EC600N"}}`)); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkQuery10k is the Devices screen's and devices list's work on a
// hub of 10 000 devices: the first page of 100, every page of the whole
// registry, and a filter that matches 1 in 100 (each op one query, all
// its pages).
func BenchmarkQuery10k(b *testing.B) {
	s := benchFleet(b)
	cases := []struct {
		name, query string
		want        int
		onePage     bool
	}{
		{"first page", "SELECT * FROM devices", 100, true},
		{"all pages", "SELECT * FROM devices", 10000, false},
		{"filter 1 in 100", "SELECT * FROM devices WHERE tags.site = 'rare' AND properties.reported.qpyhub.model = 'EC600N'", 100, false},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				got, next := 0, ""
				for {
					page, more, err := s.QueryTwins(tc.query, defaultQueryPage, next)
					if err != nil {
						b.Fatal(err)
					}
					got += len(page)
					if more == "" || tc.onePage {
						break
					}
					next = more
				}
				if got != tc.want {
					b.Fatalf("%d twins, want %d", got, tc.want)
				}
			}
		})
	}
}
