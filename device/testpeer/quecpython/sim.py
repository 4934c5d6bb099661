# Stand-in for QuecPython's sim module. Status codes as sim.getStatus():
# 0 absent, 1 ready, 2 PIN, 3 PUK, 4-17 locks, 18 initialising,
# 19 blocked, 20 invalid, 21 unknown. Identity strings only when ready.
import _qpyscenario as _s

_s.require("sim")


def getStatus():
    if _s.failing("sim.getStatus"):
        return -1
    return _s.get("sim_status")


def _identity(call, key):
    if _s.failing("sim." + call) or _s.get("sim_status") != 1:
        return -1
    v = _s.get(key)
    if v is None:
        return -1
    return v


def getImsi():
    return _identity("getImsi", "imsi")


def getIccid():
    return _identity("getIccid", "iccid")


def getPhoneNumber():
    return _identity("getPhoneNumber", "phone")
