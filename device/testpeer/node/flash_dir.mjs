// A host directory that stands in for the module's flash behind /usr: it
// is loaded at start and written after every command, so files survive a
// Kill (the unplug) and a test can look at them from the host.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class FlashDir {
  constructor(dir) {
    this.dir = dir;
    this.seen = new Map(); // /usr path -> "mtime size" last written
    mkdirSync(dir, { recursive: true });
  }

  // load answers [path, bytes|null] for every entry under the directory.
  load() {
    const files = [];
    const walk = (host, usr) => {
      for (const name of readdirSync(host).sort()) {
        const h = join(host, name);
        const u = usr + "/" + name;
        if (statSync(h).isDirectory()) {
          files.push([u, null]);
          walk(h, u);
        } else {
          files.push([u, readFileSync(h)]);
        }
      }
    };
    walk(this.dir, "/usr");
    return files;
  }

  // save mirrors /usr of the interpreter's filesystem into the directory.
  save(fs) {
    const present = new Set();
    const walk = (usr) => {
      for (const name of fs.readdir(usr)) {
        if (name === "." || name === "..") continue;
        const u = usr + "/" + name;
        const h = join(this.dir, u.slice(5));
        const st = fs.stat(u);
        present.add(h);
        if (fs.isDir(st.mode)) {
          if (!existsSync(h)) mkdirSync(h);
          walk(u);
          continue;
        }
        const stamp = st.mtime.getTime() + " " + st.size;
        if (this.seen.get(u) !== stamp || !existsSync(h)) {
          writeFileSync(h, fs.readFile(u));
          this.seen.set(u, stamp);
        }
      }
    };
    walk("/usr");
    this.prune(this.dir, present);
  }

  prune(host, present) {
    for (const name of readdirSync(host)) {
      const h = join(host, name);
      if (!present.has(h)) {
        rmSync(h, { recursive: true, force: true });
      } else if (statSync(h).isDirectory()) {
        this.prune(h, present);
      }
    }
  }
}
