# Recording stand-ins for the module program's tests, put in sys.modules
# before qpyhub_app is imported: a clock that only moves when the program
# sleeps, checkNet answers from a list, and an MQTT client whose broker
# follows a script and answers twin, method and DPS requests the way IoT
# Hub does. The Go test reads the record printed by dump().
import sys
import builtins
import ujson

LOG = {'connects': [], 'subs': [], 'pubs': [], 'sleeps': [], 'pings': 0,
       'disconnects': 0, 'net_calls': 0, 'imports': []}
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
        self.inbound = sc.get('inbound', [])
        self.twin_status = sc.get('twin_status', 204)
        self.dps = sc.get('dps') or {}
        self.desired = sc.get('twin_desired')  # None: twin GET goes unanswered
        self.queue = []

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


class MQTTClient:
    broker = None

    def __init__(self, client_id, server, port=0, user=None, password=None,
                 keepalive=0, ssl=False, ssl_params={}, reconn=True, version=4):
        self.args = {'client_id': client_id, 'server': server, 'port': port, 'user': user,
                     'password': password, 'keepalive': keepalive, 'ssl': ssl,
                     'ssl_params': ssl_params, 'reconn': reconn}
        self.cb = None

    def set_callback(self, f):
        self.cb = f

    def connect(self, clean_session=True):
        rec = dict(self.args)
        rec['clean'] = clean_session
        LOG['connects'].append(rec)
        b = MQTTClient.broker
        if b.reject_ca and 'ca' in self.args['ssl_params']:
            # v1.12 ussl.wrap_socket has no such argument
            raise TypeError("unexpected keyword argument 'ca'")
        r = b.results.pop(0) if b.results else None
        if r == 'auth':
            raise ValueError("MQTT Connect error='5' FAIL")
        if r == 'oserror':
            raise OSError(113)
        return 0

    def subscribe(self, topic, qos=0):
        LOG['subs'].append({'client': self.args['client_id'], 'topic': topic, 'qos': qos})

    def publish(self, topic, msg, retain=False, qos=0):
        if not isinstance(msg, str):
            msg = msg.decode()
        LOG['pubs'].append({'topic': topic, 'msg': msg, 'qos': qos})
        MQTTClient.broker.react(topic, msg)

    def check_msg(self):
        q = MQTTClient.broker.queue
        if q:
            topic, payload = q.pop(0)
            self.cb(topic.encode(), payload.encode())

    def ping(self):
        LOG['pings'] += 1

    def disconnect(self):
        LOG['disconnects'] += 1


class _Module:
    pass


def setup(sc):
    builtins.__import__ = _guarded_import
    if '/usr' not in sys.path:
        sys.path.append('/usr')
    sys.modules['utime'] = Clock(sc.get('start', 1767225600), sc.get('epoch2000', False))
    if sc.get('net') is not None:
        sys.modules['checkNet'] = CheckNet(sc['net'])
    umqtt = _Module()
    umqtt.MQTTClient = MQTTClient
    MQTTClient.broker = Broker(sc)
    sys.modules['umqtt'] = umqtt


def dump():
    print('HARNESS-LOG ' + ujson.dumps(LOG))
