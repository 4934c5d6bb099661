# Scenario store for the QuecPython stand-ins: reads /qpy_scenario.json
# once, fills in a healthy EC600N on LTE for every key the test did not set,
# and answers the stand-ins' questions. See README.md for the keys.
try:
    import ujson as _json
except ImportError:
    import json as _json

PATH = "/qpy_scenario.json"

_BASE = {
    "model": "EC600N",
    "imei": "866327040000001",
    "firmware": "EC600NCNLCR01A01M08_OCPU_QPY_V0001",
    "sn": "MPY22C7C6001A0001",
    "sim_status": 1,
    "iccid": "89860012345678901234",
    "imsi": "460001234567890",
    "phone": "",
    "csq": 24,
    "rat": 7,
    "lac": 6220,
    "cell_id": 95485954,
    "reject": 0,
    "operator": ["CHINA MOBILE", "CMCC", "460", "00"],
    "rssi": -60,
    "rsrp": -85,
    "rsrq": -9,
    "cqi": 12,
    "sinr": 15,
    "net_mode": 5,
    "roaming_enabled": 0,
    "ip": "10.64.12.34",
    "dns": ["211.136.17.107", "211.136.20.203"],
    "ipv6_active": 0,
    "ipv6": "::",
    "ipv6_dns": ["::", "::"],
    "profiles": {},
    "getinfo_error": None,
    "all_fail": False,
    "fail": [],
    "missing": [],
}

_loaded = None


def _read():
    try:
        f = open(PATH)
    except OSError:
        return {}
    try:
        doc = _json.loads(f.read())
    finally:
        f.close()
    if not isinstance(doc, dict):
        return {}
    return doc


def _derive(s, given):
    # Values that follow from others unless the test set them itself:
    # no SIM means no registration, no registration means no data call.
    if "data_state" not in given:
        s["data_state"] = 1 if s["sim_status"] == 1 else 0
    if "voice_state" not in given:
        s["voice_state"] = s["data_state"]
    if "data_active" not in given:
        s["data_active"] = 1 if s["data_state"] in (1, 5) else 0
    if "old_firmware" in given and s["old_firmware"]:
        if "dual_stack" not in given:
            s["dual_stack"] = False
        if "missing" not in given:
            s["missing"] = ["checkNet"]
    if "dual_stack" not in s:
        s["dual_stack"] = True


def reload():
    """Reads the scenario file again (after a test rewrote it)."""
    global _loaded
    given = _read()
    s = {}
    for k in _BASE:
        s[k] = _BASE[k]
    for k in given:
        s[k] = given[k]
    _derive(s, given)
    _loaded = s
    return s


def get(key):
    if _loaded is None:
        reload()
    return _loaded.get(key)


def require(module):
    """Raises ImportError when the scenario lists the module as missing."""
    if module in (get("missing") or []):
        raise ImportError("no module named '" + module + "'")


def failing(name):
    """True when the call named "module.function" must answer -1."""
    if get("all_fail"):
        return True
    return name in (get("fail") or [])
