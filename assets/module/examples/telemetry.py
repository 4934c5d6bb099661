# Example main.py: a telemetry loop. Every INTERVAL seconds it sends the
# signal quality and the time since start as JSON, with an application
# property the cloud can route on, and keeps the connection healthy in
# between. Put it on the module as /usr/main.py, beside /usr/qpyhub.py
# and /usr/qpyhub_config.json (written by qpyhub's setup).
import net
import utime
from usr import qpyhub

INTERVAL = 10  # seconds between messages

hub = qpyhub.Hub()
try:
    hub.connect()
except qpyhub.HubError as e:
    # Refused or still offline; poll() below keeps trying.
    print('offline for now:', e.stage, e.reason)

started = utime.time()
n = 0
while True:
    n += 1
    sample = {'n': n, 'csq': net.csqQueryPoll(), 'uptime': utime.time() - started}
    try:
        hub.send(sample, {'kind': 'sample'})
        print('sent', sample)
    except qpyhub.HubError as e:
        print('not sent:', e.reason)
    # poll() renews the token, reconnects after a drop and hands over
    # what arrived; call it at least every few seconds.
    until = utime.time() + INTERVAL
    while utime.time() < until:
        hub.poll()
        utime.sleep(1)
