// tests/e2e/lib/harness.mjs — what every browser test needs (kept out of tests/e2e/*.mjs,
// which ctest runs one by one): a throwaway database with the jifen CLI on it, the server on
// an ephemeral loopback port, Debian's chromium through playwright-core (no browser is
// downloaded), numbered checks that count, and WeChat's user agent for the phone.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const bin = process.env.JIFEN_BIN || path.join(here, "..", "..", "..", "build", "jifen");
// failure screenshots: build/e2e-artifacts/
export const artDir = path.join(path.dirname(path.resolve(bin)), "e2e-artifacts");
mkdirSync(artDir, { recursive: true });

export const WECHAT_UA = "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) " +
  "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 " +
  "XWEB/5043 MMWEBSDK/20221109 MMWEBID/8770 MicroMessenger/8.0.31.2281(0x28001F37) WeChat/arm64 " +
  "Weixin NetType/WIFI Language/zh_CN ABI/arm64";

// A fresh database in a temporary folder: {dir, db, env, jifen(...args) → stdout}.
export function database(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const db = path.join(dir, "jifen.db");
  const env = { ...process.env, JIFEN_KEY: db + ".key" };
  const jifen = (...args) => execFileSync(bin, ["--db", db, ...args], { env, encoding: "utf8" });
  return { dir, db, env, jifen };
}

// `jifen serve` on 127.0.0.1:0 of t (database()): resolves to {server, base} once it says its port.
export function serve(t) {
  const server = spawn(bin, ["--db", t.db, "serve", "--listen", "127.0.0.1:0"], { env: t.env });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) resolve({ server, base: `http://127.0.0.1:${m[1]}` });
    });
    server.on("exit", (c) => reject(new Error("server exited " + c)));
    setTimeout(() => reject(new Error("server did not start")), 20000);
  });
}

// Headless /usr/bin/chromium.
export function browser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// Numbered checks: check(name, cond, detail) prints ok/FAIL and returns cond; done() prints the
// count and exits 1 when one failed.
export function checks() {
  const c = { passed: 0, failed: 0 };
  c.check = (name, cond, detail) => {
    if (cond) { c.passed++; console.log(`ok   ${name}`); }
    else { c.failed++; console.log(`FAIL ${name}: ${detail}`); }
    return cond;
  };
  c.done = () => {
    console.log(`${c.passed} passed, ${c.failed} failed`);
    process.exit(c.failed ? 1 : 0);
  };
  return c;
}
