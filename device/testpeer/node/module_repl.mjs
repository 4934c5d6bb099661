// The REPL of a QuecPython module, as its USB port shows it: friendly
// REPL, raw REPL, raw-paste with flow control, Ctrl-C, soft reboot
// (Ctrl-D), which runs /usr/main.py before the banner, and the restart
// misc.Power.powerRestart() asks for.
import { Interpreter } from "./interpreter.mjs";
import { LineEditor, needsMore } from "./line_editor.mjs";
import { EOF_BYTE } from "./stdin_ring.mjs";

const PASTE_WINDOW = 128; // half of the firmware's 256-byte stdin buffer
const RAW_BANNER = "raw REPL; CTRL-B to exit\r\n";
const KBD_TRACEBACK = "Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n";

export class ModuleRepl {
  // cfg: banner, rawPaste ("on", "disabled", "unsupported"), standinNames,
  // flash (a FlashDir or undefined).
  constructor(cfg, input, out) {
    this.cfg = cfg;
    this.input = input;
    this.out = out;
    this.mode = "friendly";
    this.editor = new LineEditor(out);
    this.block = null; // a compound statement being typed
    this.paste = null; // bytes typed in paste mode (Ctrl-E)
    this.rawLine = [];
  }

  // start boots, tells ready() that the interpreter is up, runs main.py if
  // asked and prints the banner.
  async start(files, runMain, ready) {
    await this.boot(files);
    ready();
    if (runMain) await this.runMain();
    this.friendlyBanner();
  }

  async boot(files) {
    this.it = await Interpreter.boot({
      files,
      standinNames: this.cfg.standinNames,
      out: this.out,
      input: this.input,
      flash: this.cfg.flash,
    });
  }

  friendlyBanner() {
    this.out.write(this.cfg.banner + "\r\nType \"help()\" for more information.\r\n>>> ");
  }

  // next answers the next input byte, flushing output before it blocks.
  next() {
    if (this.input.available() === 0) this.out.flush();
    return this.input.read();
  }

  async loop() {
    for (;;) {
      const c = this.next();
      if (c === EOF_BYTE) return;
      if (this.mode === "raw") await this.rawByte(c);
      else if (this.paste !== null) await this.pasteByte(c);
      else await this.friendlyByte(c);
    }
  }

  // runMain runs /usr/main.py as the firmware does at boot. A Ctrl-C
  // ends it with a traceback and a soft reboot that skips main.py; a
  // restart boots again and runs it again.
  async runMain() {
    for (;;) {
      if (!this.it.exists("/usr/main.py")) return;
      const r = this.it.run(this.it.readText("/usr/main.py"), "file");
      this.out.write(r.traceback);
      if (r.restart) {
        await this.boot(this.it.nextBoot());
        continue;
      }
      if (r.interrupted) {
        this.out.write("MPY: soft reboot\r\n");
        await this.boot(this.it.nextBoot());
      }
      return;
    }
  }

  // powerUp follows misc.Power.powerRestart(): the module starts again as
  // at power-up, in the friendly REPL, main.py first. Nothing of the
  // command that asked is written after it (its end never comes).
  async powerUp() {
    this.mode = "friendly";
    this.editor.reset();
    this.block = null;
    this.paste = null;
    this.rawLine = [];
    await this.boot(this.it.nextBoot());
    await this.runMain();
    this.friendlyBanner();
  }

  async softReboot() {
    this.out.write("MPY: soft reboot\r\n");
    await this.boot(this.it.nextBoot());
    if (this.mode === "raw") {
      this.out.write(RAW_BANNER + ">");
      return;
    }
    await this.runMain();
    this.friendlyBanner();
  }

  enterRaw() {
    this.mode = "raw";
    this.rawLine = [];
    this.out.write(RAW_BANNER + ">");
  }

