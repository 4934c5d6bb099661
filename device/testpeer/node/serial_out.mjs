// What the module writes to the USB port: buffered, written with
// blocking writes to fd 1, and optionally slowed down to a given byte rate
// to stand in for a slow link.
import { writeSync } from "node:fs";

const SLOW_PIECE = 16;
const FLUSH_MS = 10;

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class SerialOut {
  constructor(bytesPerSecond) {
    this.rate = bytesPerSecond > 0 ? bytesPerSecond : 0;
    this.buf = Buffer.alloc(8192);
    this.size = 0;
    this.flushedAt = Date.now();
    this.lineFree = 0; // performance.now() when the slowed line is idle again
  }

  // write queues a Uint8Array or a string (UTF-8).
  write(bytes) {
    if (typeof bytes === "string") bytes = Buffer.from(bytes, "utf8");
    for (const c of bytes) this.writeByte(c);
  }

  // writeByte queues one byte. A line end flushes when the last flush is
  // older than FLUSH_MS, so a busy program's output shows as it comes.
  writeByte(c) {
    this.buf[this.size++] = c;
    if (this.size === this.buf.length) this.flush();
    else if (c === 10 && Date.now() - this.flushedAt >= FLUSH_MS) this.flush();
  }

  flush() {
    if (this.size === 0) return;
    const all = Buffer.from(this.buf.subarray(0, this.size));
    this.size = 0;
    this.flushedAt = Date.now();
    if (this.rate === 0) {
      writeAll(all);
      return;
    }
    // A byte goes out when the line is free and not before it was
    // written, and takes its time on the line: an idle line gains no
    // credit, and a late wake-up does not slow the line down.
    const arrival = performance.now();
    for (let off = 0; off < all.length; off += SLOW_PIECE) {
      const piece = all.subarray(off, off + SLOW_PIECE);
      this.lineFree = Math.max(this.lineFree, arrival) + (piece.length * 1000) / this.rate;
      const wait = this.lineFree - performance.now();
      if (wait > 0) sleepMs(wait);
      writeAll(piece);
    }
  }
}

function writeAll(buf) {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code === "EAGAIN") {
        sleepMs(2);
        continue;
      }
      process.exit(0); // the port side is gone: so is the module
    }
  }
}
