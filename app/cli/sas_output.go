package cli

import (
	"fmt"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// sasCredentialsJSON is what "sas --json" prints; keys are never translated.
type sasCredentialsJSON struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	WebSocket      bool   `json:"websocket"`
	BrokerURL      string `json:"brokerUrl"`
	ClientID       string `json:"clientId"`
	Username       string `json:"username"`
	Password       string `json:"password"`
	ExpiresAt      string `json:"expiresAt"`
	DerivedKey     string `json:"derivedKey,omitempty"`
	IDScope        string `json:"idScope,omitempty"`
	RegistrationID string `json:"registrationId,omitempty"`
	QuecPython     string `json:"quecpython,omitempty"`
}

// fieldError is a bad value, blamed on src (a flag or an environment
// variable). Errors from package cloud never hold the secret value, so
// the line is safe to show.
func fieldError(src string, err error) error {
	return badArg(src, fieldWhy(err))
}

// warnLongLifetime says on stderr when a token outlives the 30 days past
// which a leak becomes hard to contain.
func (c sasCommand) warnLongLifetime(expiresAt time.Time) {
	if cloud.LifetimeWarning(expiresAt.Sub(c.now())) {
		c.note(lang.L("warning: this token is valid for more than 30 days; if it leaks it cannot be revoked except by changing the key"))
	}
}

func (c sasCommand) printCredentialsJSON(creds cloud.MQTTCredentials, f *sasSettings) error {
	out := sasCredentialsJSON{
		Host: creds.Host, Port: creds.Port, WebSocket: creds.WebSocket, BrokerURL: creds.BrokerURL(),
		ClientID: creds.ClientID, Username: creds.Username, Password: creds.Password,
		ExpiresAt:  creds.ExpiresAt.UTC().Format(time.RFC3339),
		DerivedKey: creds.DerivedKey, IDScope: creds.IDScope, RegistrationID: creds.RegistrationID,
	}
	if f.snippet {
		out.QuecPython = cloud.QuecPythonSnippet(creds, f.keepalive)
	}
	return writeJSON(c.stdout, out)
}

func (c sasCommand) printCredentials(creds cloud.MQTTCredentials) error {
	rows := [][2]string{
		{lang.L("Host"), creds.Host},
		{lang.L("Port"), fmt.Sprint(creds.Port)},
		{lang.L("Broker URL"), creds.BrokerURL()},
		{lang.L("Client ID"), creds.ClientID},
		{lang.L("Username"), creds.Username},
		{lang.L("Password"), creds.Password},
		{lang.L("Expires at"), creds.ExpiresAt.UTC().Format(time.RFC3339)},
	}
	if creds.IDScope != "" {
		rows = append(rows, [2]string{lang.L("ID scope"), creds.IDScope}, [2]string{lang.L("Registration ID"), creds.RegistrationID})
	}
	if creds.DerivedKey != "" {
		rows = append(rows, [2]string{lang.L("Derived device key"), creds.DerivedKey})
	}
	return c.printRows(rows)
}

// printRows prints "Label:  value" lines with the values aligned.
func (c sasCommand) printRows(rows [][2]string) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
	}
	if err := tw.Flush(); err != nil {
		return outputFailed(err)
	}
	return nil
}
