// Entry point: a MicroPython interpreter on stdin/stdout that behaves like
// a QuecPython module on its USB REPL port. argv[2] names a JSON file:
//   banner         first line printed at boot
//   rawPaste       "on" | "disabled" (answers R\x00) | "unsupported" (old firmware)
//   bytesPerSecond output rate limit, 0 for none
//   runMainAtBoot  run /usr/main.py before the first banner
//   standinDir     directory whose *.py files go to /lib
//   scenario       written to /qpy_scenario.json
//   files          {"main.py": base64, ...} seeded under /usr
//   flashDir       host directory kept in step with /usr (survives a kill)
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { FlashDir } from "./flash_dir.mjs";
import { ModuleRepl } from "./module_repl.mjs";
import { SerialOut } from "./serial_out.mjs";
import { StdinRing } from "./stdin_ring.mjs";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const files = [];
const standinNames = [];
if (cfg.standinDir && existsSync(cfg.standinDir)) {
  for (const name of readdirSync(cfg.standinDir).sort()) {
    if (!name.endsWith(".py")) continue;
    files.push(["/lib/" + name, readFileSync(join(cfg.standinDir, name))]);
    standinNames.push(name.slice(0, -3));
  }
}
files.push(["/qpy_scenario.json", Buffer.from(JSON.stringify(cfg.scenario ?? {}))]);
for (const [name, b64] of Object.entries(cfg.files ?? {})) {
  files.push(["/usr/" + name.replace(/^\/+/, ""), Buffer.from(b64, "base64")]);
}
const flash = cfg.flashDir ? new FlashDir(cfg.flashDir) : undefined;
if (flash) files.push(...flash.load());

const out = new SerialOut(cfg.bytesPerSecond ?? 0);
const input = new StdinRing();
const repl = new ModuleRepl(
  {
    banner: cfg.banner || "QuecPython v1.12 on 2021-01-01; EC600N with QUECTEL",
    rawPaste: cfg.rawPaste || "on",
    standinNames,
    flash,
  },
  input,
  out,
);
await repl.start(files, Boolean(cfg.runMainAtBoot), () => process.stderr.write("qpy-peer: ready\n"));
await repl.loop();
out.flush();
process.exit(0);
