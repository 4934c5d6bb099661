package hubsim

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// Policy is a shared access policy of the hub: a named key with rights.
type Policy struct {
	Name         string   `json:"name"`
	PrimaryKey   string   `json:"primaryKey"`
	SecondaryKey string   `json:"secondaryKey,omitempty"`
	Rights       []string `json:"rights"`
}

// Rights a policy can hold, as IoT Hub and DPS name them.
const (
	RightRegistryRead   = "RegistryRead"
	RightRegistryWrite  = "RegistryWrite"
	RightServiceConnect = "ServiceConnect"
	RightDeviceConnect  = "DeviceConnect"
	RightEnrollmentRead = "EnrollmentRead"
	// RightEnrollmentWrite is a DPS right; hubsim also grants it to
	// iothubowner because one local process plays both services.
	RightEnrollmentWrite = "EnrollmentWrite"
)

// EnrollmentGroup is a DPS enrollment group with a symmetric key: every
// member derives its own key from it.
type EnrollmentGroup struct {
	ID           string `json:"enrollmentGroupId"`
	PrimaryKey   string `json:"primaryKey"`
	SecondaryKey string `json:"secondaryKey,omitempty"`
	Enabled      bool   `json:"enabled"`
}

// Enrollment is an individual DPS enrollment with its own key.
type Enrollment struct {
	RegistrationID string `json:"registrationId"`
	PrimaryKey     string `json:"primaryKey"`
	SecondaryKey   string `json:"secondaryKey,omitempty"`
	Enabled        bool   `json:"enabled"`
}

// registryFile is the JSON shape of Config.RegistryFile.
type registryFile struct {
	Devices          []DeviceRecord    `json:"devices"`
	Policies         []Policy          `json:"policies"`
	EnrollmentGroups []EnrollmentGroup `json:"enrollmentGroups,omitempty"`
	Enrollments      []Enrollment      `json:"enrollments,omitempty"`
	CA               *storedCA         `json:"ca,omitempty"`
}

// defaultPolicies are the policies a new IoT Hub comes with, plus the DPS
// owner policy that the same process answers for.
func defaultPolicies() []Policy {
	return []Policy{
		{Name: "iothubowner", Rights: []string{RightRegistryRead, RightRegistryWrite, RightServiceConnect, RightDeviceConnect, RightEnrollmentRead, RightEnrollmentWrite}},
		{Name: "service", Rights: []string{RightServiceConnect}},
		{Name: "device", Rights: []string{RightDeviceConnect}},
		{Name: "registryRead", Rights: []string{RightRegistryRead}},
		{Name: "registryReadWrite", Rights: []string{RightRegistryRead, RightRegistryWrite}},
		{Name: "provisioningserviceowner", Rights: []string{RightEnrollmentRead, RightEnrollmentWrite}},
	}
}

// registry holds identities, policies and enrollments, and writes them to
// its file (if any) after every change.
type registry struct {
	mu          sync.Mutex
	path        string
	devices     map[string]DeviceRecord
	policies    map[string]Policy
	groups      map[string]EnrollmentGroup
	enrollments map[string]Enrollment
	ca          *storedCA
}

// newRegistry loads path (when set and present), adds extra devices and
// any missing default policy, and saves the result.
func newRegistry(path string, extra []DeviceRecord) (*registry, error) {
	r := &registry{
		path:        path,
		devices:     map[string]DeviceRecord{},
		policies:    map[string]Policy{},
		groups:      map[string]EnrollmentGroup{},
		enrollments: map[string]Enrollment{},
	}
	if path != "" {
		if err := r.load(); err != nil {
			return nil, err
		}
	}
	for _, d := range extra {
		d, err := completeDevice(d)
		if err != nil {
			return nil, err
		}
		r.devices[d.DeviceID] = d
	}
	for _, p := range defaultPolicies() {
		if _, ok := r.policies[p.Name]; ok {
			continue
		}
		p.PrimaryKey, p.SecondaryKey = newKey(), newKey()
		r.policies[p.Name] = p
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r, r.saveLocked()
}

func (r *registry) load() error {
	b, err := os.ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("hubsim: read registry %s: %w", r.path, err)
	}
	var f registryFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("hubsim: registry %s is not valid JSON (fix or delete it): %w", r.path, err)
	}
	for _, d := range f.Devices {
		d, err := completeDevice(d)
		if err != nil {
			return fmt.Errorf("hubsim: registry %s: %w", r.path, err)
		}
		r.devices[d.DeviceID] = d
	}
	for _, p := range f.Policies {
		r.policies[p.Name] = p
	}
	for _, g := range f.EnrollmentGroups {
		r.groups[g.ID] = g
	}
	for _, e := range f.Enrollments {
		r.enrollments[e.RegistrationID] = e
	}
	r.ca = f.CA
	return nil
}

