# qpyhub module program: brings this QuecPython module online in Azure IoT
# Hub and keeps it there. Settings come from /usr/qpyhub_config.json (see
# README.md beside this file); progress is printed as "QPYHUB <stage>
# <ok|fail|info> <detail>" lines that the PC tool follows on the REPL.
#
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
_B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
_SAFE = _B64[:62] + '-_.~'
_CONNACK = {1: 'unacceptable protocol version', 2: 'identifier rejected',
            3: 'server unavailable', 4: 'bad user name or password',
            5: 'not authorized'}
_NET = {1: 'SIM not ready', 2: 'not registered on the network',
        3: 'no data call'}


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


# ---- the program -----------------------------------------------------------

class _Stop(Exception):
    pass


class _Refused(Exception):
    # A refusal whose text is already a status detail.
    pass


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


class App:
    def __init__(self, cfg, max_loops=0):
        self.cfg = cfg
        self.max_loops = max_loops
        self.loops = 0
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
        self.stage = 'mqtt'
        self.assigned = None
        self.kept = False  # self.assigned came from ASSIGNMENT_PATH
        self.desired_version = None  # of the desired properties last applied
        self.beats = 0
        self.started = self.now()

    def now(self):
        return int(time.time()) + self.epoch + self.cfg['time_offset']

    def say(self, stage, state, detail=''):
        line = 'QPYHUB ' + stage + ' ' + state
        if detail:
            line += ' ' + detail.replace('\r', ' ').replace('\n', ' ')
        for s in self.secrets:
            line = line.replace(s, '***')
        print(line)

    def tick(self, seconds):
        # Every wait goes through here, so a test can end the program.
        if self.max_loops and self.loops >= self.max_loops:
            raise _Stop()
        self.loops += 1
        time.sleep(seconds)

    def next_rid(self):
        self.rid += 1
        return str(self.rid)

    def wait_network(self):
        try:
            import checkNet
        except ImportError:
            self.say('network', 'info', 'reason=no checkNet module, not waiting')
            return
        while True:
            r = checkNet.waitNetworkReady(30)
            if r[0] == 3 and r[1] == 1:
                self.say('network', 'ok')
                return
            why = _NET.get(r[0], 'not ready')
            if r[0] == 1 and r[1] == 0:
                why = 'no SIM card'
            self.say('network', 'fail', 'stage=%s state=%s reason=%s' % (r[0], r[1], why))
            self.tick(10)

    def check_clock(self):
        if self.now() < MIN_UNIX:
            try:
                import ntptime
                ntptime.settime()
            except Exception:
                pass
        n = self.now()
        if n < MIN_UNIX:
            self.say('time', 'fail', 'unix=%d reason=clock not set, tokens will look expired' % n)
        else:
            self.say('time', 'ok', 'unix=%d' % n)

    def password(self, resource):
        cfg = self.cfg
        if cfg['auth'] == 'key':
            expiry = self.now() + cfg['token_ttl']
            self.say('sas', 'ok', 'mode=key expires=%d' % expiry)
            return make_sas(resource, cfg['key'], expiry), expiry
        fields = token_fields(cfg['token'])
        expiry = int(fields['se'])
        self.say('sas', 'ok', 'mode=token expires=%d' % expiry)
        left = expiry - self.now()
        try:
            covers = resource.startswith(unquote(fields.get('sr', '')))
        except ValueError:
            covers = False
        if not covers:
            self.say('sas', 'fail', 'reason=the token is for another resource')
        if left <= 0:
            self.say('sas', 'fail', 'reason=token expired, write a new one')
        elif left <= cfg['heartbeat']:
            self.say('sas', 'info', 'expires_in=%d warning=token runs out before the next heartbeat' % left)
        return cfg['token'], None

    def connect(self, host, port, client_id, user, password, clean):
        return self.link.open(host, port, client_id, user, password, clean, self.now())

    def close(self):
        self.link.close()

    def alive(self):
        # Raises when the connection no longer works, so that serve()
        # reconnects with its backoff.
        why = self.link.check(self.now())
        if why:
            raise _Refused('reason=' + why)

    def provision(self):
        d = self.cfg['dps']
        reg = d['registration_id']
        resource = d['id_scope'] + '/registrations/' + reg
        self.stage = 'dps'
        pw = make_sas(resource, self.cfg['key'], self.now() + self.cfg['token_ttl'], 'registration')
        tls = self.connect(d['host'], d['port'], reg, resource + '/api-version=' + DPS_API, pw, True)
        self.say('dps', 'info', 'connected tls=' + tls + ' registration=' + reg)
        c = self.link
        c.subscribe('$dps/registrations/res/#')
        c.publish('$dps/registrations/PUT/iotdps-register/?$rid=' + self.next_rid(),
                  json.dumps({'registrationId': reg}))
        idle = 0
        while idle < 60:
            got = c.take()
            self.alive()
            if not got:
                idle += 1
                self.tick(1)
            for topic, body in got:
                if not topic.startswith('$dps/registrations/res/'):
                    continue
                idle = 0
                status = topic.split('/')[3]
                try:
                    doc = json.loads(body)
                except ValueError:
                    doc = {}
                state = doc.get('registrationState') or {}
                if status == '200' and doc.get('status') == 'assigned':
                    self.close()
                    self.assigned = (state.get('assignedHub'), state.get('deviceId'))
                    self.say('dps', 'ok', 'hub=%s device=%s' % self.assigned)
                    try:
                        save_assignment(d, self.assigned[0], self.assigned[1])
                    except Exception as e:
                        self.say('dps', 'info', 'not kept for the next boot reason=' + _reason(e))
                    return self.assigned
                if status in ('200', '202') and doc.get('status', 'assigning') == 'assigning':
                    wait = _query(topic, 'retry-after')
                    self.tick(min(max(int(wait) if wait.isdigit() else 3, 1), 300))
                    c.publish('$dps/registrations/GET/iotdps-get-operationstatus/?$rid=' +
                              self.next_rid() + '&operationId=' + doc.get('operationId', ''), '')
                    continue
                raise _Refused('status=%s code=%s reason=%s' % (
                    doc.get('status') or status, state.get('errorCode') or doc.get('errorCode'),
                    state.get('errorMessage') or doc.get('message') or 'registration refused'))
        raise _Refused('reason=no answer from the provisioning service')

    def open_hub(self, host, device):
        # Connects to the hub, subscribes, reports and asks for the twin;
        # answers the two request ids and when to renew the token.
        self.stage = 'mqtt'
        pw, expiry = self.password(host + '/devices/' + device)
        tls = self.connect(host, self.cfg['port'], device, host + '/' + device + '/?api-version=' + HUB_API, pw, False)
        self.say('mqtt', 'ok', 'tls=' + tls)
        self.backoff.reset()
        c = self.link
        c.subscribe('devices/' + device + '/messages/devicebound/#', 1)
        for t in ('$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#'):
            c.subscribe(t)
        twin_rid = self.next_rid()
        c.publish('$iothub/twin/PATCH/properties/reported/?$rid=' + twin_rid,
                  json.dumps({'qpyhub': self.info}))
        # The whole twin, for desired properties set while offline.
        get_rid = self.next_rid()
        c.publish('$iothub/twin/GET/?$rid=' + get_rid, '')
        renew = None
        if expiry:
            life = expiry - self.now()
            renew = expiry - min(max(life // 5, RENEW_MARGIN), life // 2)
        return twin_rid, get_rid, renew

    def session(self, host, device):
        cfg = self.cfg
        c = self.link
        twin_rid, get_rid, renew = self.open_hub(host, device)
        online = False
        next_beat = 0
        last_beat = 0
        while True:
            got = c.take()
            for topic, body in got:
                desired = None
                if topic.startswith('$iothub/twin/res/'):
                    status = topic.split('/')[3]
                    rid = _query(topic, '$rid')
                    if rid == get_rid and status == '200':
                        desired = (_json(body) or {}).get('desired')
                    elif rid != twin_rid:
                        continue
                    elif status not in ('200', '204'):
                        self.say('twin', 'fail', 'status=' + status)
                        continue
                    else:
                        self.say('twin', 'ok', 'version=' + _query(topic, '$version'))
                        if not online:
                            online = True
                            next_beat = self.now()
                            self.say('online', 'ok', 'device=' + device)
                elif topic.startswith('$iothub/twin/PATCH/properties/desired/'):
                    self.say('twin', 'info', 'desired version=' + _query(topic, '$version'))
                    desired = _json(body)
                else:
                    self.handle(c, device, topic, body)
                if desired is not None and self.desired(desired) and online:
                    next_beat = last_beat + cfg['heartbeat']
            self.alive()
            now = self.now()
            if online and now >= next_beat:
                self.beats += 1
                c.publish('devices/' + device + '/messages/events/$.ct=application%2Fjson&$.ce=utf-8',
                          json.dumps({'heartbeat': self.beats, 'uptime': now - self.started}))
                self.say('heartbeat', 'ok', 'n=%d' % self.beats)
                last_beat = now
                next_beat = now + cfg['heartbeat']
            if renew and now >= renew:
                # MQTT has no in-band refresh: reconnect with a new token.
                self.say('sas', 'info', 'renewing the token')
                self.close()
                return
            if not got:
                self.tick(1)

    def desired(self, doc):
        # The twin's desired {"qpyhub": {"heartbeat": N}} sets the heartbeat
        # interval without a new setup; the value taken is reported back.
        # True when the interval changed. The twin GET and the PATCHes can
        # arrive in any order: a desired version not newer than the one
        # applied is stale.
        if not isinstance(doc, dict):
            return False
        version = doc.get('$version')
        if isinstance(version, int):
            if self.desired_version is not None and version <= self.desired_version:
                return False
            self.desired_version = version
        q = doc.get('qpyhub')
        if not isinstance(q, dict) or 'heartbeat' not in q:
            return False
        v = q['heartbeat']
        if not isinstance(v, int) or isinstance(v, bool) or v < 5 or v > 86400:
            self.say('twin', 'info', 'desired heartbeat ignored reason=must be a whole number from 5 to 86400')
            return False
        if v == self.cfg['heartbeat']:
            return False
        self.cfg['heartbeat'] = v
        self.link.publish('$iothub/twin/PATCH/properties/reported/?$rid=' + self.next_rid(),
                            json.dumps({'qpyhub': {'heartbeat': v}}))
        self.say('twin', 'ok', 'heartbeat=%d' % v)
        return True

    def handle(self, c, device, topic, body):
        if topic.startswith('$iothub/methods/POST/'):
            name = topic[len('$iothub/methods/POST/'):].split('/')[0]
            status, answer = (200, {'pong': True}) if name == 'ping' else (404, {'error': 'no method ' + name})
            c.publish('$iothub/methods/res/%d/?$rid=%s' % (status, _query(topic, '$rid')), json.dumps(answer))
            self.say('method', 'ok' if status == 200 else 'info', 'name=%s status=%d' % (name, status))
        elif topic.startswith('devices/' + device + '/messages/devicebound/'):
            try:
                text = body.decode()
            except Exception:
                text = repr(body)
            self.say('c2d', 'info', text)

    def serve(self):
        self.info = _module_info()
        self.info['started'] = self.started
        self.wait_network()
        self.check_clock()
        if self.cfg['dps']:
            self.assigned = load_assignment(self.cfg['dps'])
            if self.assigned:
                self.kept = True
                self.say('dps', 'ok', 'hub=%s device=%s kept=1' % self.assigned)
        while True:
            try:
                if self.cfg['dps'] and not self.assigned:
                    self.provision()
                host, device = self.assigned or (self.cfg['host'], self.cfg['device_id'])
                self.session(host, device)
                continue
            except _Stop:
                raise
            except Exception as e:
                self.say(self.stage, 'fail', str(e) if isinstance(e, _Refused) else 'reason=' + _reason(e))
                if self.kept and self.stage == 'mqtt' and _code(e) in (4, 5):
                    # The hub no longer takes the kept assignment (the
                    # device was moved or re-created): ask DPS again.
                    forget_assignment()
                    self.assigned, self.kept = None, False
                    self.say('dps', 'info', 'kept assignment refused, registering again')
            self.close()
            delay = self.backoff.next()
            self.say(self.stage, 'info', 'retry_in=%d' % delay)
            self.tick(delay)


def run(path=CONFIG_PATH, max_loops=0):
    try:
        cfg = load_config(path)
    except ValueError as e:
        print('QPYHUB config fail ' + str(e).replace('\n', ' '))
        return
    app = App(cfg, max_loops)
    who = 'device=' + cfg['device_id']
    if cfg['dps']:
        who = 'registration=' + cfg['dps']['registration_id']
    app.say('config', 'ok', who + ' auth=' + cfg['auth'])
    try:
        app.serve()
    except _Stop:
        pass
    except Exception as e:
        app.say(app.stage, 'fail', 'reason=program error ' + _reason(e))
    app.close()
