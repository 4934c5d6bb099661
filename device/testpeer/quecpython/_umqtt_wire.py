# The wire format and the error words of the umqtt stand-in (umqtt.py):
# MQTT 3.1.1 packets, written from the specification, and the texts of
# QuecPython's MQTTClient.connect.
import ustruct as _struct

EAGAIN = 11
ECONNRESET = 104
ENOTCONN = 107
ETIMEDOUT = 110

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


def as_bytes(v):
    if v is None:
        return b""
    if isinstance(v, str):
        return v.encode()
    return bytes(v)


def field(v):
    # A length-prefixed UTF-8 string or binary field.
    v = as_bytes(v)
    return _struct.pack("!H", len(v)) + v


def packet(first, body):
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


def split_packet(rx):
    """(first byte, body, rest of rx) for the whole packet at the start
    of rx, or None while it is incomplete."""
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
            raise OSError(ECONNRESET)
    if len(rx) < i + n:
        return None
    return rx[0], rx[i:i + n], rx[i + n:]


def packet_id(body, at=0):
    return _struct.unpack("!H", body[at:at + 2])[0]


def pack_id(pid):
    return _struct.pack("!H", pid)


def firmware_str(e):
    # str(e) as v1.12-era firmware prints it: built without uerrno's
    # names, OSError(104) reads "104" (newer MicroPython says
    # "[Errno 104] ECONNRESET").
    if isinstance(e, OSError) and len(e.args) == 1 and isinstance(e.args[0], int):
        return str(e.args[0])
    return str(e)


def connect_error(e):
    """The ValueError QuecPython's MQTTClient.connect raises for e."""
    text = firmware_str(e)
    if text == "104":
        return ValueError("MQTT Connect Error='104' Server Actively RST Disconnected.Need Check addr&port")
    if text in ("107", "4"):
        return ValueError("MQTT Connect Error='" + text + "' Server Actively FIN Disconnected.Need Check Connection parameters")
    if text == "110":
        return ValueError("MQTT Connect Error='110' Timeout.Need Check Network")
    return ValueError("MQTT Connect error='" + text + "' FAIL")
