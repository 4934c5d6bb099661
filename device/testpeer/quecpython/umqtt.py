# Stand-in for QuecPython's umqtt: an MQTT 3.1.1 (or 3.1) client over the
# peer's usocket/ussl, with QuecPython's signature
#   MQTTClient(client_id, server, port=0, user=None, password=None,
#              keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4)
# The wire side is written from the MQTT 3.1.1 specification; what a
# program sees follows QuecPython's own umqtt.py (its v1.12-era source)
# and PROTOCOLS.md, which wins where the two differ:
#   - connect() turns every exception raised while connecting (DNS,
#     socket, TLS, wrap_socket's TypeError, a refused CONNACK) into a
#     ValueError with the firmware's words; str() of an OSError is its
#     bare number, as on firmware built without uerrno names;
#   - once the server has closed the connection, publish() drops the
#     message and answers None, check_msg() delivers nothing and
#     wait_msg() answers None at once; get_mqttsta() says so (2);
#   - keepalive: like the firmware's ping thread, a PINGREQ goes out when
#     keepalive - 3 s have passed since the last one (here checked inside
#     check_msg/wait_msg, there is no thread); a ping still unanswered at
#     the next turn stops the pinging and tells error_register_cb's
#     callback "Send ping timeout." and nothing else: the program has to
#     notice by itself;
#   - wait_msg/check_msg answer b'\xd0' for a PINGRESP, the first byte
#     (an int) for a QoS 1 PUBLISH and other packets, None for a PUBACK,
#     a QoS 0 PUBLISH, or nothing.
# reconn is accepted; the firmware's reconnect thread is not reproduced.
import utime as _time
import usocket as _socket
import _qpyscenario as _s
from _umqtt_wire import (EAGAIN, ECONNRESET, ENOTCONN, ETIMEDOUT, CONNECT, CONNACK,
                         PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK,
                         UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT,
                         connect_error, firmware_str, split_packet, packet_id, pack_id)
from _umqtt_wire import as_bytes as _b, field as _field, packet as _packet

PUBACK_WAIT_MS = 5000
SUBACK_WAIT_MS = 10000
SOCKET_TIMEOUT_S = 20  # the firmware's settimeout(20) while connecting

# get_mqttsta() answers (PROTOCOLS.md section 6).
STATE_ERROR = -1  # never connected, after disconnect() or an error
STATE_CONNECTED = 0
STATE_CONNECTING = 1
STATE_SERVER_CLOSED = 2

# The TCP states of usocket.getsocketsta() that mean the server closed.
_TCP_CLOSED_BY_PEER = (7, 8)


class MQTTException(Exception):
    pass


class _Closed(Exception):
    # The server closed the connection (end of stream).
    pass


def _ticks():
    return _time.ticks_ms()


