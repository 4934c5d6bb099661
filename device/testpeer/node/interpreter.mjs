// One boot of the module: a fresh MicroPython instance whose filesystem is
// carried over from the previous boot, with /usr, /bak and /lib, the
// QuecPython stand-ins on the import path and an interruptible utime.sleep.
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { NetBridge } from "./net_bridge.mjs";

const CTRL_C = 3;
const SKIP_DIRS = new Set(["/dev", "/proc", "/tmp", "/home"]);

// One network per peer process, shared by its boots (keyed by the input
// ring, which lives as long as the process).
const networks = new WeakMap();
// Renames seen per peer process, or "done" once the power was cut.
const powerCuts = new WeakMap();

// The built-in time module sleeps by spinning and cannot see Ctrl-C, so
// utime/time are replaced by this wrapper around the peer's JS sleep. Its
// time() is a float; the firmware's (modutime.c) is a whole number.
const TIME_SHADOW = `from time import *
import time as _time
import qpy_peer as _peer


def time():
    return int(_time.time())


def _sleep(ms):
    # Sleeps in steps up to the next osTimer due, firing it in between
    # (the firmware runs timer callbacks in a thread of their own).
    import _ostimer
    while True:
        step = _ostimer.until_due(ms)
        if _peer.sleep_ms(step):
            raise KeyboardInterrupt
        ms -= step
        _ostimer.fire_due()
        if ms <= 0:
            return


def sleep(s):
    _sleep(int(s * 1000))


def sleep_ms(ms):
    _sleep(int(ms))


def sleep_us(us):
    _sleep(int(us) // 1000)
`;

// Emscripten's errno numbers are not MicroPython's: without this, a
// missing file is "OSError: 44" instead of the firmware's
// "OSError: [Errno 2] ENOENT". uos/os and open() are wrapped to translate.
const OS_SHADOW = `import os as _os
import builtins as _b

_ERRNO = {44: 2, 20: 17, 31: 21, 54: 20, 55: 39, 28: 22, 2: 13, 8: 9}


def _wrap(f):
    def call(*a, **k):
        try:
            return f(*a, **k)
        except OSError as e:
            n = e.args[0] if e.args else None
            if n in _ERRNO:
                raise OSError(_ERRNO[n])
            raise
    return call


for _n in dir(_os):
    _v = getattr(_os, _n)
    if not _n.startswith('_'):
        globals()[_n] = _wrap(_v) if callable(_v) and _n != 'VfsPosix' else _v
_b_open = _b.open


def _open_file(f, *a, **k):
    # POSIX opens a folder for reading; the module's file systems refuse.
    try:
        d = isinstance(f, str) and _os.stat(f)[0] & 0x4000
    except OSError:
        d = False
    if d:
        raise OSError(21)
    return _b_open(f, *a, **k)


_b.open = _wrap(_open_file)


def statvfs(path):
    # The scenario's "usr_free_bytes" sets the free space the firmware
    # reports (f_bavail blocks of f_bsize bytes).
    st = _wrap(_os.statvfs)(path)
    import _qpyscenario
    free = _qpyscenario.get('usr_free_bytes')
    if free is None:
        return st
    return (st[0], st[1], st[2], free // st[0], free // st[0]) + tuple(st[5:])


def rename(a, b):
    # A scenario's "power_cut_after_renames": N cuts the power right
    # after the Nth rename since the peer started (once per peer).
    _wrap(_os.rename)(a, b)
    import _qpyscenario
    import qpy_peer
    n = _qpyscenario.get('power_cut_after_renames')
    if n and qpy_peer.renamed(int(n)):
        raise SystemExit
`;

// Runs after the files are in place: puts the time wrapper, and any
// stand-in named like a built-in module, in sys.modules under its name.
const BOOT = `
import sys
def _qpy_boot(names):
    import _peer_time, _peer_os
    sys.modules['time'] = _peer_time
    sys.modules['utime'] = _peer_time
    sys.modules['os'] = _peer_os
    sys.modules['uos'] = _peer_os
    for n in names:
        m = __import__('_peer_shadow_' + n)
        sys.modules[n] = m
    sys.modules['osTimer'] = __import__('_ostimer').osTimer
_qpy_boot(__import__('qpy_peer').shadowed())
del _qpy_boot
`;

