// Drives the cluster admin console (/admin) in Debian's chromium, headless:
// signs in with an admin token, waits for the live view of the cluster (every
// node, the full shard map, each node's actor tree), clicks "Drain" on one
// node, accepts the confirmation, and waits until the shard map shows that node
// holding no shard while the others hold all of them. Exits 0 on success; any
// failed expectation prints what it saw and exits 1.
//
//   node console_test.mjs --url http://127.0.0.1:PORT --token ADMIN_JWT --drain NODE_ID [--nodes 3]
import { chromium } from "playwright-core";

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback === undefined) throw new Error("missing --" + name);
  return fallback;
}

const url = arg("url");
const token = arg("token");
const drainNode = arg("drain");
const nodeCount = Number(arg("nodes", "3"));
const executablePath = process.env.HIREHUB_CHROMIUM || "/usr/bin/chromium";

function log(...xs) {
  console.log("[console-test]", ...xs);
}

async function shardOwners(page) {
  return page.$$eval(".shard", (cells) => cells.map((c) => c.getAttribute("data-owner")));
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failed = false;
let page = null;
try {
  page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
  page.on("dialog", (d) => {
    log("dialog:", d.message());
    d.accept();
  });

  const res = await page.goto(url + "/admin");
  if (!res || res.status() !== 200) throw new Error("GET /admin answered " + (res && res.status()));
  if (!(await page.isVisible("#login"))) throw new Error("the sign-in form is not shown to a visitor");

  // A non-admin token is refused by the page itself.
  await page.fill("#token", "not-a-token");
  await page.click("#login-token button");
  await page.waitForSelector("#login-error:has-text('not an access token')", { timeout: 5000 });

  await page.fill("#token", token);
  await page.click("#login-token button");
  await page.waitForSelector("#status:has-text('live')", { timeout: 15000 });

  // Every node, the full shard map with one owner per node, and each node's actor tree.
  await page.waitForFunction((n) => document.querySelectorAll("#nodes tbody tr[data-status=active]").length === n,
                             nodeCount, { timeout: 20000 });
  // Every node holds shards (a node may be re-granted some while the page loads on a busy machine).
  await page.waitForFunction((n) => {
    const cells = [...document.querySelectorAll(".shard")];
    return cells.length === 64 && new Set(cells.map((c) => c.getAttribute("data-owner")).filter((o) => o)).size === n;
  }, nodeCount, { timeout: 30000 });
  let owners = await shardOwners(page);
  const distinct = new Set(owners.filter((o) => o));
  if (distinct.size !== nodeCount) throw new Error("shard owners before the drain: " + [...distinct].join(","));
  if (!owners.includes(drainNode)) throw new Error(drainNode + " owns no shard before the drain");
  log("shards before:", [...distinct].map((o) => o + "=" + owners.filter((x) => x === o).length).join(" "));

  const tabs = await page.$$eval("#tabs button", (bs) => bs.map((b) => b.getAttribute("data-tab")));
  if (tabs.length !== nodeCount) throw new Error("actor tree tabs: " + tabs.join(","));
  await page.click(`#tabs button[data-tab="${drainNode}"]`);
  await page.waitForSelector('#tree tr[data-actor="registry"]', { timeout: 10000 });
  for (const name of ["node", "persistence", "journal", "hub", "registry", "ingress", "membership"])
    if (!(await page.$(`#tree tr[data-actor="${name}"]`))) throw new Error("the actor tree has no " + name);
  log("actor tree of", drainNode, "shows", await page.$$eval("#tree tbody tr", (r) => r.length), "rows");

  // Drain by clicking; the confirmation is accepted above.
  await page.click(`#nodes tr[data-node="${drainNode}"] button[data-action=drain]`);
  await page.waitForSelector(`#nodes tr[data-node="${drainNode}"][data-status=draining]`, { timeout: 10000 });
  log(drainNode, "is draining");
  await page.waitForFunction((node) => {
    const cells = [...document.querySelectorAll(".shard")];
    return cells.length === 64 && cells.every((c) => c.getAttribute("data-owner") && c.getAttribute("data-owner") !== node);
  }, drainNode, { timeout: 30000 });
  owners = await shardOwners(page);
  const after = new Set(owners);
  log("shards after:", [...after].map((o) => o + "=" + owners.filter((x) => x === o).length).join(" "));
  if (after.has(drainNode) || after.size !== nodeCount - 1) throw new Error("owners after the drain: " + [...after]);
  const count = await page.textContent(`#nodes tr[data-node="${drainNode}"] .shards-count`);
  if (count.trim() !== "0") throw new Error("the nodes table still shows " + count + " shards for " + drainNode);
  if (pageErrors.length) throw new Error("errors in the page: " + pageErrors.join(" | "));
  if (process.env.HIREHUB_CONSOLE_SCREENSHOT) {
    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.screenshot({ path: process.env.HIREHUB_CONSOLE_SCREENSHOT, fullPage: true });
  }
  log("ok");
} catch (e) {
  failed = true;
  console.error("[console-test] FAILED:", e.message);
  if (page) {
    // What the page showed, for the log.
    const seen = await page.evaluate(() => ({
      status: document.querySelector("#status")?.textContent,
      nodes: [...document.querySelectorAll("#nodes tbody tr")].map((r) => r.textContent),
      shards: document.querySelector("#shards-summary")?.textContent,
      log: [...document.querySelectorAll("#log div")].map((d) => d.textContent),
    })).catch(() => null);
    console.error("[console-test] the page showed:", JSON.stringify(seen));
    if (process.env.HIREHUB_CONSOLE_SCREENSHOT)
      await page.screenshot({ path: process.env.HIREHUB_CONSOLE_SCREENSHOT, fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
