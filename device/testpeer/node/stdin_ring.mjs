// A byte ring in a SharedArrayBuffer, filled from stdin by a worker thread,
// so the interpreter thread can look for Ctrl-C while Python code runs and
// can block on input with Atomics.wait instead of the event loop.
import { Worker } from "node:worker_threads";

const SIZE = 1 << 16; // power of two: counters wrap with a mask
const MASK = 0x3fffffff;
const W = 0; // bytes written so far (masked)
const R = 1; // bytes read so far (masked)
const EOF = 2; // 1 once stdin has ended

export const EOF_BYTE = -2;
export const TIMEOUT = -1;

export class StdinRing {
  constructor() {
    this.shared = new SharedArrayBuffer(16 + SIZE);
    this.ctrl = new Int32Array(this.shared, 0, 4);
    this.data = new Uint8Array(this.shared, 16, SIZE);
    this.worker = new Worker(new URL("./stdin_worker.mjs", import.meta.url), {
      workerData: { shared: this.shared, size: SIZE },
    });
    this.worker.unref();
  }

  // available is the number of unread bytes.
  available() {
    return (Atomics.load(this.ctrl, W) - Atomics.load(this.ctrl, R)) & MASK;
  }

  ended() {
    return Atomics.load(this.ctrl, EOF) === 1 && this.available() === 0;
  }

  // waitForData blocks until input is available, stdin ends, or
  // timeoutMs passes.
  waitForData(timeoutMs) {
    const w = Atomics.load(this.ctrl, W);
    if (w !== Atomics.load(this.ctrl, R) || Atomics.load(this.ctrl, EOF) === 1) return;
    Atomics.wait(this.ctrl, W, w, timeoutMs);
  }

  // read returns the next byte, TIMEOUT after timeoutMs (Infinity waits
  // for ever) or EOF_BYTE once stdin is closed and drained.
  read(timeoutMs = Infinity) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const w = Atomics.load(this.ctrl, W);
      const r = Atomics.load(this.ctrl, R);
      if (w !== r) {
        const b = this.data[r & (SIZE - 1)];
        Atomics.store(this.ctrl, R, (r + 1) & MASK);
        Atomics.notify(this.ctrl, R);
        return b;
      }
      if (Atomics.load(this.ctrl, EOF) === 1) return EOF_BYTE;
      const left = deadline - Date.now();
      if (left <= 0) return TIMEOUT;
      Atomics.wait(this.ctrl, W, w, Math.min(left, 1000));
    }
  }
}
