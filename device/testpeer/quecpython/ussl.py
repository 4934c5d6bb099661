# Stand-in for QuecPython's ussl over the test peer's network bridge: the
# handshake is done by Node's TLS in the bridge's worker thread.
#
# Newer firmware takes the server's CA (ca=, cadata= or ca_certs=, PEM; a
# bundle of several certificates is fine) and then checks the chain and,
# when server_hostname is given, the name. With the scenario key
# "ssl_ca_supported": false it behaves like v1.12 firmware: wrap_socket
# takes only key, cert, server_side, server_hostname and do_handshake, any
# other keyword is a TypeError (worded as "ssl_kwarg_error" says), and the
# server is never checked. "old_firmware": true implies it unless the key
# is set.
#
# TLS failures are raised as the firmware's modussl_mbedtls.c raises them
# with mbedtls's error strings built in: OSError(code, text), e.g.
# OSError(-9984, 'X509 - Certificate verification failed, e.g. CRL, CA or
# signature check failed'); a socket error in the handshake stays a plain
# OSError(errno).
import ujson as _json
import qpy_net as _net
import _qpyscenario as _s
import usocket as _socket

# mbedtls_strerror's words for the codes the bridge reports.
_MBEDTLS_TEXT = {
    -0x2700: 'X509 - Certificate verification failed, e.g. CRL, CA or signature check failed',
    -0x7780: 'SSL - A fatal alert message was received from our peer',
    -0x2180: 'X509 - The CRT/CRL/CSR format is invalid, e.g. different type expected',
}

# How a v1.12 build words a keyword wrap_socket does not know: PROTOCOLS'
# "named" and "terse", or what MicroPython's C argument parser says
# ("parser", and "parser_terse" in a terse build).
_KWARG_ERRORS = {
    'named': "unexpected keyword argument '%s'",
    'terse': 'unexpected keyword argument',
    'parser': 'extra keyword arguments given',
    'parser_terse': 'argument num/types mismatch',
}

CERT_NONE = 0
CERT_OPTIONAL = 1
CERT_REQUIRED = 2


def _text(v):
    if v is None:
        return ""
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode()
    return str(v)


def _wrap(sock, server_side, key, cert, server_hostname, do_handshake, ca):
    if server_side:
        raise OSError(_socket.EOPNOTSUPP)
    if not isinstance(sock, _socket.socket):
        raise TypeError("wrap_socket needs a usocket.socket")
    sock._check()
    opts = {
        "serverHostname": _text(server_hostname),
        "cert": _text(cert),
        "key": _text(key),
        "ca": _text(ca),
        "handshake": bool(do_handshake),
    }
    r = _net.wrap(sock._sid, _json.dumps(opts), sock._ms())
    if not r.ok:
        sock.close()
        if r.errno in _MBEDTLS_TEXT and not r.interrupted:
            raise OSError(r.errno, _MBEDTLS_TEXT[r.errno])
        _socket._fail(r)
    return sock


def _wrap_new(sock, server_side=False, key=None, cert=None, server_hostname=None,
              do_handshake=True, ca=None, cadata=None, ca_certs=None,
              keyfile=None, certfile=None, cert_reqs=None):
    for v in (cadata, ca_certs):
        if ca is None and v is not None:
            ca = v
    if key is None:
        key = keyfile
    if cert is None:
        cert = certfile
    return _wrap(sock, server_side, key, cert, server_hostname, do_handshake, ca)


def _wrap_old(sock, server_side=False, key=None, cert=None, server_hostname=None,
              do_handshake=True):
    return _wrap(sock, server_side, key, cert, server_hostname, do_handshake, None)


def ca_supported():
    """False on firmware whose wrap_socket cannot take a CA."""
    v = _s.get("ssl_ca_supported")
    if v is None:
        return not _s.get("old_firmware")
    return bool(v)


def _kwarg_error(name):
    form = _KWARG_ERRORS.get(_s.get("ssl_kwarg_error") or "named", _KWARG_ERRORS["named"])
    if "%s" in form:
        return TypeError(form % name)
    return TypeError(form)


def wrap_socket(sock, *args, **kw):
    if not ca_supported():
        for k in kw:
            if k not in ("server_side", "key", "cert", "server_hostname", "do_handshake"):
                raise _kwarg_error(k)
        return _wrap_old(sock, *args, **kw)
    return _wrap_new(sock, *args, **kw)
