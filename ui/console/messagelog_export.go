package console

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"regexp"
	"time"
)

// exportedEntry is one line of an export file.
type exportedEntry struct {
	Time          time.Time         `json:"time"`
	Kind          string            `json:"kind"`
	Title         string            `json:"title"`
	Topic         string            `json:"topic,omitempty"`
	Properties    map[string]string `json:"properties,omitempty"`
	Payload       any               `json:"payload,omitempty"`
	PayloadFormat string            `json:"payloadFormat,omitempty"`
	Truncated     int               `json:"truncatedBytes,omitempty"`
}

// writeJSONLines writes entries as JSON lines, one object per message.
// Anything shaped like a key or SAS signature is blanked first: entries
// carry none, but a payload someone typed might.
func writeJSONLines(w io.Writer, entries []*LogEntry) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(exportEntry(e)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func exportEntry(e *LogEntry) exportedEntry {
	out := exportedEntry{Time: e.Time, Kind: e.Kind.String(), Title: e.Title, Topic: e.Topic, Truncated: e.Truncated}
	if len(e.Props) > 0 {
		out.Properties = make(map[string]string, len(e.Props))
		for _, p := range e.Props {
			out.Properties[p.Name] = redactSecrets(p.Value)
		}
	}
	if len(e.Payload) > 0 {
		switch payloadFormat(e.Payload) {
		case formatJSON:
			out.Payload, out.PayloadFormat = json.RawMessage(redactSecrets(string(e.Payload))), formatJSON
		case formatText:
			out.Payload, out.PayloadFormat = redactSecrets(string(e.Payload)), formatText
		default:
			out.Payload, out.PayloadFormat = base64.StdEncoding.EncodeToString(e.Payload), "base64"
		}
	}
	return out
}

// secretPattern matches the secret parts of connection strings and SAS
// tokens: SharedAccessKey=…, sig=…, and a whole SharedAccessSignature.
var secretPattern = regexp.MustCompile(`(?i)(SharedAccessKey=|sig=)[^;&"\s]+|SharedAccessSignature=?\s*sr=[^;"\s]+`)

// redactSecrets blanks keys and signatures, keeping the text around them.
func redactSecrets(s string) string {
	if !secretPattern.MatchString(s) {
		return s
	}
	return secretPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := secretPattern.FindStringSubmatch(m)
		if sub[1] != "" {
			return sub[1] + "(removed)"
		}
		return "SharedAccessSignature (removed)"
	})
}
