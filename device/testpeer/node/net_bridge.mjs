// The interpreter thread's side of the module's network: each call posts a
// request to net_worker.mjs and blocks in Atomics.wait until the answer
// comes, so Python sees ordinary blocking sockets. While it waits it looks
// for Ctrl-C, as the peer's sleep does. The worker starts on first use:
// a peer whose program never opens a socket runs no extra thread.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { E, isLoopback } from "./net_errors.mjs";

const SLICE_MS = 20; // how often a blocked call looks for Ctrl-C

// Every answer has every field, so Python can read them without checks.
const NO_ANSWER = { ok: false, errno: 0, data: "", n: 0, message: "", interrupted: false };

export class NetBridge {
  constructor() {
    this.interrupted = () => false;
    this.beforeBlock = () => {};
    this.worker = null;
    this.nextId = 0;
    this.nextSid = 0;
  }

  // attach binds the bridge to a new boot's interpreter: interrupted()
  // answers true when Ctrl-C arrived, beforeBlock() runs before a call
  // waits. Sockets of the previous boot are closed, as a soft reboot does.
  attach({ interrupted, beforeBlock }) {
    this.interrupted = interrupted;
    this.beforeBlock = beforeBlock;
    if (this.worker) this.port.postMessage({ op: "closeAll" });
  }

  start() {
    if (this.worker) return;
    this.shared = new SharedArrayBuffer(4);
    this.answers = new Int32Array(this.shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./net_worker.mjs", import.meta.url), {
      workerData: { shared: this.shared, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
  }

  // call sends one request and waits for its answer: {ok, errno, data, n,
  // message}, or {interrupted: true} after Ctrl-C.
  call(op, args) {
    this.start();
    const id = ++this.nextId;
    this.port.postMessage({ ...args, op, id });
    this.beforeBlock();
    for (;;) {
      const seen = Atomics.load(this.answers, 0);
      const answer = this.take(id);
      if (answer) return { ...NO_ANSWER, ...answer };
      if (this.interrupted()) {
        this.port.postMessage({ op: "cancel", target: id });
        return { ...NO_ANSWER, interrupted: true };
      }
      Atomics.wait(this.answers, 0, seen, SLICE_MS);
    }
  }

  // take answers the reply to id if it has come; replies to requests given
  // up after Ctrl-C are dropped.
  take(id) {
    for (;;) {
      const m = receiveMessageOnPort(this.port);
      if (!m) return null;
      if (m.message.id === id) return m.message;
    }
  }

  // module is what Python imports as qpy_net. Every function returns a
  // plain object; none throws (a JS exception escapes Python's try).
  module() {
    const timeout = (t) => (t === null || t === undefined || t < 0 ? -1 : t);
    return {
      socket: () => ++this.nextSid,
      loopback: (host) => isLoopback(host),
      connect: (sid, host, port, t) => this.call("connect", { sid, host, port, timeoutMs: timeout(t) }),
      wrap: (sid, json, t) => {
        let o;
        try {
          o = JSON.parse(json);
        } catch (e) {
          return { ...NO_ANSWER, errno: E.EINVAL };
        }
        return this.call("wrap", { ...o, sid, timeoutMs: timeout(t) });
      },
      send: (sid, hex, t) => this.call("send", { sid, data: hex, timeoutMs: timeout(t) }),
      recv: (sid, n, t) => this.call("recv", { sid, n, timeoutMs: timeout(t) }),
      state: (sid) => this.call("state", { sid }),
      close: (sid) => {
        if (this.worker) this.port.postMessage({ op: "close", sid });
        return { ...NO_ANSWER, ok: true };
      },
    };
  }
}
