# Stand-in for QuecPython's osTimer (its modostimer.c): a software timer,
#   import osTimer
#   t = osTimer()
#   t.start(ms, cyclic, callback)  # cyclic 0: once, 1: every ms; callback(arg)
#   t.stop(); t.delete_timer()
# `import osTimer` gives the class itself on the firmware; the peer puts
# this module's class into sys.modules under that name at boot.
#
# The firmware runs the callback in a timer thread while the program goes
# on. The peer has no threads: a due callback runs inside the program's
# next utime.sleep*, which sleeps only up to the next due time.
import time as _time

_armed = []


def _now():
    return _time.ticks_ms()


class osTimer:
    def __init__(self):
        self._due = None
        self._period = 0
        self._cb = None

    def start(self, ms, cyclic, callback):
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.stop()
        self._period = int(ms) if cyclic else 0
        self._due = _time.ticks_add(_now(), int(ms))
        self._cb = callback
        _armed.append(self)
        return 0

    def stop(self):
        if self in _armed:
            _armed.remove(self)
        self._due = None
        return 0

    def delete_timer(self):
        return self.stop()


def until_due(ms):
    """How long a sleep of ms may last before a timer is due."""
    for t in _armed:
        left = max(0, _time.ticks_diff(t._due, _now()))
        if left < ms:
            ms = left
    return ms


def fire_due():
    """Runs the callbacks that are due."""
    for t in list(_armed):
        if t._due is None or _time.ticks_diff(t._due, _now()) > 0:
            continue
        if t._period:
            t._due = _time.ticks_add(t._due, t._period)
        else:
            t.stop()
        t._cb(t)
