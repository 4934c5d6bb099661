package hubclient

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestParsePropertyBag(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Property
	}{
		{"empty", "", nil},
		{"one pair", "a=1", []Property{{Key: "a", Value: "1"}}},
		{"order kept", "z=1&a=2&m=3", []Property{{Key: "z", Value: "1"}, {Key: "a", Value: "2"}, {Key: "m", Value: "3"}}},
		{"null is bare key", "flag", []Property{{Key: "flag", Null: true}}},
		{"empty value is not null", "k=", []Property{{Key: "k"}}},
		{"dollar decoded", "%24.mid=42&%24.to=%2Fdevices%2Fd1%2Fmessages%2Fdevicebound",
			[]Property{{Key: "$.mid", Value: "42"}, {Key: "$.to", Value: "/devices/d1/messages/devicebound"}}},
		{"plus stays plus", "k=a+b%20c", []Property{{Key: "k", Value: "a+b c"}}},
		{"value with equals", "k=a%3Db=c", []Property{{Key: "k", Value: "a=b=c"}}},
		{"utf8", "name=%E4%B8%AD%E6%96%87", []Property{{Key: "name", Value: "中文"}}},
		{"stray ampersands", "&a=1&&b=2&", []Property{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}},
		{"duplicates kept", "a=1&a=2", []Property{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePropertyBag(tt.in)
			if err != nil {
				t.Fatalf("ParsePropertyBag(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got.All(), tt.want) {
				t.Errorf("ParsePropertyBag(%q) = %#v, want %#v", tt.in, got.All(), tt.want)
			}
		})
	}
}

func TestParsePropertyBagRejects(t *testing.T) {
	for _, in := range []string{"a=%zz", "%g1=2", "=value", "a=1&=2", "k=%"} {
		t.Run(in, func(t *testing.T) {
			_, err := ParsePropertyBag(in)
			if !errors.Is(err, ErrBadPropertyBag) {
				t.Errorf("ParsePropertyBag(%q) error = %v, want ErrBadPropertyBag", in, err)
			}
		})
	}
}

func TestPropertyBagGet(t *testing.T) {
	bag, err := ParsePropertyBag("a=1&n&e=&a=2")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key    string
		want   string
		wantOK bool
	}{
		{"a", "1", true}, {"n", "", true}, {"e", "", true}, {"missing", "", false},
	}
	for _, tt := range tests {
		got, ok := bag.Get(tt.key)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestPropertyBagEncode(t *testing.T) {
	tests := []struct {
		name  string
		build func(*PropertyBag)
		want  string
	}{
		{"empty", func(*PropertyBag) {}, ""},
		{"system literal dollar", func(b *PropertyBag) {
			b.Add("$.ct", "application/json")
			b.Add("$.ce", "utf-8")
		}, "$.ct=application%2Fjson&$.ce=utf-8"},
		{"space and reserved", func(b *PropertyBag) { b.Add("a b", "x&y=z+1") }, "a%20b=x%26y%3Dz%2B1"},
		{"app dollar key escaped", func(b *PropertyBag) { b.Add("$x", "1") }, "%24x=1"},
		{"null and empty", func(b *PropertyBag) { b.AddNull("n"); b.Add("e", "") }, "n&e="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b PropertyBag
			tt.build(&b)
			if got := b.Encode(); got != tt.want {
				t.Errorf("Encode() = %q, want %q", got, tt.want)
			}
			back, err := ParsePropertyBag(b.Encode())
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if !reflect.DeepEqual(back.All(), b.All()) {
				t.Errorf("round trip = %#v, want %#v", back.All(), b.All())
			}
		})
	}
}

func TestPropertyBagJSON(t *testing.T) {
	bag, err := ParsePropertyBag("z=1&a=%22q%22&n")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(bag)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":"1","a":"\"q\"","n":null}`; string(got) != want {
		t.Errorf("json = %s, want %s", got, want)
	}
}

func TestSplitSystemProperties(t *testing.T) {
	bag, err := ParsePropertyBag("%24.mid=m1&%24.cid=c1&%24.uid=u1&%24.to=%2Fdevices%2Fd%2Fmessages%2Fdevicebound" +
		"&%24.exp=2030-01-01T00%3A00%3A00Z&%24.ct=application%2Fjson&%24.ce=utf-8&color=red&%24.other=x&iothub-ack=full")
	if err != nil {
		t.Fatal(err)
	}
	app, sys := SplitSystemProperties(bag)
	wantSys := SystemProperties{MessageID: "m1", CorrelationID: "c1", UserID: "u1", To: "/devices/d/messages/devicebound",
		Expiry: "2030-01-01T00:00:00Z", ContentType: "application/json", ContentEncoding: "utf-8"}
	if sys != wantSys {
		t.Errorf("system = %+v, want %+v", sys, wantSys)
	}
	wantApp := []Property{{Key: "color", Value: "red"}, {Key: "$.other", Value: "x"}, {Key: "iothub-ack", Value: "full"}}
	if !reflect.DeepEqual(app.All(), wantApp) {
		t.Errorf("app = %#v, want %#v", app.All(), wantApp)
	}
}

func FuzzParsePropertyBag(f *testing.F) {
	for _, s := range []string{"", "a=1", "%24.mid=1&k", "k=&x=%2F", "a=%zz", "&&", "=", "k=a+b%20c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		bag, err := ParsePropertyBag(s)
		if err != nil {
			if !errors.Is(err, ErrBadPropertyBag) {
				t.Fatalf("error %v does not wrap ErrBadPropertyBag", err)
			}
			return
		}
		back, err := ParsePropertyBag(bag.Encode())
		if err != nil {
			t.Fatalf("Encode() = %q does not parse: %v", bag.Encode(), err)
		}
		if !reflect.DeepEqual(back.All(), bag.All()) {
			t.Fatalf("round trip of %q: %#v != %#v", s, back.All(), bag.All())
		}
	})
}
