// tests/e2e/crawl.mjs — every page of every demo role, in headless Chromium
// (/usr/bin/chromium through playwright-core), as issue 15 asks:
//   c-010  each role's pages are found by following links from its landing
//          page (plus a list of known pages with ids from the demo town), so
//          pages added later are crawled too
//   c-020  axe-core: zero violations of any impact, on every page, at 390×844
//          with WeChat's user agent and at 1366×768, in normal and 长辈模式
//   c-030  no page wider than the viewport at 390 px (scrollWidth ≤ 390)
//   c-040  长辈模式: main text ≥ 24 px, line height ≥ 1.3, buttons ≥ 60×60 px
//   c-050  the villagers' front door: the head's name, 001 and ZHANGMA-001
//          log in; a wrong PIN and an unknown household get the same answer
//   c-060  batch card printing to PDF: pdfinfo's page count is ⌈cards / 8⌉,
//          and printing leaves the household's QR card valid
//   c-070  朗读 buttons shown where speech synthesis exists
// Failure screenshots go to build/e2e-artifacts/; the README's screenshots
// (docs/screenshots/passbook-phone.png, village.png) are made here.
// Run: JIFEN_BIN=build/jifen node tests/e2e/crawl.mjs  (ctest runs it)
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const bin = process.env.JIFEN_BIN || path.join(root, "build", "jifen");
const artDir = path.join(path.dirname(path.resolve(bin)), "e2e-artifacts"); // build/e2e-artifacts
mkdirSync(artDir, { recursive: true });
const shots = path.join(root, "docs", "screenshots");
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "jifen-crawl-"));
const db = path.join(dir, "jifen.db");
const env = { ...process.env, JIFEN_KEY: db + ".key" };
const jifen = (...args) => execFileSync(bin, ["--db", db, ...args], { env, encoding: "utf8" });
let failed = 0, passed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; if (!process.env.QUIET) console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}: ${detail}`); }
  return cond;
}

const demo = jifen("init", "--demo");
const pin = demo.match(/PIN (\d{6})/)[1];
const token = demo.match(/\/p\/([0-9a-f]{64})/)[1];
const WECHAT_UA = "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.211006.001; wv) " +
  "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 " +
  "XWEB/5043 MMWEBSDK/20221109 MMWEBID/8770 MicroMessenger/8.0.31.2281(0x28001F37) WeChat/arm64 " +
  "Weixin NetType/WIFI Language/zh_CN ABI/arm64";

const server = spawn(bin, ["--db", db, "serve", "--listen", "127.0.0.1:0"], { env });
const port = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => { out += d; const m = out.match(/port (\d+)/); if (m) resolve(m[1]); });
  server.on("exit", (c) => reject(new Error("server exited " + c)));
  setTimeout(() => reject(new Error("server did not start")), 20000);
});
const base = `http://127.0.0.1:${port}`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const modes = [
  { name: "phone", viewport: { width: 390, height: 844 }, userAgent: WECHAT_UA, isMobile: true, hasTouch: true },
  { name: "desktop", viewport: { width: 1366, height: 768 } },
];

// a context of one role, logged in, in one mode and type size
async function roleContext(role, mode, elder) {
  const ctx = await browser.newContext({ ...mode, locale: "zh-CN", bypassCSP: true });
  await ctx.addInitScript({ content: axeSource });
  if (elder) await ctx.addCookies([{ name: "jifen_elder", value: "1", url: base }]);
  const page = await ctx.newPage();
  if (role.login) {
    await page.goto(base + "/login");
    await page.fill("input[name=login]", role.login);
    await page.fill("input[name=password]", "jifen2024!");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
  } else if (role.household) {
    await page.goto(base + "/");
    await page.selectOption("select[name=village]", "zhangma");
    await page.fill("input[name=household]", "001");
    await page.fill("input[name=pin]", pin);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
  }
  return { ctx, page };
}

