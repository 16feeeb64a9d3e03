// tests/e2e/verify.mjs — /verify checks a receipt in the browser (issue 12 item 5), in
// headless Chromium (/usr/bin/chromium through playwright-core; no browser download):
//   v-010  the page embeds the deployment's verifier key (= `jifen key show`)
//   v-020  a valid receipt pasted: 验证通过, and no request leaves the page while checking
//   v-030  a tampered receipt (the line's points changed): 验证失败
//   v-040  a tampered signature: 验证失败
//   v-050  the valid receipt checked with another deployment's key: 验证失败
//   v-060  the household card page's receipt QR code is a PNG the browser decodes, at a
//          whole number of pixels a module, drawn pixelated (no blurred module edges)
// Run: JIFEN_BIN=build/jifen node tests/e2e/verify.mjs  (ctest runs it when node is present)
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = process.env.JIFEN_BIN || path.join(here, "..", "..", "build", "jifen");
const dir = mkdtempSync(path.join(tmpdir(), "jifen-e2e-"));
const db = path.join(dir, "jifen.db");
const env = { ...process.env, JIFEN_KEY: db + ".key" };
const jifen = (...args) => execFileSync(bin, ["--db", db, ...args], { env, encoding: "utf8" });
let failed = 0, passed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}: ${detail}`); }
}

// a village, a quarter scored and announced, one receipt
jifen("init");
jifen("village", "add", "V1", "V1村");
jifen("import", "standard", "--village", "V1", path.join(here, "..", "data", "sample-standard.csv"),
      "--adopted", "2024-05-01", "--effective", "2024-05-01");
writeFileSync(path.join(dir, "hh.csv"), "code,head_name,hukou,homestead,resident,joined\n" +
  ["H01,张小明", "H02,李四", "H03,王五"].map((l) => l + ",是,是,是,2024-05-01\n").join(""));
jifen("import", "households", "--village", "V1", path.join(dir, "hh.csv"));
writeFileSync(path.join(dir, "e.csv"), "household,item,date,quantity,note\n" +
  "H01,ZF05,2024-06-03,1,\nH02,ZF05,2024-06-04,1,\nH03,PA02,2024-06-05,1,\n");
jifen("import", "entries", "--village", "V1", "--month", "2024-06", path.join(dir, "e.csv"));
jifen("sheet", "approve", "--village", "V1", "--month", "2024-06", "--meeting-date",
      "2024-06-28", "--attendees", "两委", "--resolution", "同意");
jifen("announce", "--village", "V1", "--quarter", "2024-Q2", "--date", "2024-07-05");
const receipt = jifen("receipt", "--village", "V1", "--quarter", "2024-Q2", "--household", "H01");
const key = jifen("key", "show").trim();
execFileSync(bin, ["--db", db, "user", "add", "v1-admin", "--role", "village_admin", "--village", "V1",
                   "--password-stdin"], { env, input: "jifen2024!\n" });
// another deployment's key
const other = path.join(dir, "other.db");
const otherEnv = { ...process.env, JIFEN_KEY: other + ".key", JIFEN_ORIGIN: key.split("+")[0] };
execFileSync(bin, ["--db", other, "init"], { env: otherEnv });
const otherKey = execFileSync(bin, ["--db", other, "key", "show"], { env: otherEnv, encoding: "utf8" }).trim();

const server = spawn(bin, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { env });
const port = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/port (\d+)/);
    if (m) resolve(m[1]);
  });
  server.on("exit", (c) => reject(new Error("server exited " + c)));
  setTimeout(() => reject(new Error("server did not start")), 20000);
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/verify`);
  check("v-010 the deployment's key embedded", (await page.inputValue("#verify-key")).trim() === key,
        await page.inputValue("#verify-key"));

  async function verify(text, k) {
    await page.fill("#verify-receipt", text);
    await page.fill("#verify-key", k);
    await page.evaluate(() => { document.getElementById("verify-result").textContent = ""; });
    await page.click("button[type=submit]");
    await page.waitForFunction(() => document.getElementById("verify-result").textContent !== "");
    return page.textContent("#verify-result");
  }
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  let got = await verify(receipt, key);
  check("v-020 a valid receipt", got.startsWith("验证通过") && got.includes("H01"), got);
  check("v-020 no server call", requests.length === 0, requests.join(" "));

  const line = receipt.split("\n")[1];
  const tampered = receipt.replace(line, line.replace(/,(\d+)$/, (m, n) => "," + (Number(n) + 100)));
  check("v-030 the tampering changed the receipt", tampered !== receipt, line);
  got = await verify(tampered, key);
  check("v-030 a tampered line", got.startsWith("验证失败") && got.includes("不在签名的公示中"), got);

  const sigAt = receipt.indexOf("\u2014 ");
  const sig = receipt.slice(sigAt).split("\n")[0];
  const bad = sig.slice(0, -6) + (sig.slice(-6, -5) === "A" ? "B" : "A") + sig.slice(-5);
  got = await verify(receipt.replace(sig, bad), key);
  check("v-040 a tampered signature", got.startsWith("验证失败"), got);

  got = await verify(receipt, otherKey);
  check("v-050 another key", got.startsWith("验证失败"), got);

  await page.goto(`http://127.0.0.1:${port}/login`);
  await page.fill("input[name=login]", "v1-admin");
  await page.fill("input[name=password]", "jifen2024!");
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
  await page.goto(`http://127.0.0.1:${port}/v/V1/households`);
  await Promise.all([page.waitForNavigation(), page.click("a:text-is('H01')")]);
  await page.goto(page.url().replace(/\/?$/, "/card"));
  const qr = await page.$eval("img.qr-px", (img) => ({
    alt: img.alt, complete: img.complete, natural: img.naturalWidth, naturalH: img.naturalHeight,
    width: img.width, rendering: getComputedStyle(img).imageRendering,
  })).catch((e) => ({ error: String(e) }));
  check("v-060 the receipt's QR code decodes", qr.complete && qr.natural > 100 &&
        qr.natural === qr.naturalH && qr.alt === "公示回执二维码", JSON.stringify(qr));
  check("v-060 whole pixels a module, pixelated", qr.width % qr.natural === 0 &&
        qr.width >= 2 * qr.natural && qr.rendering === "pixelated", JSON.stringify(qr));
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
