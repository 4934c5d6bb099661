package settings

import (
	"testing"

	"qpyhub/app/netproxy"
	"qpyhub/app/prefstore"
)

func TestLoadSettingsIgnoresUnknownValues(t *testing.T) {
	p := prefstore.InMemory()
	p.SetString(prefTheme, "purple")
	p.SetString(prefLanguage, "klingon")
	p.SetInt(prefBaudRate, 1234)
	p.SetInt(prefConsoleCapacity, 0)
	p.SetString(prefLogLevel, "loud")
	p.SetString(prefProxyMode, "pac")
	if got := Load(p); got != Default() {
		t.Errorf("got %+v, want the defaults", got)
	}
}

func TestProxyConfigCarriesThePassword(t *testing.T) {
	s := Default()
	s.ProxyMode, s.ProxyURL, s.ProxyUser, s.ProxyPassword = netproxy.Manual, "http://proxy.corp:3128", "tech", "pw"
	want := netproxy.Config{Mode: netproxy.Manual, URL: "http://proxy.corp:3128", User: "tech", Password: "pw"}
	if got := s.ProxyConfig(); got != want {
		t.Errorf("ProxyConfig() = %+v, want %+v", got, want)
	}
}
