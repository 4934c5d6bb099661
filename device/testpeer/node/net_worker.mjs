// Worker thread: owns the module's real sockets (node:net, node:tls) and
// answers the interpreter thread's requests over a MessagePort. After each
// answer it bumps a counter in a SharedArrayBuffer and notifies it, so the
// interpreter thread, blocked in Atomics.wait, wakes up and takes the
// answer with receiveMessageOnPort. Only loopback addresses are dialled.
import net from "node:net";
import tls from "node:tls";
import { workerData } from "node:worker_threads";
import { E, errnoOf, isLoopback, TLS_BAD_CERT, TLS_HANDSHAKE_FAILED, TLS_VERIFY_FAILED } from "./net_errors.mjs";

const { shared, port } = workerData;
const answers = new Int32Array(shared, 0, 1);
const sockets = new Map(); // sid -> Conn
const pending = new Map(); // request id -> Conn waiting on it

// Conn is one socket with what it received but nobody read yet.
class Conn {
  constructor(sid) {
    this.sid = sid;
    this.sock = null;
    this.chunks = [];
    this.buffered = 0;
    this.ended = false; // the peer closed its side
    this.error = 0; // errno of a failure, reported to the next reader
    this.reader = null; // {id, n, timer}
    this.onData = (b) => this.received(b);
    this.onEnd = () => {
      this.ended = true;
      this.serveReader();
    };
    this.onError = (e) => {
      this.error = errnoOf(e);
      this.serveReader();
    };
  }

  attach(sock) {
    this.sock = sock;
    sock.on("data", this.onData);
    sock.on("end", this.onEnd);
    sock.on("error", this.onError);
    sock.on("close", this.onEnd);
  }

  detach() {
    const sock = this.sock;
    sock.off("data", this.onData);
    sock.off("end", this.onEnd);
    sock.off("error", this.onError);
    sock.off("close", this.onEnd);
    this.sock = null;
    return sock;
  }

  received(b) {
    this.chunks.push(b);
    this.buffered += b.length;
    // Back-pressure: a program that never reads must not fill memory.
    if (this.buffered > 1 << 20) this.sock.pause();
    this.serveReader();
  }

  take(n) {
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    if (this.sock && this.buffered <= 1 << 20) this.sock.resume();
    return out;
  }

  // serveReader answers a waiting recv when there is something to say.
  serveReader() {
    const r = this.reader;
    if (!r) return;
    if (this.buffered > 0) {
      this.finishReader({ ok: true, data: this.take(r.n).toString("hex") });
    } else if (this.error) {
      this.finishReader({ ok: false, errno: this.error });
    } else if (this.ended) {
      this.finishReader({ ok: true, data: "" });
    }
  }

  finishReader(answer) {
    const r = this.reader;
    this.reader = null;
    clearTimeout(r.timer);
    pending.delete(r.id);
    reply(r.id, answer);
  }
}

function reply(id, answer) {
  port.postMessage({ id, ...answer });
  Atomics.add(answers, 0, 1);
  Atomics.notify(answers, 0);
}

function conn(sid) {
  let c = sockets.get(sid);
  if (!c) {
    c = new Conn(sid);
    sockets.set(sid, c);
  }
  return c;
}

function connect(req) {
  if (!isLoopback(req.host)) return reply(req.id, { ok: false, errno: E.EHOSTUNREACH });
  const c = conn(req.sid);
  if (c.sock) return reply(req.id, { ok: false, errno: E.EISCONN });
  const sock = net.connect({ host: req.host, port: req.port });
  let done = false;
  const finish = (answer) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    pending.delete(req.id);
    reply(req.id, answer);
  };
  const timer =
    req.timeoutMs > 0
      ? setTimeout(() => {
          sock.destroy();
          finish({ ok: false, errno: E.ETIMEDOUT });
        }, req.timeoutMs)
      : undefined;
  sock.once("connect", () => {
    sock.off("error", failed);
    c.attach(sock);
    finish({ ok: true });
  });
  const failed = (e) => {
    sockets.delete(req.sid);
    finish({ ok: false, errno: errnoOf(e) });
  };
  sock.once("error", failed);
  sock.setNoDelay(true);
  pending.set(req.id, {
    cancel: () => {
      done = true;
      clearTimeout(timer);
      sock.destroy();
      sockets.delete(req.sid);
    },
  });
}