  async friendlyByte(c) {
    const idle = this.block === null;
    if (c === 1 && idle) {
      this.out.write("\r\n");
      this.enterRaw();
    } else if (c === 2 && idle) {
      this.out.write("\r\n");
      this.editor.reset();
      this.friendlyBanner();
    } else if (c === 3) {
      this.out.write("\r\n>>> ");
      this.editor.reset();
      this.block = null;
    } else if (c === 4) {
      if (!idle) {
        this.out.write("\r\n");
        await this.execLine(this.block + this.editor.text(), "single");
      } else if (this.editor.isEmpty()) {
        this.out.write("\r\n");
        await this.softReboot();
      }
    } else if (c === 5 && idle) {
      this.out.write("\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ");
      this.paste = [];
    } else if (this.editor.feed(c)) {
      await this.enter();
    }
  }

  async enter() {
    const text = this.editor.text();
    this.editor.reset();
    if (this.block === null) {
      if (text.trim() === "") this.out.write(">>> ");
      else if (needsMore(text)) this.continueBlock(text);
      else await this.execLine(text, "single");
      return;
    }
    if (text.trim() === "") await this.execLine(this.block, "single");
    else this.continueBlock(this.block + text);
  }

  continueBlock(source) {
    this.block = source + "\n";
    this.out.write("... ");
  }

  async execLine(source, kind) {
    this.block = null;
    this.editor.reset();
    const r = this.it.run(source, kind);
    if (r.restart) await this.powerUp();
    else this.out.write(r.traceback + ">>> ");
  }

  async pasteByte(c) {
    if (c === 3) {
      this.paste = null;
      this.out.write("\r\n>>> ");
    } else if (c === 4) {
      const source = Buffer.from(this.paste).toString("utf8");
      this.paste = null;
      this.out.write("\r\n");
      await this.execLine(source, "file");
    } else if (c === 13) {
      this.paste.push(10);
      this.out.write("\r\n=== ");
    } else if (c !== 10) {
      this.paste.push(c);
      this.out.writeByte(c);
    }
  }

  async rawByte(c) {
    if (c === 1) {
      const line = this.rawLine;
      this.rawLine = [];
      if (line.length === 2 && line[0] === 5 && this.cfg.rawPaste !== "unsupported") {
        await this.rawPaste(line[1]);
      } else {
        this.out.write(RAW_BANNER + ">");
      }
    } else if (c === 2) {
      this.mode = "friendly";
      this.editor.reset();
      this.block = null;
      this.out.write("\r\n");
      this.friendlyBanner();
    } else if (c === 3) {
      this.rawLine = [];
    } else if (c === 4) {
      this.out.write("OK");
      if (this.rawLine.length === 0) {
        this.out.write("\r\n");
        await this.softReboot();
        return;
      }
      const source = Buffer.from(this.rawLine);
      this.rawLine = [];
      if (await this.execRaw(source)) this.out.write(">");
    } else {
      this.rawLine.push(c);
    }
  }

  // execRaw runs code sent in the raw REPL; false when it restarted the
  // module, whose raw REPL is then gone.
  async execRaw(source) {
    const r = this.it.run(source, "file");
    if (r.restart) {
      await this.powerUp();
      return false;
    }
    this.out.write("\x04" + r.traceback + "\x04");
    return true;
  }

  // rawPaste receives code with flow control: the window size, then one
  // 0x01 per window consumed; Ctrl-D ends the code, Ctrl-C cancels it.
  async rawPaste(command) {
    if (command !== 0x41 || this.cfg.rawPaste === "disabled") {
      this.out.write("R\x00>");
      return;
    }
    this.out.write(Buffer.from([0x52, 0x01, PASTE_WINDOW & 0xff, PASTE_WINDOW >> 8, 0x01]));
    const code = [];
    let remain = PASTE_WINDOW;
    for (;;) {
      const c = this.next();
      if (c === EOF_BYTE) return;
      if (c === 3) {
        this.out.write("\x04\x04" + KBD_TRACEBACK + "\x04>");
        return;
      }
      if (c === 4) break;
      code.push(c);
      if (--remain === 0) {
        this.out.write("\x01");
        remain = PASTE_WINDOW;
      }
    }
    this.out.write("\x04");
    if (await this.execRaw(Buffer.from(code))) this.out.write(">");
  }
}
