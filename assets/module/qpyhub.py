# qpyhub: Azure IoT Hub for QuecPython applications, with the settings
# qpyhub's setup writes to /usr/qpyhub_config.json (README.md beside this
# file describes both).
#
#   from usr import qpyhub
#   hub = qpyhub.Hub()
#   hub.on_c2d(fn)                 # fn(body_bytes, properties_dict)
#   hub.on_method('name', fn)      # fn(payload) -> (status_int, payload)
#   hub.on_desired(fn)             # fn(patch_dict, version_int)
#   hub.connect()                  # raises qpyhub.HubError (.stage, .reason)
#   hub.send({'t': 21.5}, {'kind': 'sample'})
#   version = hub.report({'fw': '1.0'})
#   hub.run()                      # or call hub.poll() from your own loop
#
# Progress is printed as "QPYHUB <stage> <ok|fail|info> <detail>" lines,
# never with a key or a token; qpyhub's PC tool follows them on the REPL.
# Written for MicroPython 1.12 firmware: no f-strings, u-modules only, and
# HMAC done here because some builds ship without hashlib, hmac and base64.
try:
    import utime as time
except ImportError:
    import time
try:
    import ujson as json
except ImportError:
    import json
try:
    import ubinascii as binascii
except ImportError:
    import binascii
try:
    import uos as os
except ImportError:
    import os
import uhashlib

CONFIG_PATH = '/usr/qpyhub_config.json'
# Where the hub and device id DPS assigned are kept, so that a reboot does
# not register again (DPS limits registrations, and each costs a round
# trip on the cellular link). Not a secret.
ASSIGNMENT_PATH = '/usr/qpyhub_dps.json'
HUB_API = '2021-04-12'
DPS_API = '2019-03-31'
DPS_HOST = 'global.azure-devices-provisioning.net'
KEEPALIVE = 240  # seconds, unless the config says otherwise
MIN_UNIX = 1704067200  # 2024-01-01: an earlier clock was never set
BACKOFF_MIN = 2
BACKOFF_MAX = 300
RENEW_MARGIN = 5  # seconds a token is renewed before it runs out, at least (up to half its life)
OTA_TRIAL = 300  # seconds an updated version has to come online, unless the config says otherwise
OTA_DIR = '/usr/.qpyhub_ota'  # an update's download, backups and journal (qpyhub_ota.py)
TRIES = 5  # failed attempts after which connect() gives up
ANSWER_WAIT = 30  # seconds to wait for the hub's answer to a twin request
_B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
_SAFE = _B64[:62] + '-_.~'
_CONNACK = {1: 'unacceptable protocol version', 2: 'identifier rejected',
            3: 'server unavailable', 4: 'bad user name or password',
            5: 'not authorized'}
_NET = {1: 'SIM not ready', 2: 'not registered on the network',
        3: 'no data call'}
# Refusals another attempt cannot change (CONNACK codes, a server the CA
# does not cover): connect() gives up on them at once.
_FINAL = (1, 2, 4, 5, -9984)


# ---- SAS tokens -----------------------------------------------------------

def quote(s):
    # As Go's url.QueryEscape: the hub signs sr exactly as it is sent.
    out = []
    for b in s.encode():
        c = chr(b)
        if c in _SAFE:
            out.append(c)
        elif c == ' ':
            out.append('+')
        else:
            out.append('%%%02X' % b)
    return ''.join(out)


def b64decode(field, s):
    # ubinascii skips characters outside the alphabet, so check them here;
    # keys pasted without their '=' padding are accepted.
    s = s.strip().rstrip('=')
    bad = [c for c in s if c not in _B64]
    if not s or bad or len(s) % 4 == 1:
        raise ValueError(field + ': not base64')
    return binascii.a2b_base64(s + '=' * (-len(s) % 4))


def hmac_sha256(key, msg):
    # uhashlib.sha256 offers digest() only, so each hash is made whole.
    if len(key) > 64:
        key = uhashlib.sha256(key).digest()
    key = key + bytes(64 - len(key))
    inner = uhashlib.sha256(bytes([b ^ 0x36 for b in key]) + msg).digest()
    return uhashlib.sha256(bytes([b ^ 0x5C for b in key]) + inner).digest()


def make_sas(resource, key_b64, expiry, key_name=None):
    sr = quote(resource)
    se = str(int(expiry))
    mac = hmac_sha256(b64decode('key', key_b64), (sr + '\n' + se).encode())
    sig = quote(binascii.b2a_base64(mac).decode().strip())
    token = 'SharedAccessSignature sr=' + sr + '&sig=' + sig + '&se=' + se
    if key_name:
        token += '&skn=' + quote(key_name)
    return token


