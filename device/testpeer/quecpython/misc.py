# Stand-in for QuecPython's misc module, its Power class only, shaped as
# the firmware's misc_power.c (2021 source) makes it: functions called on
# the class itself, misc.Power.powerRestart(), no instance.
#
# powerRestart() resets the module and never returns. Here the running
# code ends with SystemExit (no traceback, as a clean end), and the peer
# then starts again as at power-up: a fresh interpreter over the same
# files, /usr/main.py run, the banner. A real module's USB port goes away
# and comes back meanwhile; the peer's pseudo-terminal stays open.
import _qpyscenario as _s
import qpy_peer as _peer

_s.require("misc")


class Power:
    @staticmethod
    def powerRestart():
        _peer.restart()
        raise SystemExit
