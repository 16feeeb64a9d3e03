// tests/e2e/standard.mjs — the village's standard (积分标准) as a villager reads it on a phone
// (issue 15 item 6: it was seven columns, one character per line), in headless Chromium
// (/usr/bin/chromium through playwright-core) at 390×844 with WeChat's user agent:
//   s-010  no horizontal scroll: the page is no wider than the viewport, in normal and 长辈模式
//   s-020  one heading per category, in the order of the standard's CSV, each above its items
//   s-030  every item of the CSV is there, its name in type ≥ 20 px (≥ 24 px in 长辈模式), its
//          points ≥ 28 px beside it on the same line, right of the name, inside the viewport
//   s-040  the rest of an item (code, caps, veto, evidence) is named ("每月上限：10"), no text
//          of the table under 16 px, and a cap not set (—) or an empty mark is not shown
//   s-050  at 1366×768 it stays a table with its header row (the committee's PC)
// A failure's screenshot goes to build/e2e-artifacts/standard-*.png.
// Run: JIFEN_BIN=build/jifen node tests/e2e/standard.mjs  (ctest runs it)
import { rmSync } from "node:fs";
import path from "node:path";
import { WECHAT_UA, artDir, browser as launch, checks, database, serve } from "./lib/harness.mjs";

const t = database("jifen-e2e-std-");
const { check, done } = checks();
t.jifen("init", "--demo");
const { server, base } = await serve(t);
const browser = await launch();

// The standard in force as its CSV says it (the download link of the page): [{category, code,
// name, points, capm (每月上限)}] in order.  The demo's names have no commas or quotes.
async function standardCsv(page) {
  const href = await page.getAttribute("a[href$='/csv']", "href");
  const text = await (await page.request.get(base + href)).text();
  const [head, ...rows] = text.replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  const cols = head.split(",");
  const at = (names) => cols.findIndex((c) => names.includes(c));
  const ix = { category: at(["category", "类别"]), code: at(["code", "项目编号"]),
               name: at(["name", "项目名称"]), points: at(["points", "分值"]),
               capm: at(["cap_month", "每月上限"]) };
  return rows.map((r) => r.split(",")).map((f) => ({ category: f[ix.category], code: f[ix.code],
    name: f[ix.name], points: Number(f[ix.points]), capm: f[ix.capm] || "" }));
}

// What the page shows of each item and heading, measured in the browser.
async function measure(page) {
  return page.evaluate(() => {
    const px = (el) => parseFloat(getComputedStyle(el).fontSize);
    const box = (el) => { const b = el.getBoundingClientRect(); return { l: b.left, r: b.right, t: b.top, b: b.bottom }; };
    const heads = [...document.querySelectorAll("h2.category")].map((h) => ({ text: h.textContent.trim(),
      top: h.getBoundingClientRect().top + scrollY, visible: h.getBoundingClientRect().height > 0 }));
    const rows = [...document.querySelectorAll("table.standard tbody tr")].map((tr) => {
      const cell = (c) => tr.querySelector("td." + c);
      const shown = [...tr.querySelectorAll("td")].filter((td) => getComputedStyle(td).display !== "none");
      return {
        category: tr.closest("table").previousElementSibling.textContent.trim(),
        top: tr.getBoundingClientRect().top + scrollY,
        code: cell("code").textContent.trim(), name: cell("item").textContent.trim(),
        points: cell("pts").textContent.trim(), namePx: px(cell("item")), ptsPx: px(cell("pts")),
        nameBox: box(cell("item")), ptsBox: box(cell("pts")),
        smallest: Math.min(...shown.map(px)),
        shown: shown.map((td) => td.innerText.trim()),
        labels: shown.filter((td) => !td.matches(".item, .pts")).map((td) => getComputedStyle(td, "::before").content),
      };
    });
    return { heads, rows, width: document.documentElement.scrollWidth, vw: innerWidth,
             thead: [...document.querySelectorAll("table.standard thead")].some((t) => getComputedStyle(t).display !== "none") };
  });
}

