package localeinit

import "testing"

func TestSettle(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LC_ALL": "POSIX"}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, ""},
		{map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "zh_CN"}, "zh_CN"},
		{map[string]string{}, ""},
	}
	for _, tc := range tests {
		env := map[string]string{}
		for k, v := range tc.env {
			env[k] = v
		}
		Settle(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if env["LANGUAGE"] != tc.want {
			t.Errorf("%v: LANGUAGE = %q, want %q", tc.env, env["LANGUAGE"], tc.want)
		}
	}
}