// wrap turns a connected socket into a TLS client. Without a CA (none
// given, or firmware that cannot take one) nothing about the server is
// checked, as on the module.
function wrap(req) {
  const c = sockets.get(req.sid);
  if (!c || !c.sock) return reply(req.id, { ok: false, errno: E.ENOTCONN });
  let secure;
  try {
    secure = tls.connect({
      socket: c.detach(),
      servername: req.serverHostname || undefined, // SNI only when given
      ca: req.ca || undefined,
      cert: req.cert || undefined,
      key: req.key || undefined,
      rejectUnauthorized: Boolean(req.ca),
      // The name is checked only against server_hostname, as mbedtls does.
      checkServerIdentity: (host, cert) =>
        req.serverHostname ? tls.checkServerIdentity(req.serverHostname, cert) : undefined,
    });
  } catch (e) {
    sockets.delete(req.sid);
    return reply(req.id, { ok: false, errno: TLS_BAD_CERT, message: e.message });
  }
  secure.setNoDelay?.(true);
  c.attach(secure);
  if (!req.handshake) return reply(req.id, { ok: true });
  let done = false;
  const finish = (answer) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    pending.delete(req.id);
    secure.off("error", failed);
    secure.off("close", closed);
    reply(req.id, answer);
  };
  const failed = (e) => finish({ ok: false, errno: handshakeErrno(e), message: e.message });
  const closed = () => finish({ ok: false, errno: TLS_HANDSHAKE_FAILED, message: "connection closed in the handshake" });
  const timer =
    req.timeoutMs > 0
      ? setTimeout(() => {
          finish({ ok: false, errno: E.ETIMEDOUT });
          secure.destroy();
        }, req.timeoutMs)
      : undefined;
  secure.once("secureConnect", () => finish({ ok: true }));
  secure.on("error", failed);
  secure.once("close", closed);
  pending.set(req.id, { cancel: () => secure.destroy() });
}

// handshakeErrno: a failed check of the server is mbedtls's "certificate
// verification failed"; anything else ends the handshake as a fatal alert.
function handshakeErrno(e) {
  const n = errnoOf(e);
  return n === TLS_VERIFY_FAILED ? n : TLS_HANDSHAKE_FAILED;
}

function send(req) {
  const c = sockets.get(req.sid);
  if (!c || !c.sock) return reply(req.id, { ok: false, errno: E.ENOTCONN });
  if (c.error) return reply(req.id, { ok: false, errno: c.error });
  if (c.sock.destroyed || c.sock.writableEnded) return reply(req.id, { ok: false, errno: E.ECONNRESET });
  const data = Buffer.from(req.data, "hex");
  c.sock.write(data, (err) => {
    pending.delete(req.id);
    reply(req.id, err ? { ok: false, errno: errnoOf(err) } : { ok: true, n: data.length });
  });
  pending.set(req.id, { cancel: () => {} });
}

function recv(req) {
  const c = sockets.get(req.sid);
  if (!c || !c.sock) return reply(req.id, { ok: false, errno: E.ENOTCONN });
  if (c.reader) return reply(req.id, { ok: false, errno: E.EALREADY });
  c.reader = { id: req.id, n: Math.max(1, req.n), timer: undefined };
  pending.set(req.id, {
    cancel: () => {
      clearTimeout(c.reader?.timer);
      c.reader = null;
    },
  });
  c.serveReader();
  if (!c.reader) return;
  if (req.timeoutMs === 0) return c.finishReader({ ok: false, errno: E.EAGAIN });
  if (req.timeoutMs > 0) c.reader.timer = setTimeout(() => c.finishReader({ ok: false, errno: E.ETIMEDOUT }), req.timeoutMs);
}

// lwIP's TCP states, as the firmware's getsocketsta() answers them.
const TCP_CLOSED = 0;
const TCP_ESTABLISHED = 4;
const TCP_CLOSE_WAIT = 7; // the server sent its FIN; our side is still open

// state answers the socket's TCP state: closed after a reset or an error,
// close-wait once the other side has closed, else established.
function state(req) {
  const c = sockets.get(req.sid);
  let n = TCP_ESTABLISHED;
  if (!c || !c.sock || c.error) n = TCP_CLOSED;
  else if (c.ended) n = TCP_CLOSE_WAIT;
  reply(req.id, { ok: true, n });
}

function close(req) {
  const c = sockets.get(req.sid);
  sockets.delete(req.sid);
  if (c?.sock) c.sock.destroy();
  if (req.id !== undefined) reply(req.id, { ok: true });
}

function closeAll() {
  for (const c of sockets.values()) c.sock?.destroy();
  sockets.clear();
}

// cancel forgets a request the interpreter stopped waiting for (Ctrl-C):
// a recv then leaves its data for the next reader.
function cancel(req) {
  const p = pending.get(req.target);
  pending.delete(req.target);
  p?.cancel();
}

const ops = { connect, wrap, send, recv, state, close, closeAll, cancel };
port.on("message", (req) => {
  const op = ops[req.op];
  try {
    if (op) op(req);
    else if (req.id !== undefined) reply(req.id, { ok: false, errno: E.EINVAL });
  } catch (e) {
    // Never leave the interpreter waiting for an answer that cannot come.
    if (req.id !== undefined) reply(req.id, { ok: false, errno: E.EIO, message: String(e) });
  }
});
