def _qpyhub_probe():
    # One raw-REPL round trip. Runs on QuecPython v1.12-era firmware:
    # no f-strings, u-prefixed modules first, every call guarded.
    try:
        import ujson as js
    except ImportError:
        import json as js
    try:
        import uos as osm
    except ImportError:
        import os as osm
    r = {"v": 1, "missing": []}

    def mod(name):
        try:
            return __import__(name)
        except Exception:
            r["missing"].append(name)
            return None

    def call(key, m, fn, *args):
        if m is None:
            return None
        try:
            v = getattr(m, fn)(*args)
        except Exception as e:
            v = {"error": repr(e)}
        if key:
            r[key] = v
        return v

    try:
        u = osm.uname()
        names = ("sysname", "nodename", "release", "version", "machine")
        out = []
        for i, x in enumerate(u):
            x = str(x)
            if "=" not in x and i < len(names):
                x = names[i] + "=" + x
            out.append(x)
        r["uname"] = out
    except Exception as e:
        r["uname"] = {"error": repr(e)}

    modem = mod("modem")
    call("model", modem, "getDevModel")
    call("imei", modem, "getDevImei")
    call("firmware", modem, "getDevFwVersion")
    call("sn", modem, "getDevSN")

    sim = mod("sim")
    call("sim_status", sim, "getStatus")
    call("iccid", sim, "getIccid")
    call("imsi", sim, "getImsi")
    call("phone", sim, "getPhoneNumber")

    net = mod("net")
    call("csq", net, "csqQueryPoll")
    call("state", net, "getState")
    call("operator", net, "operatorName")
    call("signal", net, "getSignal")
    call("config", net, "getConfig")

    dc = mod("dataCall")
    if dc is not None:
        info = call(None, dc, "getInfo", 1, 2)
        if not isinstance(info, tuple):
            # Firmware without the dual-stack query: ask for IPv4 only.
            info = call(None, dc, "getInfo", 1, 0)
        r["data"] = [info]
        for pid in (2, 3):
            info = call(None, dc, "getInfo", pid, 0)
            try:
                if info[2][0] == 1:
                    r["data"].append(info)
            except Exception:
                pass
    mod("checkNet")

    mark = "QPYHUB-PROBE-"
    print(mark + "BEGIN")
    print(js.dumps(r))
    print(mark + "END")


_qpyhub_probe()
del _qpyhub_probe
