// The friendly REPL's line input: echo, backspace, escape sequences
// swallowed, and the rule for when a line needs a continuation ("... ").

const BS = 8;
const DEL = 127;
const ESC = 27;

export class LineEditor {
  constructor(out) {
    this.out = out;
    this.reset();
  }

  reset() {
    this.bytes = [];
    this.escape = 0; // bytes of an escape sequence still to swallow
    this.lastCR = false;
  }

  isEmpty() {
    return this.bytes.length === 0;
  }

  text() {
    return Buffer.from(this.bytes).toString("utf8");
  }

  // feed takes one non-control byte or editing key; it answers true when
  // the line is complete (Enter).
  feed(c) {
    if (this.escape > 0) {
      // ESC [ X, or ESC [ digits ~: swallow until a final letter or ~
      this.escape = c === 0x5b || (c >= 0x30 && c <= 0x39) ? 1 : 0;
      return false;
    }
    const afterCR = this.lastCR;
    this.lastCR = c === 13;
    if (c === 13 || (c === 10 && !afterCR)) {
      this.out.write("\r\n");
      return true;
    }
    if (c === 10) return false; // the LF of CR LF
    if (c === BS || c === DEL) {
      this.backspace();
      return false;
    }
    if (c === ESC) {
      this.escape = 1;
      return false;
    }
    if (c < 32) return false;
    this.bytes.push(c);
    this.out.writeByte(c);
    return false;
  }

  backspace() {
    if (this.bytes.length === 0) return;
    // remove a whole UTF-8 character: continuation bytes, then its lead
    while (this.bytes.length > 0 && (this.bytes[this.bytes.length - 1] & 0xc0) === 0x80) {
      this.bytes.pop();
    }
    this.bytes.pop();
    this.out.write("\b \b");
  }
}

// needsMore tells whether source so far is an unfinished statement: an
// open bracket or triple quote, a trailing backslash or colon.
export function needsMore(source) {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (source.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = "";
      }
      continue;
    }
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (ch === '"' || ch === "'") {
      quote = source.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length - 1;
    } else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
  }
  if (depth > 0 || quote.length === 3) return true;
  const last = source.replace(/#[^\n]*$/, "").trimEnd();
  return last.endsWith(":") || last.endsWith("\\");
}
