// tests/e2e/month.mjs — the whole month's task in headless Chromium (issue 15), at phone
// width (390×844, WeChat's user agent) and at 1366×768, each on its own demo-sized town:
//   m-010  a scorer records 10 entries for 5 households (5 one by one, 5 at once for the
//          村民大会) and submits; the user's interactions (page loads they start, clicks,
//          typed or picked fields, confirm dialogs) are counted: ≤ 47 on the phone
//   m-020  after 记入 the confirmation names household, item and points and is on screen
//   m-030  quantity 0 is refused by the server (the browser's own check switched off)
//   m-040  an expired session: 记入 leads to the login saying 登录已过期, and after logging
//          in the form is back with what was typed, never a 405
//   m-050  the village admin reviews (per household, per category, deductions) and is
//          warned of the month's pending declaration, then approves
//   m-060  the declaration of the approved month is accepted into the current draft
//   m-070  the household looks at its passbook and sees the month's points
// A screenshot of the month's sheet goes to docs/screenshots/sheet.png (desktop run);
// failures leave screenshots under build/e2e-artifacts/.
// Run: JIFEN_BIN=build/jifen node tests/e2e/month.mjs  (ctest runs it when node is present)
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..");
const bin = process.env.JIFEN_BIN || path.join(root, "build", "jifen");
const artifacts = path.join(path.dirname(bin), "e2e-artifacts");
const PASSWORD = "Passw0rd!";
const WECHAT = "Mozilla/5.0 (Linux; Android 12; M2012K11AC Build/SKQ1.220303.001; wv) " +
  "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 " +
  "XWEB/5043 MMWEBSDK/20221109 MMWEBID/6856 MicroMessenger/8.0.31.2281(0x28001F3B) WeChat/arm64 " +
  "Weixin NetType/WIFI Language/zh_CN ABI/arm64";
let failed = 0, passed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}: ${detail}`); }
  return cond;
}

// last month: every one of its days has passed, so no entry is "晚于今天"
const now = new Date();
const last = new Date(now.getFullYear(), now.getMonth() - 1, 1);
const MONTH = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, "0")}`;
const day = (d) => `${MONTH}-${String(d).padStart(2, "0")}`;
const meeting = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-01`;

/* A town of one village, its standard and six households, on a new database;
** returns {dir, db, env, jifen}. */
function town() {
  const dir = mkdtempSync(path.join(tmpdir(), "jifen-month-"));
  const db = path.join(dir, "jifen.db");
  const env = { ...process.env, JIFEN_KEY: db + ".key" };
  const jifen = (args, input) => execFileSync(bin, ["--db", db, ...args],
                                              { env, encoding: "utf8", input });
  jifen(["init"]);
  jifen(["village", "add", "V1", "张马村"]);
  for (const [login, role] of [["V1-admin", "village_admin"], ["V1-scorer", "scorer"]])
    jifen(["user", "add", login, "--role", role, "--village", "V1", "--password-stdin"],
          PASSWORD + "\n");
  // the scoring group the plan requires before a month can be submitted
  for (const [name, role, login] of [["V1书记", "committee", "V1-admin"],
                                     ["V1代表", "representative", "V1-scorer"]])
    jifen(["group", "add", "--village", "V1", "--name", name, "--role", role, "--account", login,
           "--joined", "2024-01-01", "--meeting-date", "2024-01-01", "--attendees", "村党组织全体委员"]);
  jifen(["import", "standard", "--village", "V1", path.join(here, "..", "data", "sample-standard.csv"),
         "--adopted", "2024-01-01", "--effective", "2024-01-01"]);
  writeFileSync(path.join(dir, "hh.csv"), "code,head_name,hukou,homestead,resident,joined\n" +
    ["001,张三", "002,李四", "003,王五", "004,赵六", "005,钱七", "006,孙八"]
      .map((l) => l + ",是,是,是,2024-01-01\n").join(""));
  jifen(["import", "households", "--village", "V1", path.join(dir, "hh.csv")]);
  return { dir, db, env, jifen };
}

async function serve(t) {
  const server = spawn(bin, ["--db", t.db, "serve", "--listen", "127.0.0.1:0"], { env: t.env });
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
  return { server, base: `http://127.0.0.1:${port}` };
}

/* A page whose user actions are counted: goto, click, fill, select, check and
** accepted confirm dialogs each count one. */
function counted(page) {
  const c = { n: 0, page };
  page.on("dialog", (d) => { c.n++; d.accept(); });
  c.goto = (u) => { c.n++; return page.goto(u); };
  c.click = async (sel) => { c.n++; await Promise.all([page.waitForLoadState(), page.click(sel)]); };
  c.submit = async (sel) => { c.n++; await Promise.all([page.waitForNavigation(), page.click(sel)]); };
  c.fill = (sel, v) => { c.n++; return page.fill(sel, v); };
  c.select = (sel, v) => { c.n++; return page.selectOption(sel, v); };
  c.check = (sel) => { c.n++; return page.check(sel); };
  return c;
}

