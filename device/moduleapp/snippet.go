package moduleapp

import (
	"strings"
)

// librarySnippet is a whole /usr/main.py on the library. It holds no
// secret: the credentials are in ConfigPath, written by the setup that
// keeps this main.py. MicroPython 1.12: no f-strings.
const librarySnippet = `# /usr/main.py on qpyhub's library, for device
# {device} on {host}.
# "qpyhub setup --keep-main" (Setup screen: "its own
# main.py") writes /usr/qpyhub.py and the credentials
# (/usr/qpyhub_config.json) and keeps this file.
# The library renews the token and reconnects.
import utime
from usr import qpyhub

hub = qpyhub.Hub()
hub.connect()  # raises qpyhub.HubError when refused
hub.send({'hello': 'world'}, {'kind': 'hello'})
while True:
    hub.poll()  # hands over messages, keeps the link up
    utime.sleep(1)
`

// LibrarySnippet is a main.py for the device that reaches the hub
// through the library with the settings the setup writes; device and
// host only name it in a comment.
func LibrarySnippet(host, device string) string {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") } // stays in its comment line
	return strings.NewReplacer("{device}", clean(device), "{host}", clean(host)).Replace(librarySnippet)
}
