package netproxy

import "golang.org/x/sys/windows/registry"

// osProxySetting reads the proxy of the user's Internet settings (what
// Windows' Settings → Network → Proxy → "Use a proxy server" writes).
func osProxySetting() *osProxy {
	k, err := registry.OpenKey(registry.CURRENT_USER, `Software\Microsoft\Windows\CurrentVersion\Internet Settings`, registry.QUERY_VALUE)
	if err != nil {
		return nil
	}
	defer k.Close()
	enabled, _, err := k.GetIntegerValue("ProxyEnable")
	if err != nil {
		return nil
	}
	server, _, _ := k.GetStringValue("ProxyServer")
	override, _, _ := k.GetStringValue("ProxyOverride")
	return parseWindowsProxy(enabled != 0, server, override)
}
