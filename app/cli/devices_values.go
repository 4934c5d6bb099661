package cli

import (
	"encoding/json"
	"errors"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// jsonObject is a flag whose value must be a JSON object: a desired
// properties or tags patch.
type jsonObject struct{ m map[string]any }

func (j *jsonObject) String() string { return "" }

func (j *jsonObject) Set(v string) error {
	var m map[string]any
	if err := json.Unmarshal([]byte(v), &m); err != nil || m == nil {
		return errors.New(lang.L("is not a JSON object such as {\"interval\": 60}"))
	}
	j.m = m
	return nil
}

// jsonValue is a flag whose value must be JSON: a method payload.
type jsonValue struct{ raw json.RawMessage }

func (j *jsonValue) String() string { return "" }

func (j *jsonValue) Set(v string) error {
	if !json.Valid([]byte(v)) {
		return errors.New(lang.L("is not JSON: quote a text as \"\\\"text\\\"\", or give an object such as {\"delay\": 5}"))
	}
	j.raw = json.RawMessage(v)
	return nil
}

// checkDeviceIDs refuses a word that cannot be a device id.
func checkDeviceIDs(ids []string) error {
	for _, id := range ids {
		if err := cloud.ValidateDeviceID("ID", id); err != nil {
			return badArg(quote(id), fieldReason(err))
		}
	}
	return nil
}

// targets checks "ID... or --query": exactly one of the two.
func targets(ids []string, query string) error {
	switch {
	case len(ids) > 0 && query != "":
		return badArg("--query", lang.L("give device ids or --query, not both"))
	case len(ids) == 0 && query == "":
		return badArg("ID", lang.L("is missing: name the devices, or choose them with --query"))
	}
	return checkDeviceIDs(ids)
}
