# Stand-in for QuecPython's dataCall module: PDP context information.
import _qpyscenario as _s

_s.require("dataCall")

_V4_NONE = "0.0.0.0"
_V6_NONE = "::"


def _v4(pid):
    if pid == 1:
        if not _s.get("data_active"):
            return [0, 0, _V4_NONE, _V4_NONE, _V4_NONE]
        dns = list(_s.get("dns") or []) + [_V4_NONE, _V4_NONE]
        return [1, 0, _s.get("ip"), dns[0], dns[1]]
    ip = (_s.get("profiles") or {}).get(str(pid))
    if not ip:
        return [0, 0, _V4_NONE, _V4_NONE, _V4_NONE]
    dns = list(_s.get("dns") or []) + [_V4_NONE, _V4_NONE]
    return [1, 0, ip, dns[0], dns[1]]


def _v6(pid):
    if pid != 1 or not _s.get("ipv6_active"):
        return [0, 0, _V6_NONE, _V6_NONE, _V6_NONE]
    dns = list(_s.get("ipv6_dns") or []) + [_V6_NONE, _V6_NONE]
    return [1, 0, _s.get("ipv6"), dns[0], dns[1]]


def getInfo(profileID, ipType):
    if _s.failing("dataCall.getInfo"):
        return -1
    code = _s.get("getinfo_error")
    if code is not None:
        # Old firmware answers an int error code instead of a tuple.
        return code
    if ipType == 0:
        return (profileID, 0, _v4(profileID))
    if ipType == 1:
        return (profileID, 1, _v6(profileID))
    if ipType == 2:
        if not _s.get("dual_stack"):
            return -1
        return (profileID, 2, _v4(profileID), _v6(profileID))
    return -1


def activate(profileID):
    return -1 if _s.failing("dataCall.activate") else 0


def deactivate(profileID):
    return -1 if _s.failing("dataCall.deactivate") else 0
