# Recording stand-ins for the module program's tests, put in sys.modules
# before qpyhub_app is imported: a clock that only moves when the program
# sleeps, checkNet answers from a list, and an MQTT client whose broker
# follows a script and answers twin, method and DPS requests the way IoT
# Hub does. The Go test reads the record printed by dump().
import sys
import builtins
import ujson

LOG = {'connects': [], 'subs': [], 'pubs': [], 'lost': [], 'sleeps': [], 'pings': 0,
       'disconnects': 0, 'net_calls': 0, 'imports': []}
CLOCK = None
FORBIDDEN = ('hashlib', 'hmac', 'base64')
_real_import = builtins.__import__


def _guarded_import(name, *args):
    # Some firmware has none of these: the program must not need them.
    LOG['imports'].append(name)
    if name in FORBIDDEN:
        raise ImportError('no module named ' + name)
    return _real_import(name, *args)


class Clock:
    def __init__(self, start, epoch2000):
        self.t = start
        self.start = start
        self.base = 946684800 if epoch2000 else 0

    def time(self):
        return self.t - self.base

    def sleep(self, s):
        LOG['sleeps'].append(s)
        self.t += s

    def sleep_ms(self, ms):
        self.sleep(ms / 1000)

    def ticks_ms(self):
        return int(self.t * 1000)

    def ticks_diff(self, a, b):
        return a - b

    def localtime(self, s=None):
        return (2000 if self.base else 1970, 1, 1, 0, 0, 0, 5, 1)


class CheckNet:
    def __init__(self, answers):
        self.answers = answers

    def waitNetworkReady(self, timeout=60):
        LOG['net_calls'] += 1
        a = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return tuple(a)


class Broker:
    def __init__(self, sc):
        self.results = sc.get('connect', [])
        self.reject_ca = sc.get('reject_ca', False)
        if self.reject_ca is True:
            self.reject_ca = 'named'
        self.reject_sni = sc.get('reject_sni', False)
        # per connection: seconds after it opens at which the server
        # closes it (drops) or stops answering without closing (silences)
        self.drops = sc.get('drops', [])
        self.silences = sc.get('silences', [])
        self.opens = []  # clock time each connection opened
        self.inbound = sc.get('inbound', [])
        self.twin_status = sc.get('twin_status', 204)
        self.dps = sc.get('dps') or {}
        self.desired = sc.get('twin_desired')  # None: twin GET goes unanswered
        self.queue = []

    def opened(self, client):
        self.opens.append(CLOCK.t)
        return len(self.opens) - 1

    def _after(self, marks, n):
        m = marks[n] if n < len(marks) else None
        return m is not None and CLOCK.t >= self.opens[n] + m

    def dropped(self, n):
        return self._after(self.drops, n)

    def silent(self, n):
        return self._after(self.silences, n)

    def react(self, topic, msg):
        rid = ''
        if '$rid=' in topic:
            rid = topic.split('$rid=')[1].split('&')[0]
        if topic.startswith('$iothub/twin/PATCH/properties/reported/'):
            self.queue.append(('$iothub/twin/res/%d/?$rid=%s&$version=7' % (self.twin_status, rid), ''))
            self.queue.extend(self.inbound)
            self.inbound = []
        elif topic.startswith('$iothub/twin/GET/'):
            if self.desired is not None:
                twin = {'desired': self.desired, 'reported': {'$version': 1}}
                self.queue.append(('$iothub/twin/res/200/?$rid=%s' % rid, ujson.dumps(twin)))
        elif topic.startswith('$dps/registrations/PUT/iotdps-register/'):
            body = {'operationId': 'op-1', 'status': 'assigning'}
            self.queue.append(('$dps/registrations/res/202/?$rid=%s&retry-after=3' % rid, ujson.dumps(body)))
        elif topic.startswith('$dps/registrations/GET/iotdps-get-operationstatus/'):
            d = self.dps
            if d.get('polls', 0) > 1:
                d['polls'] -= 1
                body = {'operationId': 'op-1', 'status': 'assigning'}
                self.queue.append(('$dps/registrations/res/202/?$rid=%s&retry-after=2' % rid, ujson.dumps(body)))
                return
            state = {'registrationId': d.get('registration_id'), 'assignedHub': d.get('hub'),
                     'deviceId': d.get('device'), 'status': d.get('status', 'assigned')}
            if d.get('status', 'assigned') != 'assigned':
                state['errorCode'] = 400224
                state['errorMessage'] = 'enrollment disabled'
            body = {'operationId': 'op-1', 'status': d.get('status', 'assigned'), 'registrationState': state}
            self.queue.append(('$dps/registrations/res/200/?$rid=%s' % rid, ujson.dumps(body)))