const MONTH = new Date().toISOString().slice(0, 7);
const roles = [
  { name: "public", landing: "/", known: ["/verify", "/standard/template", `/p/${token}`, "/v/zhangma/catalog",
    "/v/zhangma/standard", "/v/zhangma/announcements", "/passbook/login"] },
  { name: "household", household: true, landing: "/passbook", known: ["/passbook/declare", "/passbook/shop",
    "/passbook/objection"] },
  { name: "town", login: "admin", landing: "/", known: ["/villages", "/audit", "/standard/template/publish"] },
  { name: "village", login: "zhangma-admin", landing: "/", max: 28, known: ["/v/zhangma/cards",
    "/v/zhangma/households/1", "/v/zhangma/households/1/card", "/v/zhangma/audit?household=001",
    "/v/zhangma/standard/adopt", "/v/zhangma/import", `/v/zhangma/sheets/${MONTH}/import`,
    "/v/zhangma/households/new", "/v/zhangma/households/1/edit", "/v/zhangma/ledger", "/v/zhangma/settings",
    "/v/zhangma/year-end", "/v/zhangma/balances"] },
  { name: "scorer", login: "zhangma-scorer", landing: "/", known: [] },
  { name: "shop", login: "zhangma-shop", landing: "/", known: [] },
];
// pages a crawl does not open: they act (logout), download or are files
const skip = (u) => /^\/(logout|static\/|mode|api\/)/.test(u.pathname) ||
  /\.(csv|xlsx|json|png|jpg|pdf|txt)$/.test(u.pathname) || /\/evidence\/|\/photo$|\/export/.test(u.pathname) ||
  u.searchParams.has("before") || u.searchParams.has("page") && u.searchParams.get("page") !== "2";
// one page per shape of URL: /v/x/households/12 stands for every household of
// every village (a village's own pages are the same code as another's)
const shape = (u) => u.pathname.replace(/^\/v\/[^/]+/, "/v/V").replace(/\/\d+(?=\/|$)/g, "/N").replace(/\/[0-9a-f]{32,}/g, "/T")
  .replace(/\/\d{4}-(Q\d|\d\d)(?=\/|$)/g, "/P") + (u.search ? "?" + [...u.searchParams.keys()].sort().join("&") : "");
const PER_ROLE = Number(process.env.CRAWL_PER_ROLE || 16);
const audited = new Set(); // shapes audited already, by whichever role reached them first

async function discover(role) {
  const { ctx, page } = await roleContext(role, modes[1], false);
  const seen = new Map(); // shape -> url
  const queue = [...role.known, role.landing]; // the known first: the cap must not cut them
  while (queue.length && seen.size < (role.max || PER_ROLE)) {
    const u = new URL(queue.shift(), base);
    if (u.origin !== base || skip(u) || seen.has(shape(u))) continue;
    const res = await page.goto(u.href).catch(() => null);
    if (!res || res.status() >= 400 || !(res.headers()["content-type"] || "").startsWith("text/html")) continue;
    const landed = new URL(page.url());
    if (seen.has(shape(landed))) continue;
    seen.set(shape(landed), landed.pathname + landed.search);
    for (const href of await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href"))))
      if (!href.startsWith("#")) queue.push(new URL(href, landed).href);
  }
  await ctx.close();
  const mine = [...seen.entries()].filter(([k]) => !audited.has(role.name === "household" ? "h" + k : k));
  for (const [k] of mine) audited.add(role.name === "household" ? "h" + k : k);
  return { all: [...seen.values()], todo: mine.map(([, v]) => v) };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artDir, name.replace(/[^a-z0-9_-]+/gi, "_") + ".png"), fullPage: true }).catch(() => {});
}

