# An application written only against the qpyhub library's interface
# (assets/module/README.md, "The library"), run as /usr/main.py by
# modulelibrary_peer_test.go. It says what it saw in "APP <what> <json>"
# lines and sends a counted message every second.
import ujson
import utime
from usr import qpyhub


def say(what, doc):
    print('APP ' + what + ' ' + ujson.dumps(doc))


def on_c2d(body, props):
    say('c2d', {'body': body.decode(), 'props': props})


def on_desired(patch, version):
    say('desired', {'patch': patch, 'version': version})


def echo(payload):
    return 201, {'echo': payload}


def main():
    hub = qpyhub.Hub()
    hub.on_c2d(on_c2d)
    hub.on_method('echo', echo)
    hub.on_desired(on_desired)
    try:
        hub.connect()
    except qpyhub.HubError as e:
        say('gave_up', {'stage': e.stage, 'reason': e.reason})
        return
    say('reported', {'version': hub.report({'app': {'state': 'up'}})})
    say('twin', hub.twin())
    hub.send('plain text', {'kind': 'text'})
    n = 0
    while True:
        hub.poll()
        n += 1
        try:
            hub.send({'n': n}, {'kind': 'count'})
        except qpyhub.HubError as e:
            say('not_sent', {'n': n, 'stage': e.stage, 'reason': e.reason})
        utime.sleep(1)


main()