def unquote(s):
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == '%' and i + 2 < len(s):
            out.append(int(s[i + 1:i + 3], 16))
            i += 3
            continue
        out.extend((' ' if s[i] == '+' else s[i]).encode())
        i += 1
    return out.decode()


def token_fields(token):
    fields = {}
    for part in token[len('SharedAccessSignature '):].split('&'):
        i = part.find('=')
        if i > 0:
            fields[part[:i]] = part[i + 1:]
    return fields


# ---- configuration ---------------------------------------------------------

def _text(doc, name, default='', strip=True):
    v = doc.get(name)
    if v is None:
        return default
    if not isinstance(v, str):
        raise ValueError(name + ': must be a string')
    return v.strip() if strip else v


def _number(doc, name, default, lo, hi):
    v = doc.get(name)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, int) or v < lo or v > hi:
        raise ValueError('%s: must be a whole number from %d to %d' % (name, lo, hi))
    return v


def check_config(doc):
    v = doc.get('version')
    if isinstance(v, bool) or v != 1:
        raise ValueError('version: %s is not a config version this program reads (1)' % json.dumps(v))
    c = {'version': 1}
    for name in ('device_id', 'host', 'auth', 'key', 'token'):
        c[name] = _text(doc, name)
    c['ca'] = _text(doc, 'ca', strip=False)
    c['port'] = _number(doc, 'port', 8883, 1, 65535)
    c['token_ttl'] = _number(doc, 'token_ttl', 3600, 5, 31536000)
    c['heartbeat'] = _number(doc, 'heartbeat', 60, 5, 86400)
    c['keepalive'] = _number(doc, 'keepalive', KEEPALIVE, 30, 1177)
    c['time_offset'] = _number(doc, 'time_offset', 0, -4000000000, 4000000000)
    c['ota_trial'] = _number(doc, 'ota_trial', OTA_TRIAL, 5, 86400)
    dps = doc.get('dps')
    if dps is not None:
        if not isinstance(dps, dict):
            raise ValueError('dps: must be null or an object')
        dps = {'host': _text(dps, 'host', DPS_HOST) or DPS_HOST,
               'port': _number(dps, 'port', 8883, 1, 65535),
               'id_scope': _text(dps, 'id_scope'),
               'registration_id': _text(dps, 'registration_id')}
        for name in ('id_scope', 'registration_id'):
            if not dps[name]:
                raise ValueError('dps.' + name + ': missing')
    c['dps'] = dps
    if not dps:
        for name in ('device_id', 'host'):
            if not c[name]:
                raise ValueError(name + ': missing (needed without dps)')
    if c['auth'] == 'key':
        if not c['key']:
            raise ValueError('key: missing (auth is "key")')
        b64decode('key', c['key'])
    elif c['auth'] == 'token':
        if dps:
            raise ValueError('auth: "token" cannot register through dps, use "key"')
        if not c['token']:
            raise ValueError('token: missing (auth is "token")')
        se = token_fields(c['token']).get('se', '')
        if not c['token'].startswith('SharedAccessSignature ') or not se.isdigit():
            raise ValueError('token: not a SharedAccessSignature with sr, sig and se')
    else:
        raise ValueError('auth: must be "key" or "token"')
    if c['ca'] and '-----BEGIN CERTIFICATE-----' not in c['ca']:
        raise ValueError('ca: not a PEM certificate')
    return c


def load_config(path=CONFIG_PATH):
    try:
        f = open(path)
        try:
            text = f.read()
        finally:
            f.close()
    except OSError as e:
        raise ValueError('config: cannot read %s (%s)' % (path, e))
    try:
        doc = json.loads(text)
    except ValueError:
        raise ValueError('config: %s is not valid JSON' % path)
    if not isinstance(doc, dict):
        raise ValueError('config: %s is not a JSON object' % path)
    return check_config(doc)


# ---- what went wrong ---------------------------------------------------------

class HubError(Exception):
    """What made connect(), send(), report() or twin() give up: stage is
    the status line's stage ('config', 'network', 'dps', 'mqtt', 'twin'),
    reason says why in words."""

    def __init__(self, stage, reason, detail=None, final=False):
        super().__init__(stage + ': ' + reason)  # MicroPython's Exception has no __init__ to call
        self.stage = stage
        self.reason = reason
        self.detail = detail or 'reason=' + reason  # as the fail line says it
        self.final = final  # another attempt would be refused the same way


