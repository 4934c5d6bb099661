# qpyhub_guard: the journaled apply, commit and rollback of an update over
# the air, and the guard that stands in for /usr/main.py while a new
# version is on trial. qpyhub_ota.py (the download) and the guard share it.
#
# Every step is a rename or a removal that can be done again after a power
# cut: a move happens only while its staged file still exists, so finishing
# an interrupted phase at boot leaves the whole old or the whole new
# version, never a mix. The journal (/usr/.qpyhub_ota/journal.json) says
# which phase was under way:
#   apply     old main.py copied, guard in main.py's place, files moved
#             (each old file kept in old/); always finished forwards
#   trial     the new files run; the guard counts boots and arms a timer
#   commit    the version came online: its main.py in place, backups gone
#   rollback  old files back, added files removed, old main.py back
# MicroPython 1.12: no f-strings, u-modules only.
try:
    import uos as os
except ImportError:
    import os
try:
    import ujson as json
except ImportError:
    import json
try:
    import utime as time
except ImportError:
    import time

DIR = '/usr/.qpyhub_ota'
NEW = DIR + '/new'  # the staged download: NEW + '/usr/app.py'
OLD = DIR + '/old'  # what the update replaced: OLD + '/usr/app.py'
JOURNAL = DIR + '/journal.json'
STATUS = DIR + '/status.json'  # running version and the last outcome
MAIN = '/usr/main.py'
MARK = '# qpyhub update guard'
MAX_BOOTS = 3  # trial boots before a version that keeps restarting goes back
# What stands in /usr/main.py during an apply and a trial.
STUB = MARK + ': an update is on trial; it puts the real main.py back.\n' \
    'from usr import qpyhub_guard\nqpyhub_guard.boot()\n'

_lock = None
try:
    import _thread
    _lock = _thread.allocate_lock()
except ImportError:
    pass


def say(state, detail):
    print('QPYHUB ota ' + state + ' ' + detail.replace('\n', ' '))


# ---- files ---------------------------------------------------------------

def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def is_dir(path):
    try:
        return os.stat(path)[0] & 0x4000 != 0
    except OSError:
        return False


def makedirs(path):
    cur = ''
    for part in path.split('/'):
        if not part:
            continue
        cur += '/' + part
        if not exists(cur):
            os.mkdir(cur)


def parent(path):
    return path[:path.rfind('/')] or '/'


def remove_tree(path):
    if not exists(path):
        return
    if is_dir(path):
        for name in os.listdir(path):
            remove_tree(path + '/' + name)
        os.rmdir(path)
    else:
        os.remove(path)


def replace(src, dst):
    # rename over an existing file (littlefs does; a file system that
    # refuses gets the old one removed first).
    try:
        os.rename(src, dst)
    except OSError:
        if not exists(dst):
            raise
        os.remove(dst)
        os.rename(src, dst)


def write_atomic(path, data):
    makedirs(parent(path))
    f = open(path + '.part', 'wb')
    try:
        f.write(data)
    finally:
        f.close()
    replace(path + '.part', path)


def read_json(path):
    try:
        f = open(path)
        try:
            doc = json.loads(f.read())
        finally:
            f.close()
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def copy(src, dst):
    f = open(src, 'rb')
    try:
        data = f.read()
    finally:
        f.close()
    write_atomic(dst, data)


def is_guard(path):
    try:
        f = open(path)
        try:
            return f.read(len(MARK)) == MARK
        finally:
            f.close()
    except OSError:
        return False


def journal():
    return read_json(JOURNAL)


def save_journal(j):
    write_atomic(JOURNAL, json.dumps(j))


def status():
    return read_json(STATUS) or {}


def save_status(st):
    write_atomic(STATUS, json.dumps(st))


def trial_main(j):
    # What runs during the trial: the bundle's main.py, or the old one.
    if j.get('new_main'):
        return NEW + MAIN
    if j.get('old_main'):
        return OLD + MAIN
    return None


# ---- the phases ------------------------------------------------------------

def apply_staged(version, retry, paths, trial, running):
    """Applies the verified files staged under NEW (the download, or a
    bundle pushed over the USB cable): journal first, then the moves. The
    caller restarts the module into the trial."""
    had = {}
    for p in paths:
        had[p] = exists(p)
    remove_tree(OLD)
    j = {'phase': 'apply', 'version': version, 'retry': retry, 'from': running,
         'files': paths, 'had': had, 'new_main': MAIN in paths,
         'old_main': exists(MAIN) and not is_guard(MAIN), 'trial': trial, 'boots': 0}
    save_journal(j)
    try:
        finish_apply(j)
    except Exception as e:
        why = 'apply stopped: %s %s' % (type(e).__name__, e)
        rollback(why)
        raise OSError(why)
    return j


def finish_apply(j):
    """Puts the staged files in place (again after a power cut) and moves
    on to the trial."""
    if j.get('old_main') and not is_guard(MAIN) and not exists(OLD + MAIN):
        copy(MAIN, OLD + MAIN)
    if not is_guard(MAIN):
        write_atomic(DIR + '/guard.py', STUB)
        replace(DIR + '/guard.py', MAIN)
    for p in j['files']:
        if p == MAIN or not exists(NEW + p):
            continue
        if exists(p) and not exists(OLD + p):
            makedirs(parent(OLD + p))
            os.rename(p, OLD + p)
        makedirs(parent(p))
        os.rename(NEW + p, p)
    j['phase'] = 'trial'
    j['boots'] = 0
    save_journal(j)


