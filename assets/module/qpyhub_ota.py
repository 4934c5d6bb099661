# qpyhub_ota: updates of the application's files over the air, driven by
# the twin. qpyhub.py imports it when desired.qpyhub.ota arrives or an
# update is under way; the application does nothing more than poll().
#
# desired.qpyhub.ota = {"version", "files": [{"path", "url", "size",
# "sha256"}], "retry"} starts an update when the version is not the one
# running (and did not already end failed or rolled back with the same
# retry). Each file is fetched by HTTP/1.0 over the library's own TLS
# socket (QuecPython's request module swallows TLS and read errors),
# streamed to /usr/.qpyhub_ota/new/... and checked for size and SHA-256
# as it comes; nothing of the running version is touched until every file
# is verified. qpyhub_guard.py then applies it, journaled, and puts the
# new version on trial. reported.qpyhub.ota = {"version", "state",
# "progress", "error", "running"}.
# MicroPython 1.12: no f-strings, u-modules only.
try:
    import uos as os
except ImportError:
    import os
try:
    import utime as time
except ImportError:
    import time
try:
    import ubinascii as binascii
except ImportError:
    import binascii
import uhashlib
from usr import qpyhub_guard as guard

BLOCK = 2048  # bytes read at a time
SLICE_MS = 500  # at most this long downloading per poll(): the link is served between
TIMEOUT = 30  # seconds a download socket may stay silent
MARGIN = 4096  # bytes of flash left over besides the new files


def _ticks():
    try:
        return time.ticks_ms()
    except AttributeError:
        return int(time.time() * 1000)


def _elapsed(t0):
    try:
        return time.ticks_diff(time.ticks_ms(), t0)
    except AttributeError:
        return _ticks() - t0


GUARD_PATH = '/usr/qpyhub_guard.py'


class UpdateError(Exception):
    pass


def check_desired(d):
    """Answers (version, retry, files) of desired.qpyhub.ota, or raises
    UpdateError naming what is wrong."""
    if not isinstance(d, dict) or not isinstance(d.get('version'), str) or not d['version']:
        raise UpdateError('desired qpyhub.ota has no version')
    retry = d.get('retry') or 0
    files = d.get('files')
    if not isinstance(files, list) or not files:
        raise UpdateError('version %s lists no files' % d['version'])
    out = []
    for f in files:
        p = f.get('path') if isinstance(f, dict) else None
        if not isinstance(p, str) or not p.startswith('/usr/') or p.startswith(guard.DIR + '/') \
                or p == guard.DIR or '/../' in p + '/' or '//' in p:
            raise UpdateError('file path %s is not under /usr' % p)
        if p == GUARD_PATH:  # a new guard would judge its own trial
            raise UpdateError('%s is the update guard; a bundle may not replace it' % p)
        size, digest, url = f.get('size'), f.get('sha256'), f.get('url')
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise UpdateError('size of %s is not a whole number' % p)
        if not isinstance(digest, str) or len(digest) != 64:
            raise UpdateError('sha256 of %s is not 64 hex digits' % p)
        if not isinstance(url, str) or not url.startswith('https://'):
            raise UpdateError('url of %s is not https' % p)
        out.append({'path': p, 'url': url, 'size': size, 'sha256': digest.lower()})
    return d['version'], retry, out


def free_bytes(path='/usr'):
    try:
        st = os.statvfs(path)
    except (AttributeError, OSError):
        return None
    return st[0] * st[4]  # f_bsize * f_bavail


def split_url(url):
    rest = url[8:]
    i = rest.find('/')
    hostport, path = (rest, '/') if i < 0 else (rest[:i], rest[i:])
    port = 443
    j = hostport.rfind(':')
    if j > 0 and hostport[j + 1:].isdigit():
        hostport, port = hostport[:j], int(hostport[j + 1:])
    return hostport, port, path


def open_tls(link, host, port, refuses):
    """A TLS socket to host:port with the MQTT link's rule: the config's CA
    when the firmware's ussl takes it, else unverified. Answers (socket,
    'verified' | 'unverified reason=...')."""
    import usocket
    import ussl
    options = link.options(host)
    for i in range(link.choice, len(options)):
        addr = usocket.getaddrinfo(host, port)[0][-1]
        s = usocket.socket()
        s.settimeout(TIMEOUT)
        try:
            s.connect(addr)
            s = ussl.wrap_socket(s, **options[i])
        except Exception as e:
            try:
                s.close()
            except Exception:
                pass
            if not refuses(e) or i + 1 >= len(options):
                raise
            continue
        if 'ca' in options[i]:
            return s, 'verified'
        if link.ca:
            return s, 'unverified reason=firmware ussl takes no CA'
        return s, 'unverified reason=no CA in the config'
    raise UpdateError('no TLS')


