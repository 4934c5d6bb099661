package hubsim

import (
	"reflect"
	"testing"
)

func strp(s string) *string { return &s }

func TestEncodeBag(t *testing.T) {
	tests := []struct {
		name  string
		pairs []bagPair
		want  string
	}{
		{"system property", []bagPair{{"$.mid", strp("abc")}}, "%24.mid=abc"},
		{"space and reserved characters", []bagPair{{"k y", strp("a+b&c=d/e#f")}}, "k%20y=a%2Bb%26c%3Dd%2Fe%23f"},
		{"null and empty", []bagPair{{"n", nil}, {"e", strp("")}}, "n&e="},
		{"nothing", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := encodeBag(tc.pairs); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDecodeBag(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"$.ct=application%2Fjson&$.ce=utf-8", map[string]string{"$.ct": "application/json", "$.ce": "utf-8"}},
		{"%24.mid=m%201&a+b=c", map[string]string{"$.mid": "m 1", "a b": "c"}},
		{"flag&e=", map[string]string{"flag": "", "e": ""}},
		{"bad=%zz", map[string]string{"bad": "%zz"}},
		{"", map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := decodeBag(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzBagRoundTrip checks that whatever the hub encodes, it decodes back.
func FuzzBagRoundTrip(f *testing.F) {
	f.Add("$.mid", "a b&c")
	f.Add("名", "值=1")
	f.Fuzz(func(t *testing.T, k, v string) {
		if k == "" {
			return
		}
		got := decodeBag(encodeBag([]bagPair{{k, &v}}))
		if len(got) != 1 || got[k] != v {
			t.Fatalf("%q=%q came back as %v", k, v, got)
		}
	})
}
