package hubsim

import (
	"fmt"

	"qpyhub/cloud"
)

// AddDevice registers a new enabled device with generated keys.
func (s *Server) AddDevice(id string) (DeviceRecord, error) {
	if err := validDeviceID(id); err != nil {
		return DeviceRecord{}, err
	}
	return s.reg.putDevice(DeviceRecord{DeviceID: id}, true)
}

// PutDevice creates or replaces a device identity; empty keys are
// generated and an empty status means enabled. Disabling a connected
// device closes its connection, as IoT Hub does.
func (s *Server) PutDevice(rec DeviceRecord) (DeviceRecord, error) {
	if err := validDeviceID(rec.DeviceID); err != nil {
		return DeviceRecord{}, err
	}
	rec, err := s.reg.putDevice(rec, false)
	if err != nil {
		return DeviceRecord{}, err
	}
	if rec.Status != StatusEnabled {
		s.disconnectDevice(rec.DeviceID)
	}
	return rec, nil
}

// DeleteDevice removes a device, its twin, its kept telemetry and its
// queued messages, and closes its connection.
func (s *Server) DeleteDevice(id string) error {
	if err := s.reg.deleteDevice(id); err != nil {
		return err
	}
	s.disconnectDevice(id)
	s.twins.drop(id)
	s.telemetry.drop(id)
	s.c2d.drop(id)
	return nil
}

// validDeviceID refuses an id IoT Hub would refuse, as IoT Hub answers:
// 400 ArgumentInvalid.
func validDeviceID(id string) error {
	if err := cloud.ValidateDeviceID("deviceId", id); err != nil {
		return errBadRequest(fmt.Sprintf("device id %q: %v; use up to 128 letters, digits and - . %% _ * ? ! ( ) , : = @ $ '", id, err))
	}
	return nil
}

func (s *Server) disconnectDevice(id string) {
	if cl := s.presence.device(id); cl != nil {
		cl.Stop(errIdentityChanged)
	}
}

// Device returns the registry record of a device.
func (s *Server) Device(id string) (DeviceRecord, bool) {
	return s.reg.device(id)
}

// DeviceIDs lists the registered devices in order.
func (s *Server) DeviceIDs() []string {
	return s.reg.deviceIDs()
}

// DeviceConnectionString returns "HostName=…;DeviceId=…;SharedAccessKey=…"
// with the device's primary key.
func (s *Server) DeviceConnectionString(id string) (string, error) {
	rec, ok := s.reg.device(id)
	if !ok {
		return "", errDeviceNotFound(id)
	}
	return cloud.ConnectionString{HostName: s.cfg.HostName, DeviceID: rec.DeviceID, SharedAccessKey: rec.PrimaryKey}.String(), nil
}

// PolicyConnectionString returns the connection string of a shared access
// policy (iothubowner, registryReadWrite, registryRead, service, device,
// provisioningserviceowner), or "" for an unknown policy.
func (s *Server) PolicyConnectionString(policy string) string {
	p, ok := s.reg.policy(policy)
	if !ok {
		return ""
	}
	return cloud.ConnectionString{HostName: s.cfg.HostName, SharedAccessKeyName: p.Name, SharedAccessKey: p.PrimaryKey}.String()
}