# How umqtt's connect() words a failure: "MQTT Connect error='<what>' FAIL",
# or "MQTT Connect Error='<what>' <advice>" for 104, 107, 4 and 110.
_SOCKET = {104: 'connection reset by the server', 107: 'connection closed by the server',
           110: 'timed out', 111: 'connection refused', 113: 'host unreachable',
           -9984: 'certificate of the server not trusted by the CA in the config',
           -30592: 'TLS handshake failed'}
# How firmware words an ssl_params key its ussl.wrap_socket does not take.
_NO_KWARG = ('unexpected keyword argument', 'extra keyword arguments given',
             'argument num/types mismatch')


def _failure(e):
    # What failed, without umqtt's wrapping: its quoted part, or the
    # error's own number (an OSError's str() differs between builds).
    text = str(e)
    i = text.lower().find("connect error='")
    if isinstance(e, ValueError) and i >= 0:
        j = text.rfind("'")
        return text[i + 15:j] if j > i + 15 else ''
    if isinstance(e, OSError) and e.args and isinstance(e.args[0], int):
        return str(e.args[0])
    return None


def _code(e):
    # The number in a failure: a CONNACK code, an errno, an mbedtls code.
    what = _failure(e)
    if what is None:
        return None
    if what.startswith('('):  # OSError(code, text) of ussl
        what = what[1:].split(',')[0]
    try:
        return int(what)
    except ValueError:
        return None


def _reason(e):
    code = _code(e)
    wrapped = isinstance(e, ValueError)
    if wrapped and code in _CONNACK:
        return '%s (%d)' % (_CONNACK[code], code)
    if code in _SOCKET:
        return '%s (%d)' % (_SOCKET[code], code)
    what = _failure(e)
    if what:
        return what
    return (type(e).__name__ + ' ' + str(e)).strip()


def refuses_kwarg(e):
    # ussl.wrap_socket refused an ssl_params key: a bare TypeError, or
    # wrapped by umqtt's connect() in a ValueError.
    if not isinstance(e, (TypeError, ValueError)):
        return False
    text = str(e)
    for words in _NO_KWARG:
        if words in text:
            return True
    return False


# ---- the MQTT link: TLS that checks when the firmware can, liveness ----------

PINGRESP = b'\xd0'  # what umqtt's check_msg answers for a PINGRESP


class Backoff:
    """Waits between attempts: 2, 4, 8 ... seconds, at most cap."""

    def __init__(self, cap):
        self.cap = cap
        self.delay = 0

    def reset(self):
        self.delay = 0

    def next(self):
        self.delay = min(max(self.delay * 2, BACKOFF_MIN), self.cap)
        return self.delay


class Link:
    """One MQTT connection over TLS through QuecPython's umqtt.

    open() offers the CA first and falls back to ssl_params the firmware
    takes only when its ussl refuses one; check() answers why the
    connection no longer works, from get_mqttsta() and from keepalive
    pings that must be answered (firmware umqtt drops messages into a
    dead connection without a word)."""

    def __init__(self, ca, keepalive):
        self.ca = ca
        self.keepalive = keepalive
        self.choice = 0  # the first of options() the firmware took
        self.client = None
        self.inbox = []
        self.trouble = None  # what umqtt's error callback said
        self.ping_sent = None  # when a ping still unanswered went out
        self.last_ping = 0

    def options(self, host):
        # ssl_params, best first. Newer umqtt passes server_hostname
        # itself and refuses it twice; v1.12 ussl refuses ca.
        if self.ca:
            return ({'server_hostname': host, 'ca': self.ca}, {'ca': self.ca},
                    {'server_hostname': host}, {})
        return ({'server_hostname': host}, {})

    def open(self, host, port, client_id, user, password, clean, now):
        """Connects; answers 'verified' or 'unverified reason=...'."""
        from umqtt import MQTTClient
        options = self.options(host)
        while True:
            params = options[self.choice]
            c = MQTTClient(client_id, host, port, user, password, self.keepalive,
                           ssl=True, ssl_params=params, reconn=False)
            c.set_callback(self.on_message)
            if hasattr(c, 'error_register_cb'):
                c.error_register_cb(self.on_trouble)
            self.client, self.trouble = c, None
            try:
                c.connect(clean_session=clean)
                break
            except Exception as e:
                self.close()
                if not refuses_kwarg(e) or self.choice + 1 >= len(options):
                    raise
                self.choice += 1
        self.ping_sent, self.last_ping = None, now
        if 'ca' in params:
            return 'verified'
        if self.ca:
            return 'unverified reason=firmware ussl takes no CA'
        return 'unverified reason=no CA in the config'

    def on_message(self, topic, msg):
        self.inbox.append((topic.decode(), msg))

    def on_trouble(self, text):
        self.trouble = str(text)

    def take(self):
        """The messages that arrived (one packet is read per call)."""
        if not self.client:
            return []
        r = self.client.check_msg()
        if r == PINGRESP or r == 0xD0:
            self.ping_sent = None
        got, self.inbox = self.inbox, []
        return got

    def check(self, now):
        """None while the connection works, else why it does not."""
        st = self.client.get_mqttsta()
        if st == 2:
            return 'connection closed by the server'
        if st != 0:
            return 'connection lost (mqttsta %s)' % st
        if self.trouble:
            return 'umqtt said ' + self.trouble
        if now - self.last_ping >= self.keepalive // 2:
            if self.ping_sent is not None:
                return 'no answer to a keepalive ping'
            self.client.ping()
            self.ping_sent = self.last_ping = now
        return None

    def publish(self, topic, msg):
        if self.client:
            self.client.publish(topic, msg)

    def subscribe(self, topic, qos=0):
        self.client.subscribe(topic, qos)

    def close(self):
        c, self.client, self.inbox = self.client, None, []
        if c:
            try:
                c.disconnect()
            except Exception:
                pass


