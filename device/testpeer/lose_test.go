package testpeer

import (
	"strings"
	"testing"
)

func TestLoserDropsOnceAfterTheMarker(t *testing.T) {
	cases := []struct {
		chunks []string
		lose   Lose
		want   string
	}{
		{[]string{"abcMARKdefghij"}, Lose{"MARK", 0, 3}, "abcMARKghij"},
		{[]string{"abcMA", "RKdefg", "hij"}, Lose{"MARK", 0, 3}, "abcMARKghij"},
		{[]string{"abcMARK", "d", "ef", "ghij"}, Lose{"MARK", 0, 3}, "abcMARKghij"},
		{[]string{"MARKdefMARKdef"}, Lose{"MARK", 0, 3}, "MARKMARKdef"},
		{[]string{"no marker here"}, Lose{"MARK", 0, 3}, "no marker here"},
		{[]string{"xMARK"}, Lose{"MARK", 0, 0}, "xMARK"},
		{[]string{"MARKab", "cMARKabcd"}, Lose{"MARK", 2, 2}, "MARKabcMARKcd"},
		{[]string{"MAR", "KMA", "RKabcd"}, Lose{"MARK", 2, 1}, "MARKMARKbcd"},
	}
	for _, tc := range cases {
		l := newLoser(&tc.lose)
		var got strings.Builder
		for _, c := range tc.chunks {
			got.Write(l.filter([]byte(c)))
		}
		if got.String() != tc.want {
			t.Errorf("%q with %+v: got %q, want %q", tc.chunks, tc.lose, got.String(), tc.want)
		}
	}
}
