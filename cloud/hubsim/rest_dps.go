package hubsim

import (
	"net/http"
	"strings"
)

// attestationJSON is the symmetric-key attestation of a DPS enrollment.
type attestationJSON struct {
	Type         string `json:"type"`
	SymmetricKey struct {
		PrimaryKey   string `json:"primaryKey"`
		SecondaryKey string `json:"secondaryKey"`
	} `json:"symmetricKey"`
}

// enrollmentJSON is the shape of both DPS enrollment kinds.
type enrollmentJSON struct {
	EnrollmentGroupID  string          `json:"enrollmentGroupId,omitempty"`
	RegistrationID     string          `json:"registrationId,omitempty"`
	Attestation        attestationJSON `json:"attestation"`
	ProvisioningStatus string          `json:"provisioningStatus"`
}

func readEnrollment(r *http.Request) (enrollmentJSON, bool, error) {
	var body enrollmentJSON
	if err := readJSON(r, &body); err != nil {
		return body, false, err
	}
	if t := body.Attestation.Type; t != "" && !strings.EqualFold(t, "symmetricKey") {
		return body, false, errBadRequest("the local DPS supports only attestation type \"symmetricKey\"")
	}
	switch body.ProvisioningStatus {
	case "", "enabled":
		return body, true, nil
	case "disabled":
		return body, false, nil
	}
	return body, false, errBadRequest(`provisioningStatus must be "enabled" or "disabled"`)
}

func (s *Server) restPutEnrollmentGroup(w http.ResponseWriter, r *http.Request) error {
	body, enabled, err := readEnrollment(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if body.EnrollmentGroupID != "" && body.EnrollmentGroupID != id {
		return errBadRequest("enrollmentGroupId in the body differs from the one in the path")
	}
	g := EnrollmentGroup{ID: id, PrimaryKey: body.Attestation.SymmetricKey.PrimaryKey,
		SecondaryKey: body.Attestation.SymmetricKey.SecondaryKey, Enabled: enabled}
	if err := s.putEnrollmentGroup(g); err != nil {
		return err
	}
	for _, stored := range s.reg.allGroups() {
		if stored.ID == id {
			body.EnrollmentGroupID = id
			body.Attestation.Type = "symmetricKey"
			body.Attestation.SymmetricKey.PrimaryKey = stored.PrimaryKey
			body.Attestation.SymmetricKey.SecondaryKey = stored.SecondaryKey
		}
	}
	body.ProvisioningStatus = provisioningStatus(enabled)
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) restPutEnrollment(w http.ResponseWriter, r *http.Request) error {
	body, enabled, err := readEnrollment(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if body.RegistrationID != "" && body.RegistrationID != id {
		return errBadRequest("registrationId in the body differs from the one in the path")
	}
	e := Enrollment{RegistrationID: id, PrimaryKey: body.Attestation.SymmetricKey.PrimaryKey,
		SecondaryKey: body.Attestation.SymmetricKey.SecondaryKey, Enabled: enabled}
	if err := s.putEnrollment(e); err != nil {
		return err
	}
	stored, _ := s.reg.enrollment(id)
	body.RegistrationID = id
	body.Attestation.Type = "symmetricKey"
	body.Attestation.SymmetricKey.PrimaryKey = stored.PrimaryKey
	body.Attestation.SymmetricKey.SecondaryKey = stored.SecondaryKey
	body.ProvisioningStatus = provisioningStatus(enabled)
	writeJSON(w, http.StatusOK, body)
	return nil
}

func provisioningStatus(enabled bool) string {
	if enabled {
		return "enabled"
	}
	return "disabled"
}