// saveLocked writes the registry atomically: a temporary file in the same
// directory, then a rename, so a crash never leaves half a file.
func (r *registry) saveLocked() error {
	if r.path == "" {
		return nil
	}
	f := registryFile{
		Devices:          sortedValues(r.devices),
		Policies:         sortedValues(r.policies),
		EnrollmentGroups: sortedValues(r.groups),
		Enrollments:      sortedValues(r.enrollments),
		CA:               r.ca,
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("hubsim: encode registry: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.path), ".registry-*.tmp")
	if err != nil {
		return fmt.Errorf("hubsim: save registry next to %s: %w", r.path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("hubsim: save registry %s: %w", r.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("hubsim: save registry %s: %w", r.path, err)
	}
	if err := os.Rename(tmp.Name(), r.path); err != nil {
		return fmt.Errorf("hubsim: save registry %s: %w", r.path, err)
	}
	return nil
}

// keptCA returns the CA the registry file holds, or nil.
func (r *registry) keptCA() *storedCA {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ca
}

// putCA keeps a new CA (saved only when the registry has a file).
func (r *registry) putCA(ca storedCA) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ca = &ca
	return r.saveLocked()
}

func (r *registry) device(id string) (DeviceRecord, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok := r.devices[id]
	return d, ok
}

func (r *registry) deviceIDs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, 0, len(r.devices))
	for id := range r.devices {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// putDevice stores d, filling in missing keys and status. With create
// set it refuses an id that exists.
func (r *registry) putDevice(d DeviceRecord, create bool) (DeviceRecord, error) {
	d, err := completeDevice(d)
	if err != nil {
		return DeviceRecord{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.devices[d.DeviceID]; ok && create {
		return DeviceRecord{}, errDeviceExists(d.DeviceID)
	}
	r.devices[d.DeviceID] = d
	return d, r.saveLocked()
}

func (r *registry) deleteDevice(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.devices[id]; !ok {
		return errDeviceNotFound(id)
	}
	delete(r.devices, id)
	return r.saveLocked()
}

func (r *registry) policy(name string) (Policy, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, ok := r.policies[name]
	return p, ok
}

func (r *registry) putGroup(g EnrollmentGroup) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.groups[g.ID] = g
	return r.saveLocked()
}

func (r *registry) putEnrollment(e Enrollment) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.enrollments[e.RegistrationID] = e
	return r.saveLocked()
}

func (r *registry) enrollment(regID string) (Enrollment, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.enrollments[regID]
	return e, ok
}

func (r *registry) allGroups() []EnrollmentGroup {
	r.mu.Lock()
	defer r.mu.Unlock()
	return sortedValues(r.groups)
}

// completeDevice generates missing keys and defaults the status.
func completeDevice(d DeviceRecord) (DeviceRecord, error) {
	if d.DeviceID == "" {
		return d, errBadRequest("a device needs a deviceId")
	}
	if d.PrimaryKey == "" {
		d.PrimaryKey = newKey()
	}
	if d.SecondaryKey == "" {
		d.SecondaryKey = newKey()
	}
	if err := checkSymmetricKeys("device "+d.DeviceID, d.PrimaryKey, d.SecondaryKey); err != nil {
		return d, err
	}
	switch d.Status {
	case "":
		d.Status = StatusEnabled
	case StatusEnabled, StatusDisabled:
	default:
		return d, errBadRequest(fmt.Sprintf("device %s: status must be %q or %q", d.DeviceID, StatusEnabled, StatusDisabled))
	}
	return d, nil
}

// newKey returns a fresh 256-bit symmetric key in base64, the form IoT Hub
// generates.
func newKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.StdEncoding.EncodeToString(b)
}

// Symmetric key sizes IoT Hub and DPS accept, in bytes once decoded.
const (
	minKeyBytes = 16
	maxKeyBytes = 64
)

// checkSymmetricKeys refuses keys IoT Hub refuses: not base64 (padding may
// be left off), or shorter than 16 or longer than 64 bytes.
func checkSymmetricKeys(owner string, keys ...string) error {
	for _, k := range keys {
		b, err := base64.StdEncoding.DecodeString(k)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(k)
		}
		switch {
		case err != nil:
			return errBadRequest(owner + ": a symmetric key is not base64")
		case len(b) < minKeyBytes || len(b) > maxKeyBytes:
			return errBadRequest(fmt.Sprintf("%s: a symmetric key of %d bytes; IoT Hub takes %d to %d", owner, len(b), minKeyBytes, maxKeyBytes))
		}
	}
	return nil
}

// sortedValues returns a map's values ordered by key, for a stable file.
func sortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}