class Download:
    """One file streamed into the staging folder, hashed as it comes."""

    def __init__(self, link, f, refuses):
        self.f = f
        self.dest = guard.NEW + f['path']
        self.got = 0
        self.hash = uhashlib.sha256()
        host, port, path = split_url(f['url'])
        self.sock, self.tls = open_tls(link, host, port, refuses)
        self.out = None
        try:
            self.sock.write(('GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: qpyhub\r\n'
                             'Connection: close\r\n\r\n' % (path, host)).encode())
            self._headers()
            guard.makedirs(guard.parent(self.dest))
            self.out = open(self.dest, 'wb')
        except Exception:
            self.close()
            raise

    def _headers(self):
        line = self.sock.readline()
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b'HTTP/'):
            raise UpdateError('no HTTP answer for ' + self.f['path'])
        code = int(parts[1])
        length = None
        while True:
            line = self.sock.readline()
            if not line or line in (b'\r\n', b'\n'):
                break
            i = line.find(b':')
            if i > 0 and line[:i].strip().lower() == b'content-length':
                length = int(line[i + 1:].strip())
        if code != 200:
            raise UpdateError('HTTP %d for %s' % (code, self.f['path']))
        if length is not None and length != self.f['size']:
            raise UpdateError('size mismatch for %s: the server sends %d bytes, want %d' % (
                self.f['path'], length, self.f['size']))

    def step(self, limit=BLOCK):
        """Reads one block of at most limit bytes: answers how many came,
        None at the end."""
        want = min(BLOCK, limit, self.f['size'] - self.got)
        if want <= 0:
            extra = self.sock.read(1)
            if extra:
                raise UpdateError('size mismatch for %s: more than %d bytes' % (self.f['path'], self.f['size']))
            return None
        b = self.sock.read(want)
        if not b:
            raise UpdateError('size mismatch for %s: the download ended at %d of %d bytes' % (
                self.f['path'], self.got, self.f['size']))
        self.hash.update(b)
        self.out.write(b)
        self.got += len(b)
        return len(b)

    def finish(self):
        self.close()
        digest = binascii.hexlify(self.hash.digest()).decode()
        if digest != self.f['sha256']:
            raise UpdateError('sha256 mismatch for ' + self.f['path'])

    def close(self):
        for c in (self.out, self.sock):
            if c:
                try:
                    c.close()
                except Exception:
                    pass
        self.out = self.sock = None


def file_sha256(path):
    h = uhashlib.sha256()
    f = open(path, 'rb')
    try:
        while True:
            b = f.read(BLOCK)
            if not b:
                break
            h.update(b)
    finally:
        f.close()
    return binascii.hexlify(h.digest()).decode()


