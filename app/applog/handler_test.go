package applog

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// identity prints its key, as a careless type might.
type identity struct{ Host, Key string }

func (id identity) String() string { return id.Host + " key " + id.Key }

func TestHandlerMasksEveryPlaceASecretCanHide(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	token := "SharedAccessSignature sr=h%2Fdevices%2Fd1&sig=" + sig + "&se=1"

	log.Debug("minted "+token, "device", "d1")
	log.Info("connect", "password", "plain-password-1", "deviceKey", "anything")
	log.Info("wrapped", "err", fmt.Errorf("dial: %w", errors.New("refused with "+token)))
	log.Info("stringer", "id", identity{"h", key32})
	log.Info("bytes", "body", []byte(`{"primaryKey":"`+key32+`"}`))
	log.Info("struct", "cfg", struct{ Host, Secret string }{"h", "plain-secret-2"})
	log.Info("group", slog.Group("auth", "token", "plain-token-3", "user", "h/d1"))
	log.With("connection", "HostName=h;DeviceId=d1;SharedAccessKey="+key32).Info("with attrs")
	log.WithGroup("dps").Info("group key", "value", key64)

	out := buf.String()
	for _, secret := range []string{sig, key32, key64, "plain-password-1", "anything", "plain-secret-2", "plain-token-3"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	for _, keep := range []string{`"device":"d1"`, `"user":"h/d1"`, "HostName=h;DeviceId=d1", `"msg":"minted SharedAccessSignature ****"`} {
		if !strings.Contains(out, keep) {
			t.Errorf("log lost %q:\n%s", keep, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 9 {
		t.Errorf("%d records, want 9:\n%s", n, out)
	}
}

func TestHandlerKeepsTheLevel(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewRedactingHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	log.Info("hidden")
	log.Warn("shown")
	if out := buf.String(); strings.Contains(out, "hidden") || !strings.Contains(out, "shown") {
		t.Errorf("level not kept:\n%s", out)
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"debug": slog.LevelDebug, "DEBUG": slog.LevelDebug, "info": slog.LevelInfo, " warn ": slog.LevelWarn,
		"warning": slog.LevelWarn, "error": slog.LevelError, "": slog.LevelInfo, "loud": slog.LevelInfo,
	} {
		if got := ParseLevel(in); got != want {
			t.Errorf("ParseLevel(%q) = %v, want %v", in, got, want)
		}
	}
}
