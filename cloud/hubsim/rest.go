package hubsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"qpyhub/cloud"
)

// restHandler routes the service REST endpoints of IoT Hub and DPS.
func (s *Server) restHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("PUT /devices/{id}", s.authorize(RightRegistryWrite, maxRegistryBody, s.restPutDevice))
	mux.Handle("GET /devices/{id}", s.authorize(RightRegistryRead, 0, s.restGetDevice))
	mux.Handle("DELETE /devices/{id}", s.authorize(RightRegistryWrite, 0, s.restDeleteDevice))
	mux.Handle("GET /twins/{id}", s.authorize(RightServiceConnect, 0, s.restGetTwin))
	mux.Handle("PATCH /twins/{id}", s.authorize(RightServiceConnect, maxTwinBody, s.restPatchTwin))
	mux.Handle("POST /twins/{id}/methods", s.authorize(RightServiceConnect, maxMethodBody, s.restInvokeMethod))
	mux.Handle("POST /devices/{id}/messages/deviceBound", s.authorize(RightServiceConnect, maxC2DSize, s.restSendC2D))
	mux.Handle("GET /devices/{id}/messages/events", s.authorize(RightServiceConnect, 0, s.restTelemetry))
	mux.Handle("POST /devices/query", s.authorize(RightRegistryRead, maxQueryBody, s.restQueryDevices))
	s.routeJobs(mux)
	s.routeFiles(mux)
	mux.Handle("PUT /enrollmentGroups/{id}", s.authorize(RightEnrollmentWrite, maxRegistryBody, s.restPutEnrollmentGroup))
	mux.Handle("PUT /enrollments/{id}", s.authorize(RightEnrollmentWrite, maxRegistryBody, s.restPutEnrollment))
	return mux
}

// authorize checks "Authorization: SharedAccessSignature sr=…&sig=…&se=…&skn=…"
// against the policy named by skn, and that the policy has right. The
// request body may hold at most maxBody bytes (none for 0).
func (s *Server) authorize(right string, maxBody int64, next func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.checkPolicyToken(r.Header.Get("Authorization"), right, r.URL.Path); err != nil {
			writeError(w, err)
			return
		}
		if r.ContentLength > maxBody {
			writeError(w, errTooLarge(r.ContentLength, maxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := next(w, r); err != nil {
			writeError(w, err)
		}
	})
}

func (s *Server) checkPolicyToken(header, right, path string) error {
	if header == "" {
		return errUnauthorized("no Authorization header; send a SharedAccessSignature made with a policy key")
	}
	tok, err := cloud.ParseSASToken(header)
	if err != nil {
		return errUnauthorized("the Authorization header is not a SharedAccessSignature: " + err.Error())
	}
	p, ok := s.reg.policy(tok.KeyName)
	if tok.KeyName == "" || !ok {
		return errUnauthorized(fmt.Sprintf("skn %q is not a shared access policy of this hub", tok.KeyName))
	}
	if !resourceCovers(tok.Resource, s.cfg.HostName+path) {
		return errUnauthorized(fmt.Sprintf("the token's sr %q does not cover %s%s", tok.Resource, s.cfg.HostName, path))
	}
	if err := s.checkExpiry(tok); err != nil {
		return errUnauthorized("the " + err.Error() + "; make a new one")
	}
	if !signedByAny(tok, []string{p.PrimaryKey, p.SecondaryKey}) {
		return errUnauthorized(fmt.Sprintf("the signature does not match the keys of policy %q", p.Name))
	}
	if !hasRight(p, right) {
		return errUnauthorized(fmt.Sprintf("policy %q lacks the %s right this call needs", p.Name, right))
	}
	return nil
}

// writeError answers with IoT Hub's error body: {"Message":"ErrorCode:…;…",
// "ExceptionMessage":"Tracking ID:…"}, plus the numeric errorCode of the
// newer form. (No lower-case "message": Go's JSON decoding would fold it
// onto "Message".)
func writeError(w http.ResponseWriter, err error) {
	var se *ServiceError
	if !errors.As(err, &se) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			se = errTooLarge(-1, mbe.Limit)
		} else {
			se = &ServiceError{http.StatusInternalServerError, 500001, "ServerError", err.Error()}
		}
	}
	writeJSON(w, se.Status, map[string]any{
		"Message":          "ErrorCode:" + se.Name + ";" + se.Message,
		"ExceptionMessage": "Tracking ID:" + strings.ReplaceAll(newUUID(), "-", "") + "-TimeStamp:" + time.Now().UTC().Format("01/02/2006 15:04:05"),
		"errorCode":        se.Code,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes a request body into v.
func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errBadRequest("the request body is not the JSON this call takes: " + err.Error())
	}
	return nil
}
