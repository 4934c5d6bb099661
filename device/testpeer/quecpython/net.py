# Stand-in for QuecPython's net module: signal, registration, operator.
import _qpyscenario as _s

_s.require("net")


def csqQueryPoll():
    if _s.failing("net.csqQueryPoll"):
        return -1
    return _s.get("csq")


def getState():
    if _s.failing("net.getState"):
        return -1
    rat = _s.get("rat")
    lac = _s.get("lac")
    cid = _s.get("cell_id")
    rej = _s.get("reject")
    voice = [_s.get("voice_state"), lac, cid, rat, rej, 0]
    data = [_s.get("data_state"), lac, cid, rat, rej, 0]
    return (voice, data)


def operatorName():
    if _s.failing("net.operatorName"):
        return -1
    op = _s.get("operator")
    if not op or _s.get("data_state") not in (1, 5):
        return -1
    return tuple(op)


def getSignal(sinrEnable=0):
    if _s.failing("net.getSignal"):
        return -1
    # GSM/WCDMA part is "unknown" while camped on LTE.
    gw = [99, 99, 255, 255]
    lte = [_s.get("rssi"), _s.get("rsrp"), _s.get("rsrq"), _s.get("cqi")]
    if sinrEnable:
        lte.append(_s.get("sinr"))
    return (gw, lte)


def getConfig():
    if _s.failing("net.getConfig"):
        return -1
    return (_s.get("net_mode"), _s.get("roaming_enabled"))