# ---- the DPS assignment, kept between boots ----------------------------------

def _assignment_for(d):
    # The registration an assignment belongs to: another service, scope or
    # registration id (a new setup) makes it stale.
    return [d['host'], d['id_scope'], d['registration_id']]


def load_assignment(d, path=ASSIGNMENT_PATH):
    try:
        f = open(path)
        try:
            doc = json.loads(f.read())
        finally:
            f.close()
    except Exception:
        return None
    if not isinstance(doc, dict) or doc.get('for') != _assignment_for(d):
        return None
    hub, device = doc.get('hub'), doc.get('device')
    if not hub or not device or not isinstance(hub, str) or not isinstance(device, str):
        return None
    return (hub, device)


def save_assignment(d, hub, device, path=ASSIGNMENT_PATH):
    # Written beside and renamed, so a power cut leaves the old file or
    # the new one.
    part = path + '.part'
    f = open(part, 'w')
    try:
        f.write(json.dumps({'for': _assignment_for(d), 'hub': hub, 'device': device}))
    finally:
        f.close()
    try:
        os.remove(path)
    except OSError:
        pass
    os.rename(part, path)


def forget_assignment(path=ASSIGNMENT_PATH):
    try:
        os.remove(path)
    except OSError:
        pass


# ---- messages ------------------------------------------------------------------

def _json(body):
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _query(topic, name):
    for part in topic[topic.find('?') + 1:].split('&'):
        if part.startswith(name + '='):
            return part[len(name) + 1:]
    return ''


def _bag(pairs):
    # A topic property bag; '+' is an MQTT wildcard, so a space is %20.
    # System properties keep their '$' ('$.ct').
    return '&'.join([quote(k).replace('+', '%20').replace('%24', '$') + '=' +
                     quote(str(v)).replace('+', '%20') for k, v in pairs])


def _properties(bag):
    # A devicebound bag: '%24.mid=...&key=value&bare'; a bare key is None.
    props = {}
    for part in bag.split('&'):
        if part:
            i = part.find('=')
            if i < 0:
                props[unquote(part)] = None
            else:
                props[unquote(part[:i])] = unquote(part[i + 1:])
    return props


def _payload(body):
    # A method's payload: its JSON value, or its text when it is not JSON.
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        try:
            return body.decode()
        except Exception:
            return body


def _raised(e):
    return 'handler raised ' + (type(e).__name__ + ' ' + str(e)).strip()


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _module_info():
    info = {}
    for field, mod, fn in (('firmware', 'modem', 'getDevFwVersion'),
                           ('imei', 'modem', 'getDevImei'),
                           ('model', 'modem', 'getDevModel'),
                           ('iccid', 'sim', 'getIccid')):
        try:
            v = getattr(__import__(mod), fn)()
        except Exception:
            v = None
        info[field] = v if isinstance(v, str) else None
    return info


# ---- the hub -----------------------------------------------------------------------