class Updater:
    """The update the hub is on. step() does a slice of it per poll()."""

    def __init__(self, hub, refuses):
        self.hub = hub
        self.refuses = refuses  # qpyhub.refuses_kwarg
        self.job = None  # {'version', 'retry', 'files', 'total', ...}
        self.dl = None

    def running(self):
        return guard.status().get('running') or ''

    def _report(self, version, retry, state, progress, error=''):
        # retry tells the PC which try of the version this report is about.
        doc = {'version': version, 'retry': retry, 'state': state, 'progress': progress,
               'error': error, 'running': self.running()}
        try:
            self.hub.report({'qpyhub': {'ota': doc}})
            return True
        except Exception as e:
            self.hub._say('ota', 'info', 'not reported reason=' + str(e))
            return False

    # -- what the hub hands over --------------------------------------------------

    def online(self):
        """After connecting: commits a trial, reports an outcome the last
        boot could not."""
        j = guard.journal()
        if j and j.get('phase') == 'trial':
            if guard.commit(j['version']):
                self.hub._say('ota', 'info', 'version=%s came online, committed' % j['version'])
        st = guard.status()
        last = st.get('last')
        if last and not last.get('reported'):
            if self._final(last['version'], last.get('retry', 0), last['state'], last.get('error', '')):
                last['reported'] = True
                guard.save_status(st)

    def _final(self, version, retry, state, error):
        # Reports how an update ended, then says so in a status line.
        ok = self._report(version, retry, state, 100 if state == 'done' else 0, error)
        line = 'version=%s state=%s reported=%d' % (version, state, 1 if ok else 0)
        if error:
            line += ' reason=' + error
        self.hub._say('ota', 'ok' if state == 'done' else 'fail', line)
        return ok

    def desired(self, d):
        try:
            version, retry, files = check_desired(d)
        except UpdateError as e:
            # Said in the twin too when it names a version: else the PC
            # would wait for an update that never starts.
            v = d.get('version') if isinstance(d, dict) else None
            if isinstance(v, str) and v:
                r = d.get('retry')
                self._final(v, r if isinstance(r, int) else 0, 'failed', str(e))
            else:
                self.hub._say('ota', 'fail', 'reason=' + str(e))
            return
        if version == self.running():
            if self.job:  # back to the running version: the download is moot
                self._abort()
                guard.remove_tree(guard.NEW)
            return
        last = guard.status().get('last') or {}
        if last.get('version') == version and last.get('retry', 0) == retry and last.get('state') != 'done':
            return  # ended failed or rolled back: waits for a new retry
        if self.job and self.job['version'] == version and self.job['retry'] == retry:
            return
        if guard.journal():
            return  # an apply or a trial is under way
        self._abort()
        total = 0
        for f in files:
            total += f['size']
        self.job = {'version': version, 'retry': retry, 'files': files, 'total': total,
                    'index': 0, 'done': 0, 'step': -1}
        self.hub._say('ota', 'info', 'version=%s files=%d bytes=%d from=%s' % (
            version, len(files), total, self.running() or '-'))
        free = free_bytes()
        if free is not None and free < total + MARGIN:
            self._fail('no room: need %d bytes, %d free' % (total + MARGIN, free))
            return
        guard.remove_tree(guard.NEW)
        self._progress()

    def busy(self):
        return self.job is not None

    def step(self):
        """Downloads for at most SLICE_MS, then gives the link its turn;
        applies when every file is verified. Answers True while busy."""
        if not self.job:
            return False
        try:
            t0 = _ticks()
            while self.job and _elapsed(t0) < SLICE_MS:
                self._advance()
        except Exception as e:
            self._fail(str(e) if isinstance(e, UpdateError) else '%s %s' % (type(e).__name__, e))
        return True

    # -- the steps -------------------------------------------------------------------

    def _advance(self):
        job = self.job
        if job['index'] >= len(job['files']):
            self._verify_and_apply()
            return
        f = job['files'][job['index']]
        if not self.dl:
            self.dl = Download(self.hub.link, f, self.refuses)
            self.hub._say('ota', 'info', 'download path=%s size=%d tls=%s' % (f['path'], f['size'], self.dl.tls))
        n = self.dl.step(self._to_next_step())
        if n is None:
            self.dl.finish()
            self.dl = None
            self.hub._say('ota', 'ok', 'path=%s sha256 ok' % f['path'])
            job['index'] += 1
        else:
            job['done'] += n
        self._progress()

    def _to_next_step(self):
        # Bytes to the next 10 % of the whole: blocks end there, so that a
        # report goes out at 10, 20, ... 100 % exactly.
        job = self.job
        k = job['step'] + 1
        edge = (k * job['total'] + 9) // 10
        return max(edge - job['done'], 1)

    def _progress(self):
        # A report at every 10 % crossed (0, 10, ... 100).
        job = self.job
        pct = 100 if not job['total'] else job['done'] * 100 // job['total']
        if pct // 10 > job['step']:
            job['step'] = pct // 10
            self.hub._say('ota', 'info', 'version=%s downloading progress=%d' % (job['version'], pct))
            self._report(job['version'], job['retry'], 'downloading', pct)

    def _verify_and_apply(self):
        job = self.job
        self._report(job['version'], job['retry'], 'verifying', 100)
        for f in job['files']:
            if file_sha256(guard.NEW + f['path']) != f['sha256']:
                raise UpdateError('sha256 mismatch for %s after writing it to flash' % f['path'])
        self._report(job['version'], job['retry'], 'applying', 100)
        self.hub._say('ota', 'info', 'version=%s applying' % job['version'])
        paths = [f['path'] for f in job['files']]
        try:
            j = guard.apply_staged(job['version'], job['retry'], paths,
                                   self.hub.cfg.get('ota_trial', 300), self.running())
        except OSError as e:
            raise UpdateError(str(e))
        self.job = None
        self.hub._say('ota', 'info', 'version=%s applied, restarting for the trial' % j['version'])
        self.hub.close()
        guard.restart()

    def _fail(self, why):
        job = self.job
        self._abort()
        guard.remove_tree(guard.NEW)
        st = guard.status()
        st['last'] = {'version': job['version'], 'retry': job['retry'], 'state': 'failed',
                      'error': why, 'reported': False}
        guard.save_status(st)
        if self._final(job['version'], job['retry'], 'failed', why):
            st['last']['reported'] = True
            guard.save_status(st)

    def _abort(self):
        if self.dl:
            self.dl.close()
            self.dl = None
        self.job = None
