package dps

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud"
	"qpyhub/cloud/internal/connfail"
	"qpyhub/cloud/internal/wsdial"
)

// Assignment is where DPS put the device.
type Assignment struct {
	AssignedHub string // the IoT Hub host, e.g. "myhub.azure-devices.net"
	DeviceID    string // the device id in that hub
	Status      string // "assigned"
	SubStatus   string // e.g. "initialAssignment", "reprovisionedToInitialAssignment"
}

// maxTransient is how many throttled or failed answers in a row Register
// retries before it gives up.
const maxTransient = 5

// answerBuffer holds DPS answers between paho and Register; one request
// is in flight at a time, so a few slots are plenty.
const answerBuffer = 8

// disconnectQuiesce is how long (ms) a finished registration waits for
// its DISCONNECT to go out; Disconnect returns as soon as it has.
const disconnectQuiesce = 250

// Register signs in to DPS as cfg.RegistrationID, registers, and polls
// until DPS has decided. A failed or disabled registration returns a
// *RegistrationError, a failure to connect a *ConnectError; cancelling
// ctx stops everything and returns ctx's error.
func Register(ctx context.Context, cfg Config) (Assignment, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Assignment{}, err
	}
	now := cfg.Now()
	creds, err := cloud.DPSMQTTCredentialsAt(now, cfg.IDScope, cfg.RegistrationID, cfg.DeviceKey, now.Add(cfg.TokenTTL), cfg.WebSocket)
	if err != nil {
		return Assignment{}, fmt.Errorf("dps: credentials: %w", err)
	}
	broker, err := cfg.brokerURL(creds)
	if err != nil {
		return Assignment{}, err
	}
	tlsCfg, err := cfg.tlsConfig(broker)
	if err != nil {
		return Assignment{}, err
	}
	r := &registration{
		cfg:     cfg,
		addr:    broker.Host,
		answers: make(chan response, answerBuffer),
		lost:    make(chan error, 1),
	}
	opts := r.options(broker, creds, tlsCfg)
	if broker.Scheme == "wss" {
		// Our own dialer: the proxy is Config.Proxy and nothing else.
		opts.SetCustomOpenConnectionFn(func(u *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
			return wsdial.Dial(ctx, u, tlsCfg, connectTimeout, cfg.Proxy, cfg.ProxyRootCAs)
		})
	}
	client := mqtt.NewClient(opts)
	if err := connfail.Wait(ctx, client.Connect()); err != nil {
		client.Disconnect(0)
		if ctx.Err() != nil {
			return Assignment{}, fmt.Errorf("dps: connect: %w", ctx.Err())
		}
		reason, cause := connfail.Reason(err, connectReasons)
		return Assignment{}, &ConnectError{Reason: reason, Addr: r.addr, Err: cause}
	}
	defer client.Disconnect(disconnectQuiesce)
	if err := r.subscribe(ctx, client); err != nil {
		return Assignment{}, err
	}
	return r.run(ctx, client)
}

// registration is one Register call's state.
type registration struct {
	cfg     Config
	addr    string
	answers chan response
	lost    chan error
}

// options builds paho's options. Its handlers only hand over and never
// block: a full buffer drops the message, which only happens to answers
// nobody waits for.
func (r *registration) options(broker *url.URL, creds cloud.MQTTCredentials, tlsCfg *tls.Config) *mqtt.ClientOptions {
	username, password := creds.Username, creds.Password
	return mqtt.NewClientOptions().
		AddBroker(broker.String()).
		SetClientID(creds.ClientID).
		SetCredentialsProvider(func() (string, string) { return username, password }).
		SetProtocolVersion(4).
		SetTLSConfig(tlsCfg).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetConnectTimeout(connectTimeout).
		SetWriteTimeout(connectTimeout).
		SetDialer(&net.Dialer{Timeout: connectTimeout}).
		SetDefaultPublishHandler(func(_ mqtt.Client, m mqtt.Message) {
			resp, ok := parseResponseTopic(m.Topic())
			if !ok {
				return
			}
			resp.body = append([]byte(nil), m.Payload()...)
			select {
			case r.answers <- resp:
			default:
			}
		}).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case r.lost <- err:
			default:
			}
		})
}

// subscribe asks for DPS's answers; without them every request would
// wait in vain.
func (r *registration) subscribe(ctx context.Context, client mqtt.Client) error {
	tok := client.Subscribe(ResponseFilter, 1, nil)
	if err := connfail.Wait(ctx, tok); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("dps: subscribe: %w", ctx.Err())
		}
		return &ConnectError{Reason: ReasonSubscribe, Addr: r.addr, Err: err}
	}
	if st, ok := tok.(*mqtt.SubscribeToken); ok && st.Result()[ResponseFilter] == 0x80 {
		return &ConnectError{Reason: ReasonSubscribe, Addr: r.addr}
	}
	return nil
}