// The firmware's raw REPL and lexer are 8-bit clean: a bytes literal in
// raw REPL code may hold any byte (pyexec.c lets through "any other raw
// 8-bit value"). runPython takes a JS string, which cannot carry bytes that
// are not UTF-8, so such code is run from a file by this wrapper, whose own
// frame is cut from tracebacks.
const UTF8 = new TextDecoder("utf-8", { fatal: true });
const RAW_SOURCE = "/tmp/_qpy_raw.py";
const RAW_BYTES = "exec(compile(open('" + RAW_SOURCE + "', 'rb').read(), '<stdin>', 'exec'))";

// The friendly REPL compiles a line in 'single' mode so expression values
// are echoed; the wrapper's own frame is cut from tracebacks.
const SINGLE = "exec(compile(__import__('qpy_peer').source(), '<stdin>', 'single'))";

export class Interpreter {
  // boot builds the instance. files maps absolute paths to Uint8Array.
  static async boot({ files, standinNames, out, input, flash }) {
    const it = new Interpreter(out, input);
    it.flash = flash;
    it.mp = await loadMicroPython({
      linebuffer: false,
      stdout: (b) => it.emit(b),
      stderr: (b) => it.emit(b),
    });
    it.fs = it.mp.FS;
    // Asked before any file exists: a name that imports now is built in,
    // and a file cannot shadow it, so BOOT loads that stand-in under
    // another name and puts it in sys.modules.
    const shadowed = standinNames.filter((name) => it.isBuiltin(name));
    for (const [path, bytes] of files) {
      if (bytes === null) it.mkdirs(path);
      else it.writeFile(path, bytes);
    }
    for (const dir of ["/usr", "/bak", "/lib"]) it.mkdirs(dir);
    for (const name of shadowed) {
      it.writeFile("/lib/_peer_shadow_" + name + ".py", it.fs.readFile("/lib/" + name + ".py"));
    }
    it.writeFile("/lib/_peer_time.py", Buffer.from(TIME_SHADOW));
    it.writeFile("/lib/_peer_os.py", Buffer.from(OS_SHADOW));
    if (!networks.has(input)) networks.set(input, new NetBridge());
    const net = networks.get(input);
    net.attach({ interrupted: () => it.watchForInterrupt(false), beforeBlock: () => out.flush() });
    it.mp.registerJsModule("qpy_net", net.module());
    it.mp.registerJsModule("qpy_peer", {
      sleep_ms: (ms) => it.sleep(ms),
      source: () => it.pendingSource,
      shadowed: () => shadowed,
      restart: () => {
        it.restartRequested = true;
      },
      // renamed counts renames for the whole peer process; at the cut it
      // freezes the files as they are, mutes the output and restarts.
      renamed: (cutAt) => {
        if (powerCuts.get(input) === "done") return false;
        const n = (powerCuts.get(input) ?? 0) + 1;
        powerCuts.set(input, n);
        if (n !== cutAt) return false;
        powerCuts.set(input, "done");
        it.frozen = it.snapshot();
        it.restartRequested = true;
        it.out.flush();
        it.poweredOff = true;
        process.stderr.write("qpy-peer: power cut after rename " + n + "\n");
        return true;
      },
    });
    it.mp.runPython(BOOT);
    return it;
  }

  constructor(out, input) {
    this.out = out;
    this.input = input;
    this.running = false;
    this.interruptScheduled = false;
    this.pendingSource = "";
    this.restartRequested = false; // misc.Power.powerRestart() was called
    this.frozen = null; // the files at a power cut, for the next boot
    this.poweredOff = false;
  }

  isBuiltin(name) {
    try {
      this.mp.runPython("import " + name);
      return true;
    } catch (e) {
      return false;
    }
  }

  // emit receives interpreter output; newlines are sent as CR LF, as the
  // firmware's cooked stdout does.
  emit(b) {
    if (this.poweredOff) return;
    for (const c of b) {
      if (c === 10) this.out.writeByte(13);
      this.out.writeByte(c);
    }
    if (this.running) this.watchForInterrupt();
  }

  // watchForInterrupt drops input that arrives while code runs, as the
  // firmware does, except Ctrl-C, which raises KeyboardInterrupt. It
  // answers whether a Ctrl-C came in.
  watchForInterrupt(schedule = true) {
    let seen = false;
    while (this.input.available() > 0) {
      if (this.input.read(0) === CTRL_C) seen = true;
    }
    if (seen && schedule) {
      this.interruptScheduled = true;
      this.mp._module._mp_sched_keyboard_interrupt();
    }
    return seen;
  }

