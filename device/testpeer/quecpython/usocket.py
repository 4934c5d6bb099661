# Stand-in for QuecPython's usocket: TCP client sockets over the test
# peer's network bridge (qpy_net, real sockets in a Node worker thread).
# Only loopback addresses are reachable; names resolve through the
# scenario's "net_hosts" map and "localhost".
import ubinascii as _hex
import qpy_net as _net
import _qpyscenario as _s

AF_INET = 2
AF_INET6 = 10
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
IPPROTO_TCP = 6
IPPROTO_UDP = 17
SOL_SOCKET = 1
SO_REUSEADDR = 4
TCP_KEEPALIVE = 9

EAGAIN = 11
EBADF = 9
EINVAL = 22
EHOSTUNREACH = 113
EOPNOTSUPP = 95


def _fail(r):
    # Raises what the bridge answered: KeyboardInterrupt after Ctrl-C,
    # else OSError with the firmware's number.
    if r.interrupted:
        raise KeyboardInterrupt
    raise OSError(r.errno)


def _resolve(host):
    hosts = _s.get("net_hosts") or {}
    if host in hosts:
        return hosts[host]
    if host == "localhost":
        return "127.0.0.1"
    parts = host.split(".")
    if len(parts) == 4:
        try:
            if all(0 <= int(p) <= 255 for p in parts):
                return host
        except ValueError:
            pass
    if ":" in host:
        return host
    # No resolver: the peer never looks names up outside the machine.
    raise OSError(EHOSTUNREACH)


def getaddrinfo(host, port, af=0, type=0, proto=0, flags=0):
    addr = _resolve(str(host))
    fam = AF_INET6 if ":" in addr else AF_INET
    return [(fam, SOCK_STREAM, IPPROTO_TCP, "", (addr, int(port)))]


class socket:
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=IPPROTO_TCP):
        if type != SOCK_STREAM:
            raise OSError(EOPNOTSUPP)
        self._sid = _net.socket()
        self._timeout = None
        self._closed = False
        self._connected = False

    def _check(self):
        if self._closed:
            raise OSError(EBADF)

    def _ms(self):
        if self._timeout is None:
            return -1
        return int(self._timeout * 1000)

    def settimeout(self, t):
        self._timeout = None if t is None else float(t)

    def setblocking(self, flag):
        self._timeout = None if flag else 0.0

    def setsockopt(self, level, opt, value):
        pass

    def connect(self, addr):
        self._check()
        host = _resolve(str(addr[0]))
        if not _net.loopback(host) or not _s.get("data_active"):
            raise OSError(EHOSTUNREACH)
        r = _net.connect(self._sid, host, int(addr[1]), self._ms())
        if not r.ok:
            _fail(r)
        self._connected = True

    def send(self, data):
        self._check()
        if isinstance(data, str):
            data = data.encode()
        if not data:
            return 0
        r = _net.send(self._sid, _hex.hexlify(data).decode(), self._ms())
        if not r.ok:
            _fail(r)
        return r.n

    def sendall(self, data):
        self.send(data)

    def write(self, data):
        return self.send(data)

    def recv(self, n):
        # Up to n bytes; b'' once the other side has closed.
        self._check()
        r = _net.recv(self._sid, int(n), self._ms())
        if not r.ok:
            if r.errno == EAGAIN and self._timeout == 0 and not r.interrupted:
                raise OSError(EAGAIN)
            _fail(r)
        return _hex.unhexlify(r.data)

    def read(self, n=-1):
        # Stream read: n bytes unless the other side closes first; None
        # when non-blocking and nothing has arrived.
        if n is None or n < 0:
            n = 1 << 30
        out = b""
        while len(out) < n:
            try:
                b = self.recv(min(n - len(out), 4096))
            except OSError as e:
                if e.args[0] == EAGAIN:
                    return out if out else None
                raise
            if not b:
                break
            out += b
        return out

    def readinto(self, buf, n=-1):
        if n < 0:
            n = len(buf)
        b = self.read(n)
        if b is None:
            return None
        buf[: len(b)] = b
        return len(b)

    def readline(self):
        out = b""
        while not out.endswith(b"\n"):
            b = self.recv(1)
            if not b:
                break
            out += b
        return out

    def close(self):
        if not self._closed:
            self._closed = True
            _net.close(self._sid)

    def fileno(self):
        return self._sid

    def getsocketsta(self):
        # The TCP state as the firmware's lwIP numbers it: 0 CLOSED (also
        # after a reset), 4 ESTABLISHED, 7 CLOSE_WAIT (the server closed).
        if self._closed or not self._connected:
            return 0
        return _net.state(self._sid).n

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()