async function phone(elder) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, userAgent: WECHAT_UA,
    isMobile: true, hasTouch: true, locale: "zh-CN" });
  if (elder) await ctx.addCookies([{ name: "jifen_elder", value: "1", url: base }]);
  const page = await ctx.newPage();
  await page.goto(base + "/v/zhangma/standard");
  return { ctx, page };
}

try {
  for (const elder of [false, true]) {
    const tag = elder ? " (长辈模式)" : "";
    const { ctx, page } = await phone(elder);
    const want = await standardCsv(page);
    const m = await measure(page);
    let ok = check(`s-010 no horizontal scroll at 390 px${tag}`, m.width <= m.vw, `scrollWidth ${m.width} > ${m.vw}`);
    const cats = [...new Set(want.map((w) => w.category))];
    ok &= check(`s-020 one heading per category in order${tag}`,
      JSON.stringify(m.heads.map((h) => h.text)) === JSON.stringify(cats) && m.heads.every((h) => h.visible),
      `${JSON.stringify(m.heads.map((h) => h.text))} vs ${JSON.stringify(cats)}`);
    const headTop = Object.fromEntries(m.heads.map((h) => [h.text, h.top]));
    ok &= check(`s-020 items under their heading${tag}`,
      m.rows.every((r) => headTop[r.category] < r.top), "a row above its heading");
    const byCode = Object.fromEntries(m.rows.map((r) => [r.code, r]));
    const minName = elder ? 24 : 20;
    const bad = [];
    for (const w of want) {
      const r = byCode[w.code];
      if (!r) { bad.push(`${w.code} missing`); continue; }
      const sign = w.points > 0 ? "+" : "";
      if (r.name !== w.name || r.points !== `${sign}${w.points}` || r.category !== w.category)
        bad.push(`${w.code}: ${r.name} ${r.points} ${r.category}`);
      if (r.namePx < minName) bad.push(`${w.code} name ${r.namePx}px`);
      if (r.ptsPx < 28) bad.push(`${w.code} points ${r.ptsPx}px`);
      // beside the name: to its right, starting on its first line, within the screen
      if (r.ptsBox.l < r.nameBox.r - 1 || r.ptsBox.t > r.nameBox.t + r.namePx || r.ptsBox.r > m.vw)
        bad.push(`${w.code} points not beside the name ${JSON.stringify([r.nameBox, r.ptsBox])}`);
    }
    ok &= check(`s-030 every item, large, its points beside it${tag}`, !bad.length && m.rows.length === want.length,
      `${m.rows.length}/${want.length} ${bad.slice(0, 5).join("; ")}`);
    const unnamed = m.rows.filter((r) => r.labels.some((l) => !/：/.test(l)));
    const small = m.rows.filter((r) => r.smallest < 16);
    const dashes = m.rows.filter((r) => r.shown.some((t) => t === "—" || t === ""));
    const capped = want.find((w) => w.capm);
    ok &= check(`s-040 the rest named, ≥ 16 px, nothing empty shown${tag}`,
      !unnamed.length && !small.length && !dashes.length && m.rows.some((r) => r.labels.length) &&
      (!capped || byCode[capped.code].shown.some((t) => t === capped.capm)),
      `unnamed ${unnamed.map((r) => r.code)} small ${small.map((r) => r.code + ":" + r.smallest)} ` +
      `empty ${dashes.map((r) => r.code + JSON.stringify(r.shown))}`);
    if (!ok) await page.screenshot({ path: path.join(artDir, `standard-phone${elder ? "-elder" : ""}.png`), fullPage: true });
    await ctx.close();
  }
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const page = await ctx.newPage();
  await page.goto(base + "/v/zhangma/standard");
  const m = await measure(page);
  if (!check("s-050 a table with its header row at 1366 px", m.thead && m.width <= m.vw &&
             m.rows.every((r) => Math.abs(r.ptsBox.t - r.nameBox.t) < 8), `thead ${m.thead} width ${m.width}`))
    await page.screenshot({ path: path.join(artDir, "standard-desktop.png"), fullPage: true });
  await ctx.close();
} catch (e) {
  check("no exception", false, e.stack || e);
} finally {
  await browser.close();
  server.kill();
  rmSync(t.dir, { recursive: true, force: true });
}
done();