  // sleep answers true when Ctrl-C arrived; the Python side then raises
  // KeyboardInterrupt itself, since one scheduled from inside a JS call
  // escapes try/except in this port.
  sleep(ms) {
    this.out.flush();
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.watchForInterrupt(false)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      this.input.waitForData(left);
    }
  }

  // run executes source; kind is "file" (raw REPL, main.py) or "single"
  // (a friendly REPL line). Raw REPL code comes as bytes. It answers the
  // traceback text ("" when none), whether the code ended with
  // KeyboardInterrupt, and whether it asked for a restart
  // (misc.Power.powerRestart()).
  run(source, kind) {
    this.running = true;
    this.interruptScheduled = false;
    let traceback = "";
    let interrupted = false;
    let wrapped = kind === "single";
    try {
      if (kind === "single") {
        this.pendingSource = source;
        this.mp.runPython(SINGLE);
      } else if (typeof source === "string") {
        this.mp.runPython(source);
      } else {
        const text = utf8(source);
        wrapped = text === null;
        if (wrapped) this.fs.writeFile(RAW_SOURCE, source);
        this.mp.runPython(wrapped ? RAW_BYTES : text);
      }
    } catch (e) {
      if (e.name !== "PythonError") traceback = String(e) + "\n";
      else if (e.type !== "SystemExit") traceback = e.message;
      interrupted = e.type === "KeyboardInterrupt";
      if (wrapped) traceback = dropFirstFrame(traceback);
    }
    this.running = false;
    if (!this.frozen) this.flash?.save(this.fs);
    this.watchForInterrupt(); // input that came in during the run is lost
    if (this.interruptScheduled && !interrupted) this.consumeInterrupt();
    const restart = this.restartRequested;
    return { traceback: peerFrames(traceback).replace(/\n/g, "\r\n"), interrupted, restart };
  }

  // consumeInterrupt lets a KeyboardInterrupt that was scheduled too late
  // fire now, so it does not hit the next command.
  consumeInterrupt() {
    try {
      this.mp.runPython("for _qpy in (0, 0):\n    pass\n");
    } catch (e) {
      // the scheduled KeyboardInterrupt, expected
    }
  }

  exists(path) {
    try {
      this.fs.stat(path);
      return true;
    } catch (e) {
      return false;
    }
  }

  readText(path) {
    return Buffer.from(this.fs.readFile(path)).toString("utf8");
  }

  mkdirs(path) {
    let cur = "";
    for (const part of path.split("/").filter(Boolean)) {
      cur += "/" + part;
      if (!this.exists(cur)) this.fs.mkdir(cur);
    }
  }

  writeFile(path, bytes) {
    this.mkdirs(path.slice(0, path.lastIndexOf("/")) || "/");
    this.fs.writeFile(path, bytes);
  }

  // nextBoot answers the files the next boot starts from: as they were
  // at a power cut, else as they are.
  nextBoot() {
    return this.frozen ?? this.snapshot();
  }

  // snapshot lists every user file (and directory, as null), for the
  // next boot.
  snapshot() {
    const files = [];
    const walk = (dir) => {
      for (const name of this.fs.readdir(dir)) {
        if (name === "." || name === "..") continue;
        const path = (dir === "/" ? "" : dir) + "/" + name;
        if (SKIP_DIRS.has(path) || path.startsWith("/lib/_peer_")) continue;
        const st = this.fs.stat(path);
        if (this.fs.isDir(st.mode)) {
          files.push([path, null]);
          walk(path);
        } else files.push([path, this.fs.readFile(path)]);
      }
    };
    walk("/");
    return files;
  }
}

// utf8 answers bytes as text, or null when they are not UTF-8.
function utf8(bytes) {
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    return null;
  }
}

// peerFrames removes the frames of the peer's own wrappers.
function peerFrames(tb) {
  return tb
    .split("\n")
    .filter((l) => !l.includes('"/lib/_peer_'))
    .join("\n");
}

function dropFirstFrame(tb) {
  const lines = tb.split("\n");
  if (lines.length > 2 && lines[0].startsWith("Traceback") && lines[1].startsWith("  File")) {
    lines.splice(1, 1);
  }
  return lines.join("\n");
}