async function login(c, base, who) {
  await c.goto(`${base}/login`);
  await c.fill("input[name=login]", who);
  await c.fill("input[name=password]", PASSWORD);
  await c.submit("form[action='/login'] button[type=submit]");
}

async function run(width, height, ua, phone) {
  const label = phone ? "phone" : "desktop";
  const t = town();
  const { server, base } = await serve(t);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const ctx = (o) => browser.newContext({ viewport: { width, height }, userAgent: ua, locale: "zh-CN", ...o });
  const pages = [];
  try {
    // ---- before: the household gets a PIN and declares a good deed of the month
    const adminCtx = await ctx();
    const admin = counted(await adminCtx.newPage());
    pages.push(admin.page);
    await login(admin, base, "V1-admin");
    const list = await admin.page.evaluate(async () =>
      (await fetch("/api/v1/villages/V1/households?q=001")).json());
    await admin.goto(`${base}/v/V1/households/${list.households[0].id}/card`);
    await Promise.all([admin.page.waitForNavigation(), admin.page.click("form[action$='/pin'] button")]);
    const pin = ((await admin.page.textContent("section.card")).match(/PIN\s*(\d{6})/) || [])[1];
    check(`m-000 ${label} a PIN issued`, /^\d{6}$/.test(pin), pin);
    const hhCtx = await ctx();
    const hh = counted(await hhCtx.newPage());
    pages.push(hh.page);
    await hh.goto(`${base}/passbook/login`);
    await hh.select("select[name=village]", "V1");
    await hh.fill("input[name=household]", "001");
    await hh.fill("input[name=pin]", pin);
    await hh.submit("form[action='/passbook/login'] button[type=submit]");
    await hh.goto(`${base}/passbook/declare`);
    await hh.fill("input[name=date]", day(15));
    await hh.fill("textarea[name=note]", "帮独居老人收晒稻谷");
    await hh.submit("form button.primary");

    // ---- the scorer's month, counted
    const scCtx = await ctx();
    const sc = counted(await scCtx.newPage());
    pages.push(sc.page);
    await login(sc, base, "V1-scorer");
    await sc.goto(`${base}/v/V1/sheets/${MONTH}`);
    const singles = [["001", "PA02"], ["002", "YF01"], ["003", "HJ01"], ["004", "YF04"], ["005", "CW04"]];
    let first = true;
    for (const [code, item] of singles) {
      await sc.fill("#household", code);
      await sc.select("#item", item);
      if (first) { await sc.fill("input[name=date]", day(12)); first = false; }
      await sc.submit("form.entry-form button[type=submit]");
      if (code === "001") {
        const note = sc.page.locator(".notice.added");
        const text = (await note.textContent()) || "";
        check(`m-020 ${label} the confirmation names household, item and points`,
              text.includes("已记入：张三家 · 主动化解邻里矛盾纠纷 +2 分"), text);
        const box = await note.boundingBox();
        check(`m-020 ${label} the confirmation is on screen`, box && box.y >= -1 && box.y + box.height <= height + 1,
              JSON.stringify(box));
      }
    }
    if (!phone) {
      mkdirSync(path.join(root, "docs", "screenshots"), { recursive: true });
      await sc.page.screenshot({ path: path.join(root, "docs", "screenshots", "sheet.png"), fullPage: true });
    }
    // everyone at the 村民大会: one item, five households, one submit
    await sc.click("a[href$='/bulk']");
    await sc.select("#item", "CW01");
    await sc.fill("input[name=date]", day(20));
    for (const code of ["001", "002", "003", "004", "005"])
      await sc.check(`label:has-text('${code} ') input[name=hh]`);
    await sc.submit("form.bulk button[type=submit]");
    const after = await sc.page.textContent("main");
    check(`m-010 ${label} five at once`, after.includes("已给 5 户各记入一条"), after.slice(0, 300));

    // the mistakes, not counted: quantity 0; an expired session
    const p = sc.page;
    await p.fill("#household", "001");
    await p.selectOption("#item", "PA03");
    await p.fill("input[name=quantity]", "0");
    await p.$eval("form.entry-form", (f) => { f.noValidate = true; });
    await Promise.all([p.waitForNavigation(), p.click("form.entry-form button[type=submit]")]);
    const q0 = await p.textContent("main");
    check(`m-030 ${label} quantity 0 refused`, q0.includes("次数应为 1–1000 的整数") &&
          q0.includes("没有保存，原因如下："), q0.slice(0, 400));
    const cookies = await scCtx.cookies();
    await p.goto(`${base}/v/V1/sheets/${MONTH}`);
    await p.fill("#household", "王五");
    await p.selectOption("#item", "PA02");
    await p.fill("input[name=note]", "调解了两家的宅基地纠纷");
    await scCtx.clearCookies();
    await scCtx.addCookies(cookies.map((k) => k.name === "jifen_sid" ? { ...k, value: "0".repeat(64) } : k));
    await Promise.all([p.waitForNavigation(), p.click("form.entry-form button[type=submit]")]);
    const lp = await p.textContent("main");
    check(`m-040 ${label} the login says the session expired`, lp.includes("登录已过期，请重新登录"), lp.slice(0, 300));
    await p.fill("input[name=login]", "V1-scorer");
    await p.fill("input[name=password]", PASSWORD);
    await Promise.all([p.waitForNavigation(), p.click("form[action='/login'] button[type=submit]")]);
    const back = p.url();
    check(`m-040 ${label} back on the sheet, not a 405`,
          back.includes(`/v/V1/sheets/${MONTH}?restore=1`) && !(await p.textContent("main")).includes("不支持"),
          back);
    check(`m-040 ${label} what was typed is back`,
          (await p.inputValue("#household")) === "王五" && (await p.inputValue("#item")) === "PA02" &&
          (await p.inputValue("input[name=note]")) === "调解了两家的宅基地纠纷",
          `${await p.inputValue("#household")} ${await p.inputValue("#item")}`);
    await Promise.all([p.waitForNavigation(), p.click("form.entry-form button[type=submit]")]);
    check(`m-040 ${label} and it is saved`, (await p.textContent(".notice.added")).includes("王五家"), "");
    // remove it again (undo), so the month holds the task's ten
    await Promise.all([p.waitForNavigation(), p.click(".notice.added button")]);

    // submit, counted
    await sc.submit(".status-box form[action$='/submit'] button");
    const st = await sc.page.textContent(".status-box");
    check(`m-010 ${label} submitted`, st.includes("已提交") && st.includes("10 条"), st);
    check(`m-010 ${label} the scorer's interactions: ${sc.n}`, !phone || sc.n <= 47, `${sc.n} > 47`);

    // ---- the committee reviews and approves, counted
    admin.n = 0;
    await admin.goto(`${base}/v/V1/sheets/${MONTH}`);
    await admin.click(`a[href$='/sheets/${MONTH}/review']`);
    const rv = await admin.page.textContent("main");
    check(`m-050 ${label} the review`, rv.includes("按类别合计") && rv.includes("按户合计") &&
          rv.includes("减分记录及佐证"), rv.slice(0, 300));
    check(`m-050 ${label} the pending declaration warned`, rv.includes("本月还有 1 条农户的积分申报待审核"), "");
    await admin.fill("input[name=meeting_date]", meeting);
    await admin.fill("textarea[name=attendees]", "张书记、李主任、王委员");
    await admin.fill("textarea[name=resolution]", "同意本月积分");
    await admin.submit("form[action$='/approve'] button[type=submit]");
    const ap = await admin.page.textContent("main");
    check(`m-050 ${label} approved (${admin.n} interactions)`, ap.includes("已审定"), ap.slice(0, 300));

    // ---- the declaration of the approved month goes onto the current draft
    await p.goto(`${base}/v/V1/declarations`);
    await p.selectOption("form[action$='/accept'] select[name=item]", "YF06");
    await Promise.all([p.waitForNavigation(), p.click("form[action$='/accept'] button")]);
    const ac = await p.textContent("main");
    check(`m-060 ${label} accepted after approval`, ac.includes("已采纳"), ac.slice(0, 300));

    // ---- the household looks
    await hh.goto(`${base}/passbook`);
    const pb = await hh.page.textContent("main");
    check(`m-070 ${label} the passbook shows the month`, pb.includes(day(12)) || pb.includes(day(20)),
          pb.slice(0, 300));
  } catch (e) {
    check(`m-999 ${label} ran through`, false, e.stack);
  } finally {
    if (failed) {
      mkdirSync(artifacts, { recursive: true });
      for (let i = 0; i < pages.length; i++)
        await pages[i].screenshot({ path: path.join(artifacts, `month-${label}-${i}.png`), fullPage: true })
          .catch(() => {});
    }
    await browser.close();
    server.kill("SIGTERM");
    rmSync(t.dir, { recursive: true, force: true });
  }
}

await run(390, 844, WECHAT, true);
await run(1366, 768, undefined, false);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
