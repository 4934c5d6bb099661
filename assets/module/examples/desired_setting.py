# Example main.py: a setting the cloud changes through the device twin.
# The desired property "interval" (seconds between telemetry messages,
# 1 to 3600) is applied when it arrives, at connect (the whole desired)
# and on every change, and reported back, so the twin shows what the
# module really runs with.
import utime
from usr import qpyhub

interval = 60


def on_desired(patch, version):
    global interval
    if 'interval' not in patch:
        return
    v = patch['interval']
    if not isinstance(v, int) or isinstance(v, bool) or v < 1 or v > 3600:
        print('interval', v, 'ignored: not a whole number from 1 to 3600')
        return
    interval = v
    try:
        hub.report({'interval': v})
    except qpyhub.HubError as e:
        print('interval not reported:', e.reason)
    print('interval', v, 'applied, desired version', version)


hub = qpyhub.Hub()
hub.on_desired(on_desired)
try:
    hub.connect()
except qpyhub.HubError as e:
    print('offline for now:', e.stage, e.reason)

n = 0
last = None  # when the last message went
while True:
    hub.poll()
    now = utime.time()
    if last is None or now - last >= interval:  # a new interval counts at once
        n += 1
        try:
            hub.send({'n': n, 'interval': interval})
        except qpyhub.HubError as e:
            print('not sent:', e.reason)
        last = now
    utime.sleep(1)
