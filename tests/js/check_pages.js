// Open each page in the system's headless Chromium (puppeteer-core downloads no browser) at
// each width and colour scheme; run axe-core (WCAG 2.x A and AA rules) on it, write a
// full-page screenshot, and print one JSON line per page and width with what the test checks:
// axe's violations, requests to other hosts, horizontal overflow, the page's size and a few
// DOM facts.
//
// usage: node check_pages.js CHROMIUM OUT_DIR WIDTHS(390,1280) SCHEMES(light,dark) URL...
const path = require("path");
const puppeteer = require("puppeteer-core");

const AXE = require.resolve("axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

function facts() {
  const all = (sel) => Array.from(document.querySelectorAll(sel));
  return {
    title: document.title,
    h1: (document.querySelector("h1") || {}).textContent || "",
    cards: all("article.card").length,
    cardTitles: all("article.card h2 a").map((a) => a.textContent),
    coverage: all("article.card details.coverage summary").map((s) => s.textContent),
    members: all("ol.members li, ul.members li").length,
    times: all("time").map((t) => ({ datetime: t.getAttribute("datetime"), title: t.title, text: t.textContent })),
    svgs: all("svg[role=img]").map((s) => ({
      cls: s.getAttribute("class"),
      label: s.getAttribute("aria-label"),
      circles: s.querySelectorAll("circle").length,
      rects: s.querySelectorAll("rect").length,
      polylines: s.querySelectorAll("polyline").length,
      width: s.getBoundingClientRect().width,
    })),
    pager: all("nav.pager a").map((a) => ({ rel: a.rel, href: a.href })),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}

async function check(browser, url, width, scheme, outDir, index) {
  const page = await browser.newPage();
  const origin = new URL(url).origin;
  const foreign = [];
  let bytes = 0;
  page.on("request", (req) => {
    if (!req.url().startsWith(origin) && !req.url().startsWith("data:")) foreign.push(req.url());
  });
  page.on("response", async (res) => {
    if (res.url() === url) bytes = (await res.buffer()).length;
  });
  await page.setViewport({ width, height: 900 });
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  await page.goto(url, { waitUntil: "load" });
  await page.addScriptTag({ path: AXE });
  const axe = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.html + " :: " + n.failureSummary),
    }));
  }, TAGS);
  const shot = path.join(outDir, `page${index}-${width}-${scheme}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  const dom = await page.evaluate(facts);
  await page.close();
  return { url, width, scheme, axe, foreign, bytes, screenshot: shot, dom };
}

async function main() {
  const [chromium, outDir, widths, schemes, ...urls] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    let index = 0;
    for (const url of urls) {
      index += 1;
      for (const width of widths.split(",").map(Number)) {
        for (const scheme of schemes.split(",")) {
          console.log(JSON.stringify(await check(browser, url, width, scheme, outDir, index)));
        }
      }
    }
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
