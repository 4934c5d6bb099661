package dps

import (
	"qpyhub/cloud/internal/wsdial"

	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// These cases are answers the local service never gives (throttling,
// failed assignments, garbage), checked on the decision functions alone.
func TestFinalAnswers(t *testing.T) {
	r := &registration{cfg: Config{RegistrationID: "reg-1"}}
	tests := []struct {
		name       string
		body       string
		want       Assignment
		wantReason string
		wantCode   int
	}{
		{"assigned", `{"operationId":"4.x","status":"assigned","registrationState":{"assignedHub":"h.azure-devices.net","deviceId":"reg-1","status":"assigned","substatus":"initialAssignment"}}`,
			Assignment{"h.azure-devices.net", "reg-1", "assigned", "initialAssignment"}, "", 0},
		{"failed", `{"operationId":"4.x","status":"failed","registrationState":{"status":"failed","errorCode":400207,"errorMessage":"Custom allocation failed"}}`,
			Assignment{}, ReasonFailed, 400207},
		{"disabled", `{"operationId":"4.x","status":"disabled","registrationState":{"status":"disabled","errorCode":401002,"errorMessage":"disabled"}}`,
			Assignment{}, ReasonDisabled, 401002},
		{"assigned without hub", `{"operationId":"4.x","status":"assigned","registrationState":{"deviceId":"reg-1"}}`,
			Assignment{}, ReasonBadAnswer, 0},
		{"no state", `{"operationId":"4.x","status":"assigned"}`, Assignment{}, ReasonBadAnswer, 0},
		{"unknown status", `{"operationId":"4.x","status":"pondering","registrationState":{}}`, Assignment{}, ReasonBadAnswer, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var op operation
			if err := json.Unmarshal([]byte(tc.body), &op); err != nil {
				t.Fatal(err)
			}
			got, err := r.final(200, op)
			if tc.wantReason == "" {
				if err != nil || got != tc.want {
					t.Fatalf("final = %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			var re *RegistrationError
			if !errors.As(err, &re) || re.Reason != tc.wantReason || re.ErrorCode != tc.wantCode || re.RegistrationID != "reg-1" || re.Status != 200 {
				t.Fatalf("final error = %v, want reason %q code %d", err, tc.wantReason, tc.wantCode)
			}
		})
	}
}

func TestRefusedAnswers(t *testing.T) {
	r := &registration{cfg: Config{RegistrationID: "reg-1"}}
	tests := []struct {
		status int
		body   string
		reason string
		code   int
	}{
		{401, `{"errorCode":401002,"message":"Unauthorized"}`, ReasonNotAuthorized, 401002},
		{404, `{"errorCode":404203,"message":"operation unknown"}`, ReasonUnknownOp, 404203},
		{429, `{"errorCode":429001,"message":"throttled"}`, ReasonThrottled, 429001},
		{500, `not json`, ReasonServiceFailed, 0},
		{400, `{"errorCode":400004,"message":"bad body"}`, ReasonRejected, 400004},
	}
	for _, tc := range tests {
		re := r.refused(response{status: tc.status, body: []byte(tc.body)})
		if re.Reason != tc.reason || re.ErrorCode != tc.code || re.Status != tc.status || re.OperationStatus != "" {
			t.Errorf("refused(%d, %s) = %+v, want reason %q code %d", tc.status, tc.body, re, tc.reason, tc.code)
		}
	}
}

// TestReasonsListed checks that Reasons() names every Reason constant of
// the package, so a translation table built from it misses none.
func TestReasonsListed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			for i, name := range spec.(*ast.ValueSpec).Names {
				if lit, ok := spec.(*ast.ValueSpec).Values[i].(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "Reason") {
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					declared[v] = true
				}
			}
		}
	}
	for _, r := range wsdial.Reasons() { // the proxy's, passed on
		declared[r] = true
	}
	listed := map[string]bool{}
	for _, r := range Reasons() {
		if !declared[r] || listed[r] {
			t.Errorf("Reasons() lists %q, which is not a Reason constant or is listed twice", r)
		}
		listed[r] = true
	}
	if len(listed) != len(declared) || len(declared) == 0 {
		t.Errorf("Reasons() lists %d reasons, errors.go declares %d", len(listed), len(declared))
	}
}
