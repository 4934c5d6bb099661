// Worker thread: copies stdin into the shared ring of stdin_ring.mjs,
// blocking while the ring is full so the writer feels back-pressure.
import { readSync } from "node:fs";
import { workerData } from "node:worker_threads";

const { shared, size } = workerData;
const ctrl = new Int32Array(shared, 0, 4);
const data = new Uint8Array(shared, 16, size);
const MASK = 0x3fffffff;
const buf = Buffer.alloc(4096);

function readChunk() {
  for (;;) {
    try {
      return readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") {
        Atomics.wait(ctrl, 3, 0, 5); // stdin is non-blocking: poll gently
        continue;
      }
      return 0;
    }
  }
}

for (;;) {
  const n = readChunk();
  if (n === 0) break;
  let off = 0;
  while (off < n) {
    const w = Atomics.load(ctrl, 0);
    const r = Atomics.load(ctrl, 1);
    const free = size - ((w - r) & MASK);
    if (free === 0) {
      Atomics.wait(ctrl, 1, r, 1000);
      continue;
    }
    const take = Math.min(free, n - off);
    for (let i = 0; i < take; i++) data[(w + i) & (size - 1)] = buf[off + i];
    off += take;
    Atomics.store(ctrl, 0, (w + take) & MASK);
    Atomics.notify(ctrl, 0);
  }
}
Atomics.store(ctrl, 2, 1);
Atomics.notify(ctrl, 0);
