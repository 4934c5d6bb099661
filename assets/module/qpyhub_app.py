# qpyhub's check program: brings this QuecPython module online in Azure IoT
# Hub through the qpyhub library (/usr/qpyhub.py) and shows it stays there:
# a heartbeat message every `heartbeat` seconds (the twin's desired
# qpyhub.heartbeat changes it), the `ping` direct method, and every
# cloud-to-device message as a status line. main.py starts it; settings
# come from /usr/qpyhub_config.json (see README.md beside this file).
#
# Written for MicroPython 1.12 firmware: no f-strings, u-modules only.
import utime
import qpyhub
# The PC tool's tests check these through this module.
from qpyhub import CONFIG_PATH, check_config, load_config, make_sas  # noqa: F401


class _Stop(BaseException):
    # Ends run() after max_loops waits; the library lets it through.
    pass


def _ping(payload):
    return 200, {'pong': True}


class Program(qpyhub.Hub):
    """The hub connection plus the heartbeat; every wait is counted so
    that a test can end the program after max_loops of them."""

    def __init__(self, path, max_loops):
        self.max_loops = max_loops
        self.loops = 0
        self.beats = 0
        self.began = int(utime.time())
        self.last_beat = None
        self.next_beat = 0
        qpyhub.Hub.__init__(self, path)
        self.on_c2d(self.c2d)
        self.on_method('ping', _ping)
        self.on_desired(self.desired)

    def _wait(self, seconds):
        if self.max_loops and self.loops >= self.max_loops:
            raise _Stop()
        self.loops += 1
        qpyhub.Hub._wait(self, seconds)

    def beat(self):
        now = int(utime.time())
        if now < self.next_beat:
            return
        try:
            self.send({'heartbeat': self.beats + 1, 'uptime': now - self.began})
        except qpyhub.HubError:
            return  # offline: poll() reconnects, the beat goes then
        self.beats += 1
        self._say('heartbeat', 'ok', 'n=%d' % self.beats)
        self.last_beat = now
        self.next_beat = now + self.cfg['heartbeat']

    def c2d(self, body, props):
        try:
            text = body.decode()
        except Exception:
            text = repr(body)
        self._say('c2d', 'info', text)

    def desired(self, patch, version):
        # The desired {"qpyhub": {"heartbeat": N}} sets the heartbeat
        # interval without a new setup; the value taken is reported back.
        q = patch.get('qpyhub')
        if not isinstance(q, dict) or 'heartbeat' not in q:
            return
        v = q['heartbeat']
        if not isinstance(v, int) or isinstance(v, bool) or v < 5 or v > 86400:
            self._say('twin', 'info', 'desired heartbeat ignored reason=must be a whole number from 5 to 86400')
            return
        if v == self.cfg['heartbeat']:
            return
        self.cfg['heartbeat'] = v
        try:
            self.report({'qpyhub': {'heartbeat': v}})
        except qpyhub.HubError:
            pass  # taken all the same; reported again when it changes
        self._say('twin', 'ok', 'heartbeat=%d' % v)
        if self.last_beat is not None:
            self.next_beat = self.last_beat + v

    def serve(self):
        try:
            self.connect()
        except qpyhub.HubError:
            pass  # said; poll() keeps trying, as this program always has
        while True:
            self.beat()
            if not self.poll():
                self._wait(1)


def run(path=CONFIG_PATH, max_loops=0):
    try:
        p = Program(path, max_loops)
    except qpyhub.HubError:
        return  # the config fail line is printed
    try:
        p.serve()
    except _Stop:
        pass
    except Exception as e:
        p._say(p.stage, 'fail', 'reason=program error ' + qpyhub._reason(e))
    p.close()
