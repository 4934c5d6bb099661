# Stand-in for QuecPython's checkNet module. The answer is computed from the
# scenario at once: the stand-in never waits, the real one polls until
# timeout.
import _qpyscenario as _s

_s.require("checkNet")


def waitNetworkReady(timeout=60):
    if _s.failing("checkNet.waitNetworkReady"):
        return (1, -1)
    sim = _s.get("sim_status")
    if sim != 1:
        return (1, sim)
    reg = _s.get("data_state")
    if reg not in (1, 5):
        return (2, reg)
    if not _s.get("data_active"):
        return (3, 0)
    return (3, 1)