// operation is DPS's answer body for register and status requests.
type operation struct {
	OperationID       string `json:"operationId"`
	Status            string `json:"status"`
	RegistrationState *struct {
		AssignedHub  string `json:"assignedHub"`
		DeviceID     string `json:"deviceId"`
		Status       string `json:"status"`
		SubStatus    string `json:"substatus"`
		ErrorCode    int    `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
	} `json:"registrationState"`
}

// run sends the register request, then status requests, until DPS
// answers with a final state.
func (r *registration) run(ctx context.Context, client mqtt.Client) (Assignment, error) {
	registerBody, err := json.Marshal(map[string]string{"registrationId": r.cfg.RegistrationID})
	if err != nil {
		return Assignment{}, fmt.Errorf("dps: encode request: %w", err)
	}
	operationID := "" // "" until DPS has accepted the register request
	transient := 0
	for rid := 1; ; rid++ {
		topic, body := registerTopic+strconv.Itoa(rid), registerBody
		if operationID != "" {
			topic, body = statusRequestTopic(strconv.Itoa(rid), operationID), nil
		}
		resp, err := r.request(ctx, client, strconv.Itoa(rid), topic, body)
		if err != nil {
			return Assignment{}, err
		}
		switch {
		case resp.status == 202 || resp.status == 200:
			transient = 0
			var op operation
			if err := json.Unmarshal(resp.body, &op); err != nil {
				return Assignment{}, r.badAnswer(resp.status, err)
			}
			if op.Status != "assigning" && op.Status != "unassigned" {
				return r.final(resp.status, op)
			}
			if op.OperationID == "" {
				return Assignment{}, r.badAnswer(resp.status, errors.New("no operationId"))
			}
			operationID = op.OperationID
		case resp.status == 429 || resp.status >= 500:
			if transient++; transient >= maxTransient {
				return Assignment{}, r.refused(resp)
			}
		default:
			return Assignment{}, r.refused(resp)
		}
		if err := r.pause(ctx, retryWait(resp.retryAfter, r.cfg.MinRetry, r.cfg.MaxRetry)); err != nil {
			return Assignment{}, err
		}
	}
}

// request publishes one request and waits for the answer with its $rid.
func (r *registration) request(ctx context.Context, client mqtt.Client, rid, topic string, body []byte) (response, error) {
	if err := connfail.Wait(ctx, client.Publish(topic, 1, false, body)); err != nil {
		if ctx.Err() != nil {
			return response{}, fmt.Errorf("dps: request: %w", ctx.Err())
		}
		return response{}, &ConnectError{Reason: ReasonConnectionLost, Addr: r.addr, Err: err}
	}
	timeout := time.NewTimer(r.cfg.ResponseTimeout)
	defer timeout.Stop()
	for {
		select {
		case resp := <-r.answers:
			if resp.rid == rid {
				return resp, nil
			}
		case err := <-r.lost:
			return response{}, &ConnectError{Reason: ReasonConnectionLost, Addr: r.addr, Err: err}
		case <-timeout.C:
			return response{}, &ConnectError{Reason: ReasonNoAnswer, Addr: r.addr}
		case <-ctx.Done():
			return response{}, fmt.Errorf("dps: waiting for an answer: %w", ctx.Err())
		}
	}
}

// pause waits before the next request, as DPS asked.
func (r *registration) pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case err := <-r.lost:
		return &ConnectError{Reason: ReasonConnectionLost, Addr: r.addr, Err: err}
	case <-ctx.Done():
		return fmt.Errorf("dps: waiting to poll: %w", ctx.Err())
	}
}

// final turns DPS's decided state into an Assignment or an error.
func (r *registration) final(status int, op operation) (Assignment, error) {
	state := op.RegistrationState
	if state == nil {
		return Assignment{}, r.badAnswer(status, errors.New("no registrationState"))
	}
	switch op.Status {
	case "assigned":
		if state.AssignedHub == "" || state.DeviceID == "" {
			return Assignment{}, r.badAnswer(status, errors.New("assigned without a hub or a device id"))
		}
		return Assignment{AssignedHub: state.AssignedHub, DeviceID: state.DeviceID, Status: op.Status, SubStatus: state.SubStatus}, nil
	case "disabled", "failed":
		reason := ReasonFailed
		if op.Status == "disabled" {
			reason = ReasonDisabled
		}
		return Assignment{}, &RegistrationError{Status: status, ErrorCode: state.ErrorCode, Message: state.ErrorMessage,
			OperationStatus: op.Status, RegistrationID: r.cfg.RegistrationID, Reason: reason}
	}
	return Assignment{}, r.badAnswer(status, fmt.Errorf("unknown status %q", op.Status))
}

// refused reads DPS's error body: {"errorCode":…,"message":…}.
func (r *registration) refused(resp response) *RegistrationError {
	var body struct {
		ErrorCode int    `json:"errorCode"`
		Message   string `json:"message"`
	}
	_ = json.Unmarshal(resp.body, &body) // an unreadable body still has a status to report
	return &RegistrationError{Status: resp.status, ErrorCode: body.ErrorCode, Message: body.Message,
		RegistrationID: r.cfg.RegistrationID, Reason: refusalReason(resp.status)}
}

func (r *registration) badAnswer(status int, err error) *RegistrationError {
	return &RegistrationError{Status: status, Message: err.Error(), RegistrationID: r.cfg.RegistrationID, Reason: ReasonBadAnswer}
}
