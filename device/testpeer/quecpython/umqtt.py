# Stand-in for QuecPython's umqtt: an MQTT 3.1.1 (or 3.1) client over the
# peer's usocket/ussl, with QuecPython's signature
#   MQTTClient(client_id, server, port=0, user=None, password=None,
#              keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4)
# Written from the MQTT 3.1.1 specification. As on the firmware:
#   - connect() reports a refused CONNECT as
#     ValueError("MQTT Connect error='<code>' FAIL"); socket and TLS
#     failures come out as the OSError (or TypeError from wrap_socket)
#     that caused them;
#   - a QoS 1 publish waits inline (up to 5 s) for its PUBACK, handling
#     whatever else arrives meanwhile;
#   - topic and msg reach the callback as bytes.
# There is no background thread: reconn is accepted but a lost connection
# is raised (OSError) from the next call, after error_register_cb's
# callback has been told. Messages are read only inside check_msg(),
# wait_msg(), publish(qos=1), subscribe() and ping().
import ustruct as _struct
import utime as _time
import usocket as _socket

ECONNRESET = 104
ETIMEDOUT = 110
EAGAIN = 11

CONNACK_WAIT_MS = 20000
PUBACK_WAIT_MS = 5000
SUBACK_WAIT_MS = 10000

CONNECT = 0x10
CONNACK = 0x20
PUBLISH = 0x30
PUBACK = 0x40
PUBREC = 0x50
PUBREL = 0x60
PUBCOMP = 0x70
SUBSCRIBE = 0x80
SUBACK = 0x90
UNSUBSCRIBE = 0xA0
UNSUBACK = 0xB0
PINGREQ = 0xC0
PINGRESP = 0xD0
DISCONNECT = 0xE0

# get_mqttsta() answers, as QuecPython documents them.
STATE_CONNECTED = 0
STATE_CONNECTING = 1
STATE_CLOSED = 2


class MQTTException(Exception):
    pass


def _b(v):
    if v is None:
        return b""
    if isinstance(v, str):
        return v.encode()
    return bytes(v)


def _field(v):
    # A length-prefixed UTF-8 string or binary field.
    v = _b(v)
    return _struct.pack("!H", len(v)) + v


def _packet(first, body):
    # Fixed header: type and flags, then the remaining length in 7-bit
    # groups, least significant first.
    n = len(body)
    head = bytearray([first])
    while True:
        d = n & 0x7F
        n >>= 7
        head.append(d | 0x80 if n else d)
        if not n:
            break
    return bytes(head) + body


def _ticks():
    return _time.ticks_ms()


