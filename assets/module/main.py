# Starts the qpyhub program at boot. /usr is not on the import path of
# every firmware, hence the path line.
import usys
if '/usr' not in usys.path:
    usys.path.append('/usr')
import qpyhub_app
qpyhub_app.run()
