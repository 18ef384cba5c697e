// Loads pages of a built cme site in headless Chromium (Debian's /usr/bin/chromium), runs
// axe-core against WCAG 2.2 A and AA, checks the pages with JavaScript off too, and saves a
// screenshot of each. Exits 1 on any violation.
//
//   node axe.mjs SITE_DIR SCREENSHOT_DIR page.html [page.html ...]

import { chromium } from "playwright-core";
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [site, shots, ...pages] = process.argv.slice(2);
if (!site || !shots || pages.length === 0) {
  console.error("usage: node axe.mjs SITE_DIR SCREENSHOT_DIR page.html...");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failures = 0;
const external = [];
try {
  for (const js of [true, false]) {
    // bypassCSP lets axe's script in; the site's own CSP is tested by the Rust suite.
    const context = await browser.newContext({ javaScriptEnabled: js, bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on("request", (req) => {
      const url = req.url();
      if (!url.startsWith("file:") && !url.startsWith("data:")) external.push(url);
    });
    page.on("pageerror", (e) => {
      console.error(`script error: ${e.message}`);
      failures++;
    });
    for (const p of pages) {
      const url = pathToFileURL(resolve(join(site, p))).href;
      await page.goto(url, { waitUntil: "load" });
      const name = p.replace(/[\/.]/g, "_") + (js ? "" : "-nojs");
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
      if (!js) {
        const main = await page.locator("main").count();
        if (main !== 1) {
          console.error(`${p} (no JS): no main landmark`);
          failures++;
        }
        continue;
      }
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        return await axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        });
      });
      for (const v of result.violations) {
        failures++;
        console.error(`${p}: ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 5)) console.error(`    ${n.target.join(" ")}: ${n.failureSummary.split("\n").join(" ")}`);
      }
      console.log(`${p}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
    }
    await context.close();
  }
} catch (e) {
  await browser.close();
  throw e;
}
// Behaviour with the site's own Content-Security-Policy in force (no bypass): the scripts
// load from the site's own files, search finds a case, and sortable tables sort.
{
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    console.error(`script error: ${e.message}`);
    failures++;
  });
  if (pages.includes("search.html")) {
    const id = process.env.CME_SEARCH_FOR || "";
    await page.goto(pathToFileURL(resolve(join(site, "search.html"))).href + "?q=" + encodeURIComponent(id));
    const hits = await page.locator("[data-search-results] a").count();
    if (id && hits < 1) {
      console.error(`search for ${id} found nothing`);
      failures++;
    }
    console.log(`search for ${id}: ${hits} result(s)`);
  }
  const sortable = pages.find((p) => p.startsWith("queues/"));
  if (sortable) {
    await page.goto(pathToFileURL(resolve(join(site, sortable))).href);
    const buttons = page.locator("th button.cme-sort-button");
    if ((await buttons.count()) === 0) {
      console.error(`${sortable}: no sort buttons (did cme.js run under the CSP?)`);
      failures++;
    } else {
      await buttons.first().click();
      const sort = await page.locator("th").first().getAttribute("aria-sort");
      if (sort !== "ascending") {
        console.error(`${sortable}: sorting did not set aria-sort (${sort})`);
        failures++;
      }
      console.log(`${sortable}: sorts (${sort})`);
    }
  }
  await context.close();
}
await browser.close();

if (external.length) {
  console.error(`requests to other origins: ${external.join(", ")}`);
  failures++;
}
process.exit(failures ? 1 : 0);