def _left(deadline):
    return _time.ticks_diff(deadline, _ticks())


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None,
                 keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4):
        if port == 0:
            port = 8883 if ssl else 1883
        if version not in (3, 4):
            raise ValueError("version must be 3 or 4")
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
        self._state = STATE_CLOSED
        self._last_tx = 0
        self._ping_sent = None  # ticks of an unanswered PINGREQ

    # -- settings ------------------------------------------------------

    def set_callback(self, f):
        self.cb = f

    def error_register_cb(self, f):
        self._err_cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        if qos not in (0, 1, 2) or not topic:
            raise ValueError("bad last will")
        self._will = (_b(topic), _b(msg), bool(retain), qos)

    def get_mqttsta(self):
        return self._state

    # -- connection ----------------------------------------------------

    def connect(self, clean_session=True):
        self._close_socket()
        self._state = STATE_CONNECTING
        addr = _socket.getaddrinfo(self.server, self.port)[0][-1]
        sock = _socket.socket()
        try:
            sock.connect(addr)
            if self.ssl:
                import ussl
                sock = ussl.wrap_socket(sock, **self.ssl_params)
        except BaseException:
            sock.close()
            self._state = STATE_CLOSED
            raise
        self.sock = sock
        self._rx = b""
        self._acks = {}
        self._ping_sent = None
        try:
            self._send(_packet(CONNECT, self._connect_body(clean_session)))
            first, body = self._read_packet(CONNACK_WAIT_MS)
        except BaseException:
            self._close_socket()
            raise
        if first is None:
            self._close_socket()
            raise OSError(ETIMEDOUT)
        if first & 0xF0 != CONNACK or len(body) != 2:
            self._close_socket()
            raise ValueError("MQTT Connect error='-1' FAIL")
        if body[1] != 0:
            self._close_socket()
            raise ValueError("MQTT Connect error='" + str(body[1]) + "' FAIL")
        self._state = STATE_CONNECTED

    def _connect_body(self, clean_session):
        if self.version == 4:
            body = _field(b"MQTT") + b"\x04"
        else:
            body = _field(b"MQIsdp") + b"\x03"
        flags = 0x02 if clean_session else 0
        payload = _field(self.client_id)
        if self._will:
            topic, msg, retain, qos = self._will
            flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
            payload += _field(topic) + _field(msg)
        if self.user is not None:
            flags |= 0x80
            payload += _field(self.user)
            if self.pswd is not None:
                flags |= 0x40
                payload += _field(self.pswd)
        return body + bytes([flags]) + _struct.pack("!H", self.keepalive) + payload

    def disconnect(self):
        if self.sock is not None:
            try:
                self._send(_packet(DISCONNECT, b""))
            except OSError:
                pass
        self._close_socket()

    def close(self):
        self._close_socket()

    def _close_socket(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self._state = STATE_CLOSED

    def _lost(self, err):
        # The connection is gone: tell the error callback, then raise.
        self._close_socket()
        if self._err_cb is not None:
            self._err_cb(str(err))
        raise err

    # -- sending -------------------------------------------------------

    def _send(self, data):
        if self.sock is None:
            raise OSError(ECONNRESET)
        try:
            self.sock.settimeout(None)
            self.sock.write(data)
        except OSError as e:
            self._lost(e)
        self._last_tx = _ticks()

    def _next_pid(self):
        self._pid = self._pid % 0xFFFF + 1
        return self._pid

    def publish(self, topic, msg, retain=False, qos=0):
        if qos not in (0, 1):
            raise ValueError("qos must be 0 or 1")
        first = PUBLISH | (qos << 1) | (1 if retain else 0)
        body = _field(topic)
        pid = 0
        if qos:
            pid = self._next_pid()
            body += _struct.pack("!H", pid)
        self._send(_packet(first, body + _b(msg)))
        if not qos:
            return True
        return self._wait_ack(pid, PUBACK_WAIT_MS) is not None

    def subscribe(self, topic, qos=0):
        pid = self._next_pid()
        body = _struct.pack("!H", pid) + _field(topic) + bytes([qos])
        self._send(_packet(SUBSCRIBE | 0x02, body))
        codes = self._wait_ack(pid, SUBACK_WAIT_MS)
        if codes is None:
            raise OSError(ETIMEDOUT)
        if codes and codes[0] == 0x80:
            raise MQTTException("subscribe refused: " + str(topic))
        return codes[0] if codes else 0

    def unsubscribe(self, topic):
        pid = self._next_pid()
        self._send(_packet(UNSUBSCRIBE | 0x02, _struct.pack("!H", pid) + _field(topic)))
        return self._wait_ack(pid, SUBACK_WAIT_MS) is not None

    def ping(self):
        self._send(_packet(PINGREQ, b""))
        if self._ping_sent is None:
            self._ping_sent = _ticks()

    # -- receiving -----------------------------------------------------

    def _fill(self, wait_ms):
        # Reads what the socket has: wait_ms < 0 blocks, 0 only takes what
        # is there. Answers False when nothing came in time.
        if self.sock is None:
            raise OSError(ECONNRESET)
        self.sock.settimeout(None if wait_ms < 0 else wait_ms / 1000)
        try:
            data = self.sock.recv(4096)
        except OSError as e:
            if e.args[0] in (EAGAIN, ETIMEDOUT):
                return False
            self._lost(e)
        if not data:
            self._lost(OSError(ECONNRESET))
        self._rx += data
        return True

    def _take_packet(self):
        # One whole packet from the receive buffer, or None.
        rx = self._rx
        n = 0
        shift = 0
        i = 1
        while True:
            if i >= len(rx):
                return None
            d = rx[i]
            n |= (d & 0x7F) << shift
            i += 1
            if not d & 0x80:
                break
            shift += 7
            if shift > 21:
                self._lost(OSError(ECONNRESET))
        if len(rx) < i + n:
            return None
        self._rx = rx[i + n:]
        return rx[0], rx[i:i + n]

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
            qos = (first >> 1) & 3
            tlen = _struct.unpack("!H", body[:2])[0]
            topic = body[2:2 + tlen]
            at = 2 + tlen
            if qos:
                pid = _struct.unpack("!H", body[at:at + 2])[0]
                at += 2
            msg = body[at:]
            if qos == 1:
                self._send(_packet(PUBACK, _struct.pack("!H", pid)))
            elif qos == 2:
                self._send(_packet(PUBREC, _struct.pack("!H", pid)))
            if self.cb is not None:
                self.cb(topic, msg)
            return PUBLISH
        if kind in (PUBACK, UNSUBACK, PUBCOMP):
            self._acks[_struct.unpack("!H", body[:2])[0]] = True
        elif kind == SUBACK:
            self._acks[_struct.unpack("!H", body[:2])[0]] = bytes(body[2:])
        elif kind == PUBREL:
            self._send(_packet(PUBCOMP, body[:2]))
        elif kind == PINGRESP:
            self._ping_sent = None
        return kind

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
        # Pings when the link has been quiet for most of the keepalive,
        # and gives up when a ping went unanswered for a whole one.
        if not self.keepalive or self.sock is None:
            return
        now = _ticks()
        period = self.keepalive * 1000
        if self._ping_sent is not None and _time.ticks_diff(now, self._ping_sent) > period:
            self._lost(OSError(ETIMEDOUT))
        if _time.ticks_diff(now, self._last_tx) >= period * 3 // 4:
            self.ping()

    def check_msg(self):
        """Handles what has arrived without waiting; None when nothing did."""
        self._keepalive()
        p = self._take_packet()
        if p is None and self._fill(0):
            p = self._take_packet()
        if p is None:
            return None
        return self._handle(p[0], p[1])

    def wait_msg(self):
        """Blocks until one packet arrives and handles it."""
        while True:
            self._keepalive()
            wait = self.keepalive * 1000 // 4 if self.keepalive else -1
            first, body = self._read_packet(wait)
            if first is not None:
                return self._handle(first, body)
