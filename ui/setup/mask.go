package setup

import (
	"regexp"
	"strings"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// secretShapes are how keys and tokens look inside a line of text:
// connection string parts and SAS tokens.
var secretShapes = []*regexp.Regexp{
	regexp.MustCompile(`(?i)(SharedAccessKey|SharedAccessSignature|sig|key)=[^;&\s"']+`),
	regexp.MustCompile(`(?i)SharedAccessSignature\s+\S+`),
}

// secretMask hides the plan's secrets in the text the pipeline reports.
// The pipeline promises to report none; the screen does not rely on it,
// because a row is easily caught in a photo or a screen share.
func secretMask(plan provision.Plan) func(string) string {
	var secrets []string
	add := func(s string) {
		if len(strings.TrimSpace(s)) >= 4 {
			secrets = append(secrets, strings.TrimSpace(s))
		}
	}
	for _, cs := range []string{plan.ConnectionString, plan.HubConnectionString, plan.CheckConnectionString} {
		add(cs)
		if parsed, err := cloud.ParseConnectionString(cs); err == nil {
			add(parsed.SharedAccessKey)
			add(parsed.SharedAccessSignature)
		}
	}
	add(plan.GroupKey)
	return func(text string) string {
		for _, s := range secrets {
			text = strings.ReplaceAll(text, s, widgets.MaskedText)
		}
		for _, re := range secretShapes {
			text = re.ReplaceAllStringFunc(text, maskShape)
		}
		return text
	}
}

// maskShape keeps the name of a secret ("SharedAccessKey=") and hides
// its value.
func maskShape(m string) string {
	if i := strings.IndexAny(m, "= \t"); i >= 0 {
		return m[:i+1] + widgets.MaskedText
	}
	return widgets.MaskedText
}