class Hub:
    """The device's connection to IoT Hub, with the settings in path."""

    def __init__(self, path=CONFIG_PATH):
        self.secrets = []
        try:
            cfg = load_config(path)
        except ValueError as e:
            self._say('config', 'fail', str(e))
            raise HubError('config', str(e))
        self.cfg = cfg
        self.secrets = [s for s in (cfg['key'], cfg['token']) if s]
        self.epoch = 0
        try:  # firmware counting from 2000 instead of 1970
            if time.localtime(0)[0] >= 1999:
                self.epoch = 946684800
        except Exception:
            pass
        self.link = Link(cfg['ca'], cfg['keepalive'])
        # A hub that comes back is found within two keepalive intervals.
        self.backoff = Backoff(min(BACKOFF_MAX, cfg['keepalive']))
        self.rid = 0
        self.stage = 'mqtt'  # of the step under way, or of the last failure
        self.net_ok = False  # network waited for and clock checked
        self.assigned = None  # (hub, device) from DPS
        self.kept = False  # self.assigned came from ASSIGNMENT_PATH
        self.device = None  # the device id while connected
        self.tried = False  # the last attempt failed: wait before the next
        self.closed = False
        self.renew = None  # when to reconnect with a new token
        self.get_rid = None  # of the twin GET sent at connect
        self.desired_version = None  # of the desired properties last delivered
        self.held = []  # messages that arrived while an answer was awaited
        self.c2d_fn = self.desired_fn = None
        self.methods = {}
        self.ota = None  # the update engine, loaded when an update needs it
        self._ota_recover()
        self.started = self._now()
        self.info = _module_info()
        self.info['started'] = self.started
        who = 'device=' + cfg['device_id']
        if cfg['dps']:
            who = 'registration=' + cfg['dps']['registration_id']
        self._say('config', 'ok', who + ' auth=' + cfg['auth'])

    # -- the interface ---------------------------------------------------------

    def on_c2d(self, fn):
        """fn(body_bytes, properties_dict) for each cloud-to-device message."""
        self.c2d_fn = fn

    def on_method(self, name, fn):
        """fn(payload) -> (status_int, payload) answers the direct method."""
        self.methods[name] = fn

    def on_desired(self, fn):
        """fn(patch_dict, version_int) for each desired patch, and with the
        whole desired after connecting when it is newer than the last."""
        self.desired_fn = fn

    def connect(self):
        """Waits for the network, checks the clock, registers through DPS
        when configured and connects, retrying with backoff; raises
        HubError when refused or after TRIES failed attempts."""
        self.closed = False
        failures = 0
        while not self.device:
            if self.tried:
                self._pause()
            e = self._attempt()
            self.tried = e is not None
            if e:
                failures += 1
                if e.final or failures >= TRIES:
                    raise e

    def send(self, payload, props=None):
        """Telemetry at QoS 0; a dict goes as JSON with $.ct/$.ce set.
        Raises HubError when not connected."""
        pairs = []
        if isinstance(payload, dict):
            payload = json.dumps(payload)
            pairs = [('$.ct', 'application/json'), ('$.ce', 'utf-8')]
        if props:
            pairs.extend(props.items())
        self._live()
        self.link.publish('devices/' + self.device + '/messages/events/' + _bag(pairs), payload)

    def report(self, patch):
        """Updates reported properties; answers the twin's new version."""
        status, topic, body = self._request('PATCH/properties/reported/', json.dumps(patch))
        if status not in ('200', '204'):
            raise HubError('twin', 'reported properties refused (status %s)' % status)
        v = _query(topic, '$version')
        return int(v) if v.isdigit() else None

    def twin(self):
        """The whole twin: {'desired': {...}, 'reported': {...}}."""
        status, topic, body = self._request('GET/', '')
        doc = _json(body) if status == '200' else None
        if doc is None:
            raise HubError('twin', 'twin not read (status %s)' % status)
        return {'desired': doc.get('desired') or {}, 'reported': doc.get('reported') or {}}

    def poll(self):
        """Delivers what arrived to the handlers, renews the token when
        due, and reconnects a lost connection after the backoff. Answers
        True when it did something, False when there was nothing to do."""
        if self.closed:
            return False
        n = 0
        why = None
        try:
            while n < 20:
                if self.held:  # taken while an answer was awaited
                    got, self.held = self.held, []
                elif self.device:
                    got = self.link.take()
                else:
                    break
                if not got:
                    break
                for topic, body in got:
                    self._dispatch(topic, body)
                    n += 1
            if self.device:
                why = self.link.check(self._now())
        except Exception as e:
            why = _reason(e)
        if why:
            self._lost(why)
            return True
        if not self.device:
            if self.tried:
                self._pause()
            self.tried = self._attempt() is not None
            return True
        if self.renew and self._now() >= self.renew:
            # MQTT has no in-band refresh: reconnect with a new token.
            # Before a download slice, so a long download cannot starve it.
            self._say('sas', 'info', 'renewing the token')
            self._drop()
            self.tried = self._attempt() is not None
            return True
        if self.ota and self.ota.busy():
            self.ota.step()  # a slice of the download; the link is served between
            return True
        return n > 0

    def run(self):
        """Polls until close(), for applications with nothing else to do."""
        while not self.closed:
            if not self.poll():
                self._wait(1)

    def close(self):
        self.closed = True
        self._drop()
        self.held = []

    # -- updates over the air (qpyhub_ota.py, qpyhub_guard.py) -----------------------

    def _updater(self):
        if self.ota is None:
            from usr import qpyhub_ota
            self.ota = qpyhub_ota.Updater(self, refuses_kwarg)
        return self.ota

    def _ota_recover(self):
        # Finishes an update step a power cut interrupted, before anything
        # else runs; an apply finished here restarts into its trial.
        if not _exists(OTA_DIR + '/journal.json'):
            return
        from usr import qpyhub_guard
        if qpyhub_guard.recover():
            self._say('ota', 'info', 'apply finished after a restart, restarting for the trial')
            qpyhub_guard.restart()

    # -- steps -------------------------------------------------------------------

    def _now(self):
        return int(time.time()) + self.epoch + self.cfg['time_offset']

    def _say(self, stage, state, detail=''):
        line = 'QPYHUB ' + stage + ' ' + state
        if detail:
            line += ' ' + detail.replace('\r', ' ').replace('\n', ' ')
        for s in self.secrets:
            line = line.replace(s, '***')
        print(line)

    def _wait(self, seconds):
        # Every wait goes through here (qpyhub's check program counts them).
        if isinstance(seconds, int):
            time.sleep(seconds)
        else:
            time.sleep_ms(int(seconds * 1000))

    def _rid(self):
        self.rid += 1
        return str(self.rid)

    def _pause(self):
        # Between attempts: 10 s for the network, else the backoff.
        if self.stage == 'network':
            self._wait(10)
            return
        delay = self.backoff.next()
        self._say(self.stage, 'info', 'retry_in=%d' % delay)
        self._wait(delay)

    def _attempt(self):
        # One try at getting online; answers None, or the HubError that
        # says what failed (its line printed).
        try:
            if not self.net_ok:
                self._network()
            if self.cfg['dps'] and not self.assigned:
                self._provision()
            host, device = self.assigned or (self.cfg['host'], self.cfg['device_id'])
            self._open(host, device)
            return None
        except Exception as e:
            code = _code(e)
            err = e if isinstance(e, HubError) else HubError(self.stage, _reason(e), final=code in _FINAL)
        self.stage = err.stage
        self._say(err.stage, 'fail', err.detail)
        self._drop()
        if self.kept and err.stage == 'mqtt' and code in (4, 5):
            # The hub no longer takes the kept assignment (the device was
            # moved or re-created): ask DPS again.
            forget_assignment()
            self.assigned, self.kept = None, False
            self._say('dps', 'info', 'kept assignment refused, registering again')
            err.final = False
        return err

    def _network(self):
        self.stage = 'network'
        try:
            import checkNet
        except ImportError:
            checkNet = None
            self._say('network', 'info', 'reason=no checkNet module, not waiting')
        if checkNet:
            r = checkNet.waitNetworkReady(30)
            if r[0] != 3 or r[1] != 1:
                why = _NET.get(r[0], 'not ready')
                if r[0] == 1 and r[1] == 0:
                    why = 'no SIM card'
                raise HubError('network', why, 'stage=%s state=%s reason=%s' % (r[0], r[1], why))
            self._say('network', 'ok')
        self.net_ok = True
        self._clock()
        if self.cfg['dps']:
            self.assigned = load_assignment(self.cfg['dps'])
            if self.assigned:
                self.kept = True
                self._say('dps', 'ok', 'hub=%s device=%s kept=1' % self.assigned)

    def _clock(self):
        if self._now() < MIN_UNIX:
            try:
                import ntptime
                ntptime.settime()
            except Exception:
                pass
        n = self._now()
        if n < MIN_UNIX:
            self._say('time', 'fail', 'unix=%d reason=clock not set, tokens will look expired' % n)
        else:
            self._say('time', 'ok', 'unix=%d' % n)

    def _password(self, resource):
        cfg = self.cfg
        if cfg['auth'] == 'key':
            expiry = self._now() + cfg['token_ttl']
            self._say('sas', 'ok', 'mode=key expires=%d' % expiry)
            return make_sas(resource, cfg['key'], expiry), expiry
        fields = token_fields(cfg['token'])
        expiry = int(fields['se'])
        self._say('sas', 'ok', 'mode=token expires=%d' % expiry)
        left = expiry - self._now()
        try:
            covers = resource.startswith(unquote(fields.get('sr', '')))
        except ValueError:
            covers = False
        if not covers:
            self._say('sas', 'fail', 'reason=the token is for another resource')
        if left <= 0:
            self._say('sas', 'fail', 'reason=token expired, write a new one')
        elif left <= cfg['heartbeat']:
            self._say('sas', 'info', 'expires_in=%d warning=token runs out before the next heartbeat' % left)
        return cfg['token'], None

    def _provision(self):
        d = self.cfg['dps']
        reg = d['registration_id']
        resource = d['id_scope'] + '/registrations/' + reg
        self.stage = 'dps'
        pw = make_sas(resource, self.cfg['key'], self._now() + self.cfg['token_ttl'], 'registration')
        c = self.link
        tls = c.open(d['host'], d['port'], reg, resource + '/api-version=' + DPS_API, pw, True, self._now())
        self._say('dps', 'info', 'connected tls=' + tls + ' registration=' + reg)
        c.subscribe('$dps/registrations/res/#')
        c.publish('$dps/registrations/PUT/iotdps-register/?$rid=' + self._rid(),
                  json.dumps({'registrationId': reg}))
        idle = 0
        while idle < 60:
            got = c.take()
            why = c.check(self._now())
            if why:
                raise HubError('dps', why)
            if not got:
                idle += 1
                self._wait(1)
            for topic, body in got:
                if not topic.startswith('$dps/registrations/res/'):
                    continue
                idle = 0
                status = topic.split('/')[3]
                doc = _json(body) or {}
                state = doc.get('registrationState') or {}
                if status == '200' and doc.get('status') == 'assigned':
                    c.close()
                    self.assigned = (state.get('assignedHub'), state.get('deviceId'))
                    self._say('dps', 'ok', 'hub=%s device=%s' % self.assigned)
                    try:
                        save_assignment(d, self.assigned[0], self.assigned[1])
                    except Exception as e:
                        self._say('dps', 'info', 'not kept for the next boot reason=' + _reason(e))
                    return
                if status in ('200', '202') and doc.get('status', 'assigning') == 'assigning':
                    wait = _query(topic, 'retry-after')
                    self._wait(min(max(int(wait) if wait.isdigit() else 3, 1), 300))
                    c.publish('$dps/registrations/GET/iotdps-get-operationstatus/?$rid=' +
                              self._rid() + '&operationId=' + doc.get('operationId', ''), '')
                    continue
                why = state.get('errorMessage') or doc.get('message') or 'registration refused'
                raise HubError('dps', why, 'status=%s code=%s reason=%s' % (
                    doc.get('status') or status, state.get('errorCode') or doc.get('errorCode'), why), True)
        raise HubError('dps', 'no answer from the provisioning service')

    def _open(self, host, device):
        # Connects to the hub, subscribes, reports the module and asks for
        # the twin; online once the hub has taken the report.
        self.stage = 'mqtt'
        pw, expiry = self._password(host + '/devices/' + device)
        c = self.link
        tls = c.open(host, self.cfg['port'], device, host + '/' + device + '/?api-version=' + HUB_API,
                     pw, False, self._now())
        self._say('mqtt', 'ok', 'tls=' + tls)
        self.backoff.reset()
        c.subscribe('devices/' + device + '/messages/devicebound/#', 1)
        for t in ('$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#'):
            c.subscribe(t)
        rid = self._rid()
        c.publish('$iothub/twin/PATCH/properties/reported/?$rid=' + rid, json.dumps({'qpyhub': self.info}))
        # The whole twin, for desired properties set while offline.
        self.get_rid = self._rid()
        c.publish('$iothub/twin/GET/?$rid=' + self.get_rid, '')
        status, topic, body = self._answer(rid)
        if status not in ('200', '204'):
            raise HubError('twin', 'reported properties refused (status %s)' % status, 'status=' + status)
        self._say('twin', 'ok', 'version=' + _query(topic, '$version'))
        self.renew = None
        if expiry:
            life = expiry - self._now()
            self.renew = expiry - min(max(life // 5, RENEW_MARGIN), life // 2)
        self.device = device
        self._say('online', 'ok', 'device=' + device)
        if self.ota or _exists(OTA_DIR):
            try:
                self._updater().online()
            except Exception as e:
                self._say('ota', 'fail', 'reason=' + _raised(e))

    # -- while connected -------------------------------------------------------------

    def _answer(self, rid):
        # Reads until the twin answer to request rid comes; what else
        # arrives meanwhile is held for poll(). Answers (status, topic, body).
        for _ in range(ANSWER_WAIT * 10):
            got = self.link.take()
            answer = None
            for m in got:
                if answer is None and m[0].startswith('$iothub/twin/res/') and _query(m[0], '$rid') == rid:
                    answer = m
                else:
                    self.held.append(m)
            if answer:
                return answer[0].split('/')[3], answer[0], answer[1]
            why = self.link.check(self._now())
            if why:
                raise HubError('mqtt', why)
            if not got:
                self._wait(0.1)
        raise HubError('twin', 'no answer from the hub')

    def _request(self, what, body):
        # A twin request: answers (status, topic, body) of its answer.
        self._live()
        rid = self._rid()
        try:
            self.link.publish('$iothub/twin/' + what + '?$rid=' + rid, body)
            return self._answer(rid)
        except HubError as e:
            if e.stage == 'mqtt':
                self._lost(e.reason)
            raise
        except Exception as e:
            raise self._lost(_reason(e))

    def _live(self):
        # Raises HubError unless connected and the connection works.
        if not self.device:
            raise HubError('mqtt', 'not connected')
        why = self.link.check(self._now())
        if why:
            raise self._lost(why)

    def _lost(self, why):
        self.stage = 'mqtt'
        self._say('mqtt', 'fail', 'reason=' + why)
        self._drop()
        self.tried = True
        return HubError('mqtt', why)

    def _drop(self):
        # Messages held stay: umqtt has acknowledged them to the hub.
        self.link.close()
        self.device = None

    def _dispatch(self, topic, body):
        if topic.startswith('$iothub/twin/res/'):
            if self.get_rid and _query(topic, '$rid') == self.get_rid and topic.split('/')[3] == '200':
                self.get_rid = None
                self._desired((_json(body) or {}).get('desired'), '')
        elif topic.startswith('$iothub/twin/PATCH/properties/desired/'):
            version = _query(topic, '$version')
            self._say('twin', 'info', 'desired version=' + version)
            self._desired(_json(body), version)
        elif topic.startswith('$iothub/methods/POST/'):
            self._method(topic, body)
        elif self.c2d_fn and '/messages/devicebound/' in topic:
            try:
                bag = topic[topic.find('/messages/devicebound/') + 22:]
                self.c2d_fn(body, _properties(bag))
            except Exception as e:
                self._say('c2d', 'fail', 'reason=' + _raised(e))

    def _desired(self, doc, version):
        # The twin GET and the PATCHes can arrive in any order: a desired
        # version not newer than the one delivered is stale.
        if not isinstance(doc, dict):
            return
        v = doc.pop('$version', None)
        if not isinstance(v, int):
            v = int(version) if version.isdigit() else None
        if v is not None:
            if self.desired_version is not None and v <= self.desired_version:
                return
            self.desired_version = v
        ota = doc.get('qpyhub')
        if isinstance(ota, dict) and isinstance(ota.get('ota'), dict):
            try:
                self._updater().desired(ota['ota'])
            except Exception as e:
                self._say('ota', 'fail', 'reason=' + _raised(e))
        if self.desired_fn:
            try:
                self.desired_fn(doc, v)
            except Exception as e:
                self._say('twin', 'fail', 'reason=' + _raised(e))

    def _method(self, topic, body):
        name = topic[len('$iothub/methods/POST/'):].split('/')[0]
        fn = self.methods.get(name)
        why = ''
        if fn is None:
            status, answer = 404, {'error': 'no method ' + name}
        else:
            try:
                status, answer = fn(_payload(body))
                if not isinstance(status, int):
                    raise TypeError('status is not a whole number')
            except Exception as e:
                why = _raised(e)
                status, answer = 500, {'error': why}
        out = '' if answer is None else json.dumps(answer)
        self.link.publish('$iothub/methods/res/%d/?$rid=%s' % (status, _query(topic, '$rid')), out)
        state = 'ok' if 200 <= status < 300 else 'info'
        if why:
            state, why = 'fail', ' reason=' + why
        self._say('method', state, 'name=%s status=%d%s' % (name, status, why))
