# Stand-in for QuecPython's modem module: device identity strings.
import _qpyscenario as _s

_s.require("modem")


def _text(call, key):
    if _s.failing("modem." + call):
        return -1
    v = _s.get(key)
    if v is None:
        return -1
    return v


def getDevImei():
    return _text("getDevImei", "imei")


def getDevModel():
    return _text("getDevModel", "model")


def getDevFwVersion():
    return _text("getDevFwVersion", "firmware")


def getDevSN():
    return _text("getDevSN", "sn")
