package hubclient

import (
	"errors"
	"reflect"
	"testing"
)

func TestTelemetryTopic(t *testing.T) {
	var bag PropertyBag
	SystemProperties{MessageID: "m 1", ContentType: "application/json"}.appendTo(&bag)
	bag.Add("temp", "21.5")
	tests := []struct {
		name, device, module string
		bag                  PropertyBag
		want                 string
	}{
		{"device no bag", "dev1", "", PropertyBag{}, "devices/dev1/messages/events/"},
		{"module", "dev1", "mod1", PropertyBag{}, "devices/dev1/modules/mod1/messages/events/"},
		{"with bag", "dev1", "", bag, "devices/dev1/messages/events/$.mid=m%201&$.ct=application%2Fjson&temp=21.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TelemetryTopic(tt.device, tt.module, tt.bag); got != tt.want {
				t.Errorf("TelemetryTopic = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseC2DTopic(t *testing.T) {
	tests := []struct {
		name, topic, wantID string
		want                []Property
	}{
		{"no bag", "devices/d1/messages/devicebound", "d1", nil},
		{"empty bag", "devices/d1/messages/devicebound/", "d1", nil},
		{"hub form", "devices/d-1/messages/devicebound/%24.mid=abc&%24.to=%2Fdevices%2Fd-1%2Fmessages%2Fdevicebound&k=v&n&e=",
			"d-1", []Property{{Key: "$.mid", Value: "abc"}, {Key: "$.to", Value: "/devices/d-1/messages/devicebound"},
				{Key: "k", Value: "v"}, {Key: "n", Null: true}, {Key: "e"}}},
		{"slash inside bag", "devices/d1/messages/devicebound/p=a/b", "d1", []Property{{Key: "p", Value: "a/b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, bag, err := ParseC2DTopic(tt.topic)
			if err != nil {
				t.Fatalf("ParseC2DTopic(%q): %v", tt.topic, err)
			}
			if id != tt.wantID || !reflect.DeepEqual(bag.All(), tt.want) {
				t.Errorf("ParseC2DTopic(%q) = %q, %#v; want %q, %#v", tt.topic, id, bag.All(), tt.wantID, tt.want)
			}
		})
	}
}

func TestParseC2DTopicRejects(t *testing.T) {
	for _, topic := range []string{"", "devices/", "devices//messages/devicebound", "devices/d1/messages/events/",
		"devices/d1/messages/deviceboundX", "dev/d1/messages/devicebound/", "devices/d1/messages/devicebound/k=%zz"} {
		t.Run(topic, func(t *testing.T) {
			_, _, err := ParseC2DTopic(topic)
			if !errors.Is(err, ErrBadTopic) && !errors.Is(err, ErrBadPropertyBag) {
				t.Errorf("ParseC2DTopic(%q) error = %v, want a topic or bag error", topic, err)
			}
		})
	}
}

func TestParseTwinResponseTopic(t *testing.T) {
	tests := []struct {
		topic string
		want  TwinResponse
		ok    bool
	}{
		{"$iothub/twin/res/200/?$rid=7", TwinResponse{Status: 200, RID: "7"}, true},
		{"$iothub/twin/res/204/?$rid=8&$version=12", TwinResponse{Status: 204, RID: "8", Version: 12}, true},
		{"$iothub/twin/res/429/?$rid=9", TwinResponse{Status: 429, RID: "9"}, true},
		{"$iothub/twin/res/abc/?$rid=9", TwinResponse{}, false},
		{"$iothub/twin/res/200", TwinResponse{}, false},
		{"$iothub/twin/res/204/?$rid=8&$version=x", TwinResponse{}, false},
		{"$iothub/twin/res/204/$rid=8", TwinResponse{}, false},
		{"$iothub/methods/POST/x/?$rid=1", TwinResponse{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			got, err := ParseTwinResponseTopic(tt.topic)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseTwinResponseTopic(%q) error = %v, want ok=%v", tt.topic, err, tt.ok)
			}
			if got != tt.want {
				t.Errorf("ParseTwinResponseTopic(%q) = %+v, want %+v", tt.topic, got, tt.want)
			}
		})
	}
}

func TestParseDesiredPatchTopic(t *testing.T) {
	tests := []struct {
		topic string
		want  int
		ok    bool
	}{
		{"$iothub/twin/PATCH/properties/desired/?$version=3", 3, true},
		{"$iothub/twin/PATCH/properties/desired/?$version=3&x=1", 3, true},
		{"$iothub/twin/PATCH/properties/desired/", 0, false},
		{"$iothub/twin/PATCH/properties/desired/?$version=", 0, false},
		{"$iothub/twin/PATCH/properties/reported/?$version=3", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			got, err := ParseDesiredPatchTopic(tt.topic)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseDesiredPatchTopic(%q) = %d, %v; want %d, ok=%v", tt.topic, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestParseMethodCallTopic(t *testing.T) {
	tests := []struct {
		topic, name, rid string
		ok               bool
	}{
		{"$iothub/methods/POST/reboot/?$rid=1", "reboot", "1", true},
		{"$iothub/methods/POST/set%20led/?$rid=abc", "set%20led", "abc", true},
		{"$iothub/methods/POST/reboot/", "", "", false},
		{"$iothub/methods/POST//?$rid=1", "", "", false},
		{"$iothub/methods/res/200/?$rid=1", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.topic, func(t *testing.T) {
			name, rid, err := ParseMethodCallTopic(tt.topic)
			if (err == nil) != tt.ok || name != tt.name || rid != tt.rid {
				t.Errorf("ParseMethodCallTopic(%q) = %q, %q, %v; want %q, %q, ok=%v", tt.topic, name, rid, err, tt.name, tt.rid, tt.ok)
			}
		})
	}
}

func TestRequestTopics(t *testing.T) {
	tests := []struct{ got, want string }{
		{TwinGetTopic("5"), "$iothub/twin/GET/?$rid=5"},
		{TwinPatchReportedTopic("6"), "$iothub/twin/PATCH/properties/reported/?$rid=6"},
		{MethodResponseTopic(200, "x1"), "$iothub/methods/res/200/?$rid=x1"},
		{MethodResponseTopic(404, "a b"), "$iothub/methods/res/404/?$rid=a%20b"},
		{C2DFilter("d1"), "devices/d1/messages/devicebound/#"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func FuzzParseC2DTopic(f *testing.F) {
	for _, s := range []string{
		"devices/d1/messages/devicebound/",
		"devices/d1/messages/devicebound/%24.mid=1&%24.to=%2Fdevices%2Fd1%2Fmessages%2Fdevicebound&k=v&n&e=",
		"devices/d1/messages/devicebound",
		"devices//messages/devicebound/",
		"devices/d1/messages/devicebound/a=%",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, topic string) {
		id, bag, err := ParseC2DTopic(topic)
		if err != nil {
			if !errors.Is(err, ErrBadTopic) && !errors.Is(err, ErrBadPropertyBag) {
				t.Fatalf("error %v wraps neither ErrBadTopic nor ErrBadPropertyBag", err)
			}
			return
		}
		if id == "" {
			t.Fatalf("ParseC2DTopic(%q) accepted an empty device id", topic)
		}
		rebuilt := "devices/" + id + "/messages/devicebound/" + bag.Encode()
		id2, bag2, err := ParseC2DTopic(rebuilt)
		if err != nil || id2 != id || !reflect.DeepEqual(bag2.All(), bag.All()) {
			t.Fatalf("rebuilt %q parses to %q, %#v, %v; want %q, %#v", rebuilt, id2, bag2.All(), err, id, bag.All())
		}
	})
}