# What QuecPython's umqtt raises from connect() (PROTOCOLS.md section 6):
# every failure wrapped in a ValueError with the firmware's words.
CONNECT_ERRORS = {
    'auth': "MQTT Connect error='5' FAIL",
    'auth4': "MQTT Connect Error='4' Server Actively FIN Disconnected.Need Check Connection parameters",
    'oserror': "MQTT Connect error='113' FAIL",
    'reset': "MQTT Connect Error='104' Server Actively RST Disconnected.Need Check addr&port",
    'cert': "MQTT Connect error='(-9984, 'X509 - Certificate verification failed, e.g. CRL, CA or signature check failed')' FAIL",
}
# How firmware refuses a CA it cannot take: wrapped by umqtt in the words
# of PROTOCOLS.md, of a terse build, of MicroPython's C argument parser,
# or bare (a umqtt that lets the TypeError through).
CA_REFUSALS = {
    'named': ValueError("MQTT Connect error='unexpected keyword argument 'ca'' FAIL"),
    'terse': ValueError("MQTT Connect error='unexpected keyword argument' FAIL"),
    'parser': ValueError("MQTT Connect error='extra keyword arguments given' FAIL"),
    'bare': TypeError("unexpected keyword argument 'ca'"),
}


class MQTTClient:
    broker = None

    def __init__(self, client_id, server, port=0, user=None, password=None,
                 keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4):
        self.args = {'client_id': client_id, 'server': server, 'port': port, 'user': user,
                     'password': password, 'keepalive': keepalive, 'ssl': ssl,
                     'ssl_params': ssl_params, 'reconn': reconn}
        self.cb = None
        self.n = -1  # which connection of the broker's this is
        self.closed = False
        self.pong = False

    def set_callback(self, f):
        self.cb = f

    def error_register_cb(self, f):
        pass

    def connect(self, clean_session=True):
        rec = dict(self.args)
        rec['clean'] = clean_session
        rec['t'] = CLOCK.t - CLOCK.start
        LOG['connects'].append(rec)
        b = MQTTClient.broker
        params = self.args['ssl_params']
        if b.reject_ca and 'ca' in params:
            raise CA_REFUSALS[b.reject_ca]
        if b.reject_sni and 'server_hostname' in params:
            # newer umqtt passes server_hostname itself: twice is too many
            raise ValueError("MQTT Connect error='extra keyword arguments given' FAIL")
        r = b.results.pop(0) if b.results else None
        if r:
            raise ValueError(CONNECT_ERRORS[r])
        self.n = b.opened(self)
        return 0

    def get_mqttsta(self):
        if self.closed or self.n < 0:
            return -1
        return 2 if MQTTClient.broker.dropped(self.n) else 0

    def _dead(self):
        b = MQTTClient.broker
        return self.closed or self.n < 0 or b.dropped(self.n) or b.silent(self.n)

    def subscribe(self, topic, qos=0):
        LOG['subs'].append({'client': self.args['client_id'], 'topic': topic, 'qos': qos})

    def publish(self, topic, msg, retain=False, qos=0):
        if not isinstance(msg, str):
            msg = msg.decode()
        if self._dead():
            # firmware drops it without a word
            LOG['lost'].append({'topic': topic, 'msg': msg, 'qos': qos})
            return None
        LOG['pubs'].append({'topic': topic, 'msg': msg, 'qos': qos})
        MQTTClient.broker.react(topic, msg)
        return True

    def check_msg(self):
        if self._dead():
            return None
        q = MQTTClient.broker.queue
        if q:
            topic, payload = q.pop(0)
            self.cb(topic.encode(), payload.encode())
            return None
        if self.pong:
            self.pong = False
            return b'\xd0'
        return None

    def ping(self):
        LOG['pings'] += 1
        if not self._dead():
            self.pong = True

    def disconnect(self):
        LOG['disconnects'] += 1
        self.closed = True


class _Module:
    pass


def setup(sc):
    builtins.__import__ = _guarded_import
    if '/usr' not in sys.path:
        sys.path.append('/usr')
    global CLOCK
    CLOCK = Clock(sc.get('start', 1767225600), sc.get('epoch2000', False))
    sys.modules['utime'] = CLOCK
    if sc.get('net') is not None:
        sys.modules['checkNet'] = CheckNet(sc['net'])
    umqtt = _Module()
    umqtt.MQTTClient = MQTTClient
    MQTTClient.broker = Broker(sc)
    sys.modules['umqtt'] = umqtt


def dump():
    print('HARNESS-LOG ' + ujson.dumps(LOG))
