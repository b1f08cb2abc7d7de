// Browser test of the dashboards (Playwright on Debian's Chromium): log in, see every
// dashboard with its charts drawn, filter with htmx, drill down to a traject, export a CSV,
// use the keyboard; a screenshot of each dashboard goes to the artefact directory.
//
//   node e2e.mjs BASE_URL SCREENSHOT_DIR
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

// axe-core, the accessibility engine, checks every page against WCAG 2.1 A and AA (contrast,
// labels, names, structure). It is evaluated through the DevTools protocol, which the page's
// CSP does not govern; the pages themselves load no script but their own.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
async function accessible(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ") + (n.failureSummary ? " (" + n.failureSummary.replace(/\s+/g, " ") + ")" : ""));
    problems.push(`${what}: WCAG ${v.id} (${v.impact}): ${v.help}; ${v.nodes.length}x, e.g. ${where.join(" | ")}`);
  }
  return result.passes.length;
}

const [base, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const fail = (msg) => { console.error("FAIL: " + msg); process.exit(1); };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const context = await browser.newContext({ acceptDownloads: true, locale: "nl-NL", viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const problems = [];
page.on("pageerror", (e) => problems.push("page error: " + e.message));
page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });

// Keyboard: the first Tab reaches the skip link on the login page.
await page.goto(base + "/login");
await page.keyboard.press("Tab");
if ((await page.evaluate(() => document.activeElement && document.activeElement.id)) !== "naam") {
  // The login page has no navigation; the first field is the first stop.
  fail("the first Tab on the login page does not reach the name field");
}
await accessible(page, "/login");
await page.fill("#naam", "haaglanden");
await page.fill("#wachtwoord", "demo-haaglanden-2026");
await page.click("form.inloggen button[type=submit]");
await page.waitForURL(base + "/");
await page.keyboard.press("Tab");
if ((await page.evaluate(() => document.activeElement && document.activeElement.className)) !== "skiplink") {
  fail("the first Tab on a dashboard does not reach the skip link");
}

const dashboards = ["/", "/retourberichten", "/doorlooptijden", "/termijnen", "/aanbieders", "/trajecten", "/datakwaliteit"];
for (const path of dashboards) {
  await page.goto(base + path);
  await page.waitForSelector("main h1");
  const charts = await page.locator(".grafiek").count();
  if (charts > 0) {
    await page.waitForSelector(".grafiek svg", { timeout: 10000 });
  }
  const name = path === "/" ? "overzicht" : path.slice(1);
  await page.screenshot({ path: join(out, name + ".png"), fullPage: true });
  const unlabeled = await page.evaluate(() =>
    [...document.querySelectorAll("main input, main select")].filter((el) => !el.labels || el.labels.length === 0).length);
  if (unlabeled > 0) fail(`${path}: ${unlabeled} form fields without a label`);
  if ((await accessible(page, path)) < 10) fail(`${path}: axe checked almost nothing`);
}

await page.goto(base + "/account");
await accessible(page, "/account");

// Filter with htmx: the URL holds the filter, the content changes, the page does not reload.
await page.goto(base + "/termijnen");
await page.evaluate(() => { window.__zelfde_pagina = true; });
const gemeente = await page.locator("#f-gemeente option").nth(1).getAttribute("value");
await page.selectOption("#f-gemeente", gemeente);
await page.click("form.filters button[type=submit]");
await page.waitForURL(new RegExp("gemeente=" + gemeente));
if (!(await page.evaluate(() => window.__zelfde_pagina === true))) fail("the filter reloaded the whole page");
await page.screenshot({ path: join(out, "termijnen-gefilterd.png"), fullPage: true });

// Click-to-filter: a click on a month of the trend narrows the period to that month.
await page.goto(base + "/");
await page.waitForSelector(".grafiek svg");
await page.locator(".grafiek").first().scrollIntoViewIfNeeded();
const chartBox = await page.locator(".grafiek").first().boundingBox();
const maand = await page.evaluate(() => {
  const el = document.querySelector(".grafiek");
  const chart = window.echarts.getInstanceByDom(el);
  const months = chart.getOption().xAxis[0].data;
  const m = months[months.length - 1];
  const x = chart.convertToPixel({ xAxisIndex: 0 }, m);
  const y = chart.convertToPixel({ yAxisIndex: 0 }, 50);
  return { m, x, y };
});
await page.mouse.click(chartBox.x + maand.x, chartBox.y + maand.y);
await page.waitForURL(new RegExp("van=" + maand.m + "-01"));

// Every other kind of chart filters too: a message type's bar (Retourberichten) and a
// retourcode's bar (Datakwaliteit) put their value in the filter and narrow the table.
async function clickBar(path, field) {
  await page.goto(base + path);
  await page.waitForSelector(".grafiek svg");
  await page.locator(".grafiek").first().scrollIntoViewIfNeeded();
  const box = await page.locator(".grafiek").first().boundingBox();
  const bar = await page.evaluate(() => {
    const chart = window.echarts.getInstanceByDom(document.querySelector(".grafiek"));
    const names = chart.getOption().xAxis[0].data;
    const name = names[0];
    const x = chart.convertToPixel({ xAxisIndex: 0 }, name);
    const y = chart.convertToPixel({ yAxisIndex: 0 }, 0) - 2;
    return { name, x, y, count: names.length };
  });
  if (bar.count < 2) fail(`${path}: the chart has ${bar.count} bars, too few to filter`);
  await page.mouse.click(box.x + bar.x, box.y + bar.y);
  await page.waitForURL(new RegExp(field + "=" + encodeURIComponent(bar.name)));
  const narrowed = await page
    .waitForFunction((name) => {
      const el = document.querySelector(".grafiek");
      const chart = el && window.echarts.getInstanceByDom(el);
      const left = chart ? chart.getOption().xAxis[0].data : [];
      return left.length === 1 && left[0] === name;
    }, bar.name, { timeout: 10000 })
    .then(() => true, () => false);
  if (!narrowed) fail(`${path}: after a click on ${bar.name} the chart does not show ${bar.name} alone`);
  await page.screenshot({ path: join(out, path.slice(1) + "-" + field + ".png"), fullPage: true });
}
await clickBar("/retourberichten", "bericht");
await clickBar("/datakwaliteit", "klasse");

// Export the first table as CSV for Dutch Excel.
await page.goto(base + "/termijnen");
const [download] = await Promise.all([page.waitForEvent("download"), page.locator("a[download]").first().click()]);
const csv = readFileSync(await download.path(), "utf8");
if (!csv.startsWith("\ufeffindicator;regel;")) fail("the CSV export does not start with a BOM and the header: " + csv.slice(0, 40));

// Drill down from the open lists to the timeline of one traject.
await page.goto(base + "/trajecten");
const link = page.locator("main table a", { hasText: "Bekijk" }).first();
if ((await link.count()) === 0) fail("no traject to drill down to");
await link.click();
await page.waitForSelector("ol.tijdlijn li");
await page.screenshot({ path: join(out, "traject.png"), fullPage: true });

if (problems.length > 0) fail(problems.join("\n"));
await browser.close();
console.log("ok: " + dashboards.length + " dashboards, filter, click-to-filter, export, drill-down");
