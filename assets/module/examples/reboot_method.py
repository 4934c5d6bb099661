# Example main.py: a direct method that restarts the module. "reboot"
# answers at once ({"rebooting_in": seconds}) and the restart follows a
# few seconds later, so the answer reaches the cloud first. Call it with
# an optional payload {"delay": 5} (1 to 60 seconds; 3 without).
# misc.Power.powerRestart() is the firmware's reset: the module boots
# again and runs /usr/main.py, this file, from the start.
import misc
import utime
from usr import qpyhub

restart_at = None


def reboot(payload):
    global restart_at
    delay = 3
    if isinstance(payload, dict) and isinstance(payload.get('delay'), int):
        delay = min(max(payload['delay'], 1), 60)
    restart_at = utime.time() + delay
    print('reboot asked, restarting in', delay, 's')
    return 200, {'rebooting_in': delay}


hub = qpyhub.Hub()
hub.on_method('reboot', reboot)
try:
    hub.connect()
except qpyhub.HubError as e:
    print('offline for now:', e.stage, e.reason)

while True:
    hub.poll()
    if restart_at is not None and utime.time() >= restart_at:
        hub.close()
        misc.Power.powerRestart()
    utime.sleep(1)