def finish_commit(j):
    """Puts the trial's main.py in place of the guard and drops backups."""
    src = trial_main(j)
    if src and exists(src):
        replace(src, MAIN)
    elif not src and is_guard(MAIN):
        os.remove(MAIN)
    remove_tree(OLD)
    remove_tree(NEW)
    st = status()
    st['running'] = j['version']
    st['last'] = {'version': j['version'], 'retry': j.get('retry', 0), 'state': 'done',
                  'error': '', 'reported': False}
    save_status(st)
    os.remove(JOURNAL)


def finish_rollback(j):
    """Puts the old files back, removes the added ones, old main.py last."""
    had = j.get('had') or {}
    for p in j['files']:
        if p == MAIN:
            continue
        if had.get(p):
            if exists(OLD + p):
                replace(OLD + p, p)
        elif exists(p):
            os.remove(p)
    if j.get('old_main'):
        if exists(OLD + MAIN):
            replace(OLD + MAIN, MAIN)
    elif is_guard(MAIN):
        os.remove(MAIN)
    remove_tree(OLD)
    remove_tree(NEW)
    st = status()
    st['running'] = j.get('from') or ''
    st['last'] = {'version': j['version'], 'retry': j.get('retry', 0), 'state': 'rolled-back',
                  'error': j.get('reason', ''), 'reported': False}
    save_status(st)
    os.remove(JOURNAL)


def commit(version):
    """The trial's version came online: answers True when it committed."""
    if _lock:
        _lock.acquire()
    try:
        j = journal()
        if not j or j.get('phase') != 'trial' or j.get('version') != version:
            return False
        j['phase'] = 'commit'
        save_journal(j)
        finish_commit(j)
        return True
    finally:
        if _lock:
            _lock.release()


def rollback(reason):
    """Ends a trial that failed: answers True when it rolled back (the
    caller restarts the module)."""
    if _lock:
        _lock.acquire()
    try:
        j = journal()
        if not j or j.get('phase') not in ('apply', 'trial'):
            return False
        j['phase'] = 'rollback'
        j['reason'] = reason
        save_journal(j)
        finish_rollback(j)
        say('fail', 'version=%s rolled back reason=%s' % (j['version'], reason))
        return True
    finally:
        if _lock:
            _lock.release()


def recover():
    """Finishes a phase a power cut interrupted, outside the guard (a
    running main.py that is not the guard). Answers True when the module
    must restart (an apply was finished: its trial runs under the guard)."""
    j = journal()
    if not j:
        return False
    phase = j.get('phase')
    if phase == 'apply':
        finish_apply(j)
        return True
    if phase == 'commit':
        finish_commit(j)
    elif phase == 'rollback':
        finish_rollback(j)
    return False


def restart():
    try:
        import misc
        misc.Power.powerRestart()
    except ImportError:
        import machine
        machine.reset()


# ---- the guard at boot --------------------------------------------------------

def _run(path):
    f = open(path)
    try:
        code = f.read()
    finally:
        f.close()
    exec(code, {'__name__': '__main__'})


def _deadline(j):
    # A timer that ends a trial that does not come online in time.
    version, secs = j['version'], int(j.get('trial') or 300)

    def fire(_=None):
        if rollback('version %s did not come online within %d s' % (version, secs)):
            restart()
    try:
        import osTimer
        t = osTimer()
        t.start(secs * 1000, 0, fire)
        return t
    except ImportError:
        pass
    import _thread

    def watch():
        end = time.time() + secs
        while time.time() < end:
            time.sleep(1)
        fire()
    _thread.start_new_thread(watch, ())
    return None


def boot():
    """Runs as /usr/main.py while an update is applied or on trial."""
    j = journal()
    phase = j.get('phase') if j else None
    if phase == 'apply':
        finish_apply(j)
        phase = 'trial'
    if phase == 'trial':
        j['boots'] = j.get('boots', 0) + 1
        save_journal(j)
        if j['boots'] > MAX_BOOTS:
            if rollback('version %s restarted %d times without coming online' % (j['version'], MAX_BOOTS)):
                restart()
                return
        say('info', 'trial version=%s boot=%d within=%s' % (j['version'], j['boots'], j.get('trial')))
        _deadline(j)
        src = trial_main(j)
        try:
            if src:
                _run(src)
        except Exception as e:
            if rollback('version %s: main.py raised %s %s' % (j['version'], type(e).__name__, e)):
                restart()
                return
            raise
        while (journal() or {}).get('phase') == 'trial':
            time.sleep(1)  # main.py ended: the timer decides
        return
    if phase == 'commit':
        finish_commit(j)
    elif phase == 'rollback':
        finish_rollback(j)
    elif is_guard(MAIN) and exists(OLD + MAIN):
        replace(OLD + MAIN, MAIN)  # a guard with no journal: nothing to try
    if exists(MAIN) and not is_guard(MAIN):
        _run(MAIN)
