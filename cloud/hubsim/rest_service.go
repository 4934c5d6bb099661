package hubsim

import (
	"encoding/json"
	"net/http"
	"time"
)

func (s *Server) restGetTwin(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.Twin(r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// restPatchTwin takes {"properties":{"desired":{…}},"tags":{…}} and
// answers with the whole twin.
func (s *Server) restPatchTwin(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Tags       map[string]any `json:"tags"`
		Properties struct {
			Desired map[string]any `json:"desired"`
		} `json:"properties"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	desired := body.Properties.Desired
	if desired != nil {
		delete(desired, "$version")
		delete(desired, "$metadata")
	}
	id := r.PathValue("id")
	if _, err := s.updateTwin(id, desired, body.Tags); err != nil {
		return err
	}
	return s.restGetTwin(w, r)
}

// restInvokeMethod takes {"methodName","payload","responseTimeoutInSeconds"}
// and answers {"status","payload"}.
func (s *Server) restInvokeMethod(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		MethodName      string          `json:"methodName"`
		Payload         json.RawMessage `json:"payload"`
		ResponseTimeout int             `json:"responseTimeoutInSeconds"`
	}
	if err := readJSON(r, &body); err != nil {
		return err
	}
	if body.ResponseTimeout < 0 || body.ResponseTimeout > 300 {
		return errBadRequest("responseTimeoutInSeconds must be between 5 and 300")
	}
	status, payload, err := s.InvokeMethod(r.Context(), r.PathValue("id"), body.MethodName, body.Payload,
		time.Duration(body.ResponseTimeout)*time.Second)
	if err != nil {
		return err
	}
	if payload == nil {
		payload = json.RawMessage("null")
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": status, "payload": payload})
	return nil
}