async function audit(page, label) {
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.length}× ${v.nodes.slice(0, 2).map((n) => n.target.join(" ")).join(" | ")}`);
  });
  return check(`c-020 axe ${label}`, res.length === 0, res.join("; "));
}

const started = Date.now();
try {
  let pages = 0;
  for (const role of roles) {
    const found = await discover(role), urls = found.todo;
    check(`c-010 ${role.name}: pages found`, found.all.length >= 2, found.all.join(" "));
    if (!process.env.QUIET) console.log(`# ${role.name}: ${found.all.length} pages, ${urls.length} new: ${urls.join(" ")}`);
    // the four ways of looking at once: the machine waits more than it works
    const combos = modes.flatMap((mode) => [false, true].map((elder) => ({ mode, elder })));
    await Promise.all(combos.map(async ({ mode, elder }) => {
      const { ctx, page } = await roleContext(role, mode, elder);
      for (const url of urls) {
        const label = `${role.name} ${mode.name}${elder ? " 长辈" : ""} ${url}`;
        await page.goto(base + url);
        pages++;
        let ok = await audit(page, label);
        if (mode.name === "phone") {
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          ok = check(`c-030 width ${label}`, w <= 390, `scrollWidth ${w}`) && ok;
        }
        if (elder) {
          const m = await page.evaluate(() => {
            const p = document.querySelector("main p:not(.hint), main td, main li, main label");
            const cs = p ? getComputedStyle(p) : null;
            const small = [...document.querySelectorAll("main button, header button")].filter((b) => {
              const r = b.getBoundingClientRect(); return r.width > 0 && (r.width < 60 || r.height < 60);
            }).map((b) => b.textContent.trim());
            return { size: cs ? parseFloat(cs.fontSize) : 24, lh: cs ? parseFloat(cs.lineHeight) / parseFloat(cs.fontSize) : 2, small };
          });
          ok = check(`c-040 large type ${label}`, m.size >= 24 && m.lh >= 1.3 && m.small.length === 0, JSON.stringify(m)) && ok;
        }
        if (!ok) await shot(page, label);
      }
      await ctx.close();
    }));
  }
  if (!process.env.QUIET) console.log(`# ${pages} page views`);

  // c-050 the front door and its mistakes
  {
    const ctx = await browser.newContext({ ...modes[0], locale: "zh-CN" });
    const page = await ctx.newPage();
    async function door(who, p) {
      await page.goto(base + "/");
      await page.selectOption("select[name=village]", { label: "张马村" });
      await page.fill("input[name=household]", who);
      await page.fill("input[name=pin]", p);
      await Promise.all([page.waitForNavigation(), page.click("button[type=submit].primary")]);
      const err = await page.$eval(".error", (e) => e.textContent).catch(() => null);
      return { url: new URL(page.url()).pathname, err };
    }
    const head = jifen("balances", "--village", "zhangma", "--format", "csv").split("\n")[1].split(",")[1];
    for (const who of [head, "001", "ZHANGMA-001"]) {
      const got = await door(who, pin);
      check(`c-050 front door ${who}`, got.url === "/passbook" && !got.err, JSON.stringify(got));
      if (got.url === "/passbook") {
        const header = await page.textContent("header .who");
        check(`c-050 header names ${who}`, header.includes("张马村") && header.includes(head + "家"), header);
        await page.click("header form.logout button");
      }
    }
    const wrong = await door("001", pin === "000000" ? "111111" : "000000");
    const nobody = await door("没有这个人", pin);
    check("c-050 wrong PIN and no household: one answer", wrong.err && wrong.err === nobody.err,
          `${wrong.err} / ${nobody.err}`);
    check("c-050 the answer says what to check", /户主姓名/.test(wrong.err || "") && /001/.test(wrong.err || ""), wrong.err);
    // the README's passbook on a phone
    await door("001", pin);
    await page.screenshot({ path: path.join(shots, "passbook-phone.png") });
    const speak = await page.$eval("button.speak", (b) => !b.hidden && ("speechSynthesis" in window)).catch(() => false);
    const hasSpeech = await page.evaluate(() => "speechSynthesis" in window);
    check("c-070 read-aloud button shown with speech synthesis", speak === hasSpeech, `${speak} ${hasSpeech}`);
    await ctx.close();
  }

  // c-060 batch cards to PDF, and the household's QR card still valid
  {
    const { ctx, page } = await roleContext(roles[3], modes[1], false);
    await page.goto(base + "/v/zhangma/cards");
    const cards = Number((await page.textContent("main")).match(/共 (\d+) 张卡/)[1]);
    const pdf = path.join(dir, "cards.pdf");
    await page.pdf({ path: pdf, format: "A4", printBackground: false });
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    const pagesN = Number(info.match(/Pages:\s+(\d+)/)[1]);
    check("c-060 cards PDF page count", pagesN === Math.ceil(cards / 8), `${pagesN} pages for ${cards} cards`);
    await page.goto(base + "/v/zhangma/cards?h=001%20ZHANGMA-002");
    check("c-060 a selection", (await page.textContent("main")).includes("共 2 张卡"), "");
    const res = await page.goto(base + `/p/${token}`);
    check("c-060 the QR card still opens after printing", res.status() === 200, res.status());
    await page.goto(base + "/v/zhangma");
    await page.screenshot({ path: path.join(shots, "village.png") });
    await ctx.close();
  }
} catch (e) {
  failed++;
  console.log("FAIL " + (e.stack || e));
} finally {
  await browser.close();
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed || !passed ? 1 : 0);