def _left(deadline):
    return _time.ticks_diff(deadline, _ticks())


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None,
                 keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4):
        if port == 0:
            port = 8883 if ssl else 1883
        if keepalive != 0 and keepalive < 5:
            raise ValueError("inport parameter error : keepalive >= 5S")
        self.client_id = client_id
        self.server = server
        self.port = port
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.ssl = ssl
        self.ssl_params = ssl_params
        self.reconn = reconn
        self.version = version
        self.sock = None
        self.cb = None
        self._err_cb = None
        self._will = None
        self._pid = 0
        self._rx = b""
        self._acks = {}  # packet id -> answer (SUBACK codes or True)
        self._state = STATE_ERROR
        self._eof = False  # the server closed; seen by a read
        self._ping_at = 0  # ticks of the last PINGREQ (or of the CONNACK)
        self._ping_pending = False
        self._pinger = False  # the keepalive "thread" is running

    # -- settings ------------------------------------------------------

    def set_callback(self, f):
        self.cb = f

    def error_register_cb(self, f):
        self._err_cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        if qos not in (0, 1, 2) or not topic:
            raise AssertionError()
        self._will = (_b(topic), _b(msg), bool(retain), qos)

    def get_mqttsta(self):
        # The firmware asks the socket's TCP state each time, so a closed
        # connection shows here before anything reads it.
        if self._state != STATE_CONNECTED or self.sock is None:
            return self._state
        if self._eof:
            return STATE_SERVER_CLOSED
        tcp = self.sock.getsocketsta()
        if tcp == 4:
            return STATE_CONNECTED
        if tcp in _TCP_CLOSED_BY_PEER:
            return STATE_SERVER_CLOSED
        return STATE_ERROR

    # -- connection ----------------------------------------------------

    def connect(self, clean_session=True):
        self._close_socket()
        self._state = STATE_CONNECTING
        try:
            self._open(clean_session)
        except Exception as e:
            self._close_socket()
            self._state = STATE_ERROR
            raise connect_error(e)
        self._state = STATE_CONNECTED
        self._ping_at = _ticks()
        self._pinger = self.keepalive > 0
        return 0

    def _open(self, clean_session):
        try:
            addr = _socket.getaddrinfo(self.server, self.port)[0][-1]
        except Exception:
            raise ValueError("DNS Parsing '" + str(self.server) + "'")
        timeout = _s.get("mqtt_timeout") or SOCKET_TIMEOUT_S
        self.sock = _socket.socket()
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        if self.ssl:
            import ussl
            self.sock = ussl.wrap_socket(self.sock, **self.ssl_params)
        self._rx = b""
        self._acks = {}
        self._eof = False
        self._ping_pending = False
        self._write(_packet(CONNECT, self._connect_body(clean_session)))
        try:
            first, body = self._read_packet(int(timeout * 1000))
        except _Closed:
            raise OSError(ENOTCONN)
        if first is None:
            raise OSError(ETIMEDOUT)
        if first != CONNACK or len(body) != 2:
            raise AssertionError()
        if body[1] != 0:
            raise MQTTException(body[1])

    def _connect_body(self, clean_session):
        if self.version == 3:
            body = _field(b"MQIsdp") + b"\x03"
        else:
            body = _field(b"MQTT") + b"\x04"
        flags = 0x02 if clean_session else 0
        payload = _field(self.client_id)
        if self._will:
            topic, msg, retain, qos = self._will
            flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
            payload += _field(topic) + _field(msg)
        if self.user:
            flags |= 0x80
            payload += _field(self.user)
        if self.pswd:
            flags |= 0x40
            payload += _field(self.pswd)
        return body + bytes([flags]) + pack_id(self.keepalive) + payload

    def disconnect(self):
        if self.sock is not None and not self._eof:
            try:
                self._write(_packet(DISCONNECT, b""))
            except OSError:
                pass
        self._close_socket()
        self._state = STATE_ERROR

    def close(self):
        self._close_socket()
        self._state = STATE_ERROR

    def _close_socket(self):
        self._pinger = False
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _failed(self, err):
        # A socket error on a live connection: the firmware leaves it to
        # the program (reconn=False), which sees -1 from now on.
        self._state = STATE_ERROR
        self._pinger = False
        raise err

    # -- sending -------------------------------------------------------

    def _write(self, data):
        if self.sock is None:
            raise OSError(ECONNRESET)
        self.sock.settimeout(None)
        self.sock.write(data)

    def _next_pid(self):
        self._pid = self._pid % 0xFFFF + 1
        return self._pid

    def _usable(self):
        # Connected as far as the socket knows: a write into a connection
        # the server has closed goes nowhere.
        return self.get_mqttsta() == STATE_CONNECTED

    def publish(self, topic, msg, retain=False, qos=0):
        # QuecPython's MQTTClient.publish swallows every error and answers
        # None: a message for a closed connection is gone without a word.
        if qos not in (0, 1) or not self._usable():
            return None
        try:
            first = PUBLISH | (qos << 1) | (1 if retain else 0)
            body = _field(topic)
            pid = 0
            if qos:
                pid = self._next_pid()
                body += pack_id(pid)
            self._write(_packet(first, body + _b(msg)))
            if not qos:
                return True
            return self._wait_ack(pid, PUBACK_WAIT_MS) is not None
        except Exception:
            return None

    def subscribe(self, topic, qos=0):
        if not self._usable():
            return None
        pid = self._next_pid()
        body = pack_id(pid) + _field(topic) + bytes([qos])
        self._send(_packet(SUBSCRIBE | 0x02, body))
        try:
            codes = self._wait_ack(pid, SUBACK_WAIT_MS)
        except _Closed:
            return None
        if codes is None:
            raise OSError(ETIMEDOUT)
        if codes and codes[0] == 0x80:
            raise MQTTException(0x80)
        return None

    def unsubscribe(self, topic):
        if not self._usable():
            return None
        pid = self._next_pid()
        self._send(_packet(UNSUBSCRIBE | 0x02, pack_id(pid) + _field(topic)))
        try:
            return self._wait_ack(pid, SUBACK_WAIT_MS) is not None
        except _Closed:
            return None

    def ping(self):
        if not self._usable():
            return
        self._send(_packet(PINGREQ, b""))
        self._ping_at = _ticks()
        self._ping_pending = True

    def _send(self, data):
        try:
            self._write(data)
        except OSError as e:
            self._failed(e)

    # -- receiving -----------------------------------------------------

    def _fill(self, wait_ms):
        # Reads what the socket has: wait_ms < 0 blocks, 0 only takes what
        # is there. Answers False when nothing came in time; raises
        # _Closed at the end of the stream.
        if self.sock is None:
            raise OSError(ECONNRESET)
        self.sock.settimeout(None if wait_ms < 0 else wait_ms / 1000)
        try:
            data = self.sock.recv(4096)
        except OSError as e:
            if e.args[0] in (EAGAIN, ETIMEDOUT):
                return False
            raise
        if not data:
            self._eof = True
            raise _Closed()
        self._rx += data
        return True

    def _take_packet(self):
        # One whole packet from the receive buffer, or None.
        p = split_packet(self._rx)
        if p is None:
            return None
        self._rx = p[2]
        return p[0], p[1]

    def _read_packet(self, wait_ms):
        # The next packet within wait_ms (< 0: no limit), or (None, None).
        deadline = _time.ticks_add(_ticks(), wait_ms) if wait_ms >= 0 else None
        while True:
            p = self._take_packet()
            if p is not None:
                return p
            left = -1 if deadline is None else max(0, _left(deadline))
            if not self._fill(left) and deadline is not None and left <= 0:
                return None, None

    def _handle(self, first, body):
        kind = first & 0xF0
        if kind == PUBLISH:
            return self._deliver(first, body)
        if kind in (PUBACK, UNSUBACK, PUBCOMP):
            self._acks[packet_id(body)] = True
            return None if kind == PUBACK else first
        if kind == SUBACK:
            self._acks[packet_id(body)] = bytes(body[2:])
        elif kind == PUBREL:
            self._send(_packet(PUBCOMP, body[:2]))
        elif kind == PINGRESP:
            self._ping_pending = False
            return b"\xd0"
        return first

    def _deliver(self, first, body):
        qos = (first >> 1) & 3
        tlen = packet_id(body)
        topic = body[2:2 + tlen]
        at = 2 + tlen
        pid = 0
        if qos:
            pid = packet_id(body, at)
            at += 2
        msg = body[at:]
        if self.cb is not None:
            self.cb(topic, msg)
        if qos == 1:
            self._send(_packet(PUBACK, pack_id(pid)))
            return first
        if qos == 2:
            self._send(_packet(PUBREC, pack_id(pid)))
            return first
        return None

    def _wait_ack(self, pid, wait_ms):
        deadline = _time.ticks_add(_ticks(), wait_ms)
        while pid not in self._acks:
            left = _left(deadline)
            if left <= 0:
                return None
            first, body = self._read_packet(left)
            if first is not None:
                self._handle(first, body)
        return self._acks.pop(pid)

    def _keepalive(self):
        # The firmware's ping thread, run from the reading calls.
        if not self._pinger or not self._usable():
            return
        if _time.ticks_diff(_ticks(), self._ping_at) <= (self.keepalive - 3) * 1000:
            return
        if self._ping_pending:
            self._pinger = False
            if self._err_cb is not None:
                self._err_cb("Send ping timeout.")
            return
        try:
            self.ping()
        except OSError as e:
            self._pinger = False
            if self._err_cb is not None:
                self._err_cb(firmware_str(e))

    def _receive(self, wait_ms):
        # Handles one packet that arrives within wait_ms: (True, answer),
        # or (False, None) when none did or the server has closed.
        if self._eof:
            return False, None
        if self.sock is None:
            raise OSError(ECONNRESET)
        try:
            first, body = self._read_packet(wait_ms)
        except _Closed:
            return False, None
        except OSError as e:
            self._failed(e)
        if first is None:
            return False, None
        return True, self._handle(first, body)

    def check_msg(self):
        """Handles one packet that has arrived, without waiting."""
        self._keepalive()
        return self._receive(0)[1]

    def wait_msg(self):
        """Blocks until one packet arrives and handles it."""
        while True:
            self._keepalive()
            if self._eof or not self._pinger:
                return self._receive(-1)[1]
            got, answer = self._receive(self.keepalive * 250)
            if got or self._eof:
                return answer
