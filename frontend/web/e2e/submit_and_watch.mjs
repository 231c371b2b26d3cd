// Browser end-to-end check of the page, driven by playwright-core in Debian's headless
// chromium: submit a small job through the form (after a refused bad field) to a cluster with
// no worker yet, lose the server while the job waits (the page reconnects by itself), then let
// a worker in, lose the broker mid-way (the page says so; the job is resumed), reload mid-way
// without losing the picture, follow the live view to "succeeded",
// read the selected system and save a screenshot; then run a job on a user's model (a C model
// process the node offers) with systems from the form's grid, and FBKT and PASS jobs with
// parameters of their own. Exits non-zero with a message on failure.
// The script asks the test harness for the server restart and the worker by creating files in
// CONTROL_DIR: "restart-web" (the harness restarts simsel-web on the same port) and
// "start-node" (the harness starts simsel-node), "restart-broker" (the harness kill -9s the
// broker and starts it again 4 s later).
// usage: node submit_and_watch.mjs BASE_URL SCREENSHOT.png CONTROL_DIR
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [baseUrl, screenshot, controlDir] = process.argv.slice(2);
if (!baseUrl || !screenshot || !controlDir) {
  console.error("usage: node submit_and_watch.mjs BASE_URL SCREENSHOT.png CONTROL_DIR");
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const ask = (request) => writeFileSync(join(controlDir, request), "");
// In the page: is the live view's connection "live" or "lost"?
const connectionIs = (wanted) => document.querySelector('[data-testid="connection"]')?.dataset.state === wanted;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20000);
  await page.goto(`${baseUrl}/#/submit`);
  await page.waitForSelector("#job-form");

  // The form: ten normal systems, means 0, -0.002, ..., -0.018 (system 0 is the best), KN with
  // delta 0.002: about 6 million replications, a few seconds on two threads. With seed 11 KN
  // selects system 0 (a job's answer depends only on its seed).
  await page.selectOption("#model", "normal");
  await page.selectOption("#procedure", "kn");
  await page.selectOption("#generator", "configuration");
  await page.fill("#f-gen-k", "10");
  await page.selectOption("#f-gen-means", "monotone");
  await page.fill("#f-gen-delta", "0.002");
  await page.selectOption("#f-gen-variances", "equal");
  await page.fill("#f-field-seed", "11");

  // A bad field is refused in the page, next to the field, and nothing is sent.
  await page.fill("#f-field-delta", "-1");
  await page.click("#submit-job");
  const deltaError = await page.textContent('[data-error-for="field:delta"]');
  check(/must be > 0/.test(deltaError), `no error next to delta: "${deltaError}"`);
  check(/#\/submit$/.test(page.url()), "a bad form was submitted");

  await page.fill("#f-field-delta", "0.002");
  await page.click("#submit-job");
  await page.waitForURL(/#\/jobs\/\d+$/);
  const jobId = Number(/#\/jobs\/(\d+)$/.exec(page.url())[1]);

  // No worker yet: the job waits, and the banner says for what.
  await page.waitForFunction(() => /^KN waiting for a worker that offers model 'normal'/.test(document.querySelector('[data-testid="stage-banner"]')?.textContent || ""));
  await page.waitForFunction(connectionIs, "live");

  // The server goes away and comes back: the page shows the loss, then resumes by itself.
  ask("restart-web");
  await page.waitForFunction(connectionIs, "lost");
  await page.waitForFunction(connectionIs, "live", { timeout: 30000 });

  // A worker comes: the job runs. A reload keeps the picture (the survivors series still starts
  // with the points seen while the job waited) and the stream resumes.
  ask("start-node");
  await page.waitForFunction(() => /^KN (first stage|screening|done)/.test(document.querySelector('[data-testid="stage-banner"]')?.textContent || ""));

  // The broker dies (kill -9) while the job runs and comes back 4 s later: simsel-web tells the
  // page, which shows it, and the job, resumed by the new broker, goes on (to the same answer,
  // checked below).
  ask("restart-broker");
  await page.waitForFunction(() => /broker unreachable; reconnecting/.test(document.querySelector('[data-testid="connection"]')?.textContent || ""),
    null, { timeout: 20000 });
  await page.waitForFunction(connectionIs, "live", { timeout: 30000 });
  await page.reload();
  const savedKey = `simsel.job.${jobId}`;
  const firstSecond = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).series.seconds[0], savedKey);
  check(Number.isFinite(firstSecond), "no saved picture after the reload");
  await page.waitForFunction(() => document.querySelector('[data-testid="job-state"]')?.textContent === "succeeded",
    null, { timeout: 60000 });
  const series = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).series, savedKey);
  check(series.seconds[0] === firstSecond, `the picture restarted after the reload (${series.seconds[0]} != ${firstSecond})`);
  check(series.survivors[series.survivors.length - 1] === 1, `survivors series ends at ${series.survivors.at(-1)}`);

  const selected = (await page.textContent('[data-testid="selected-index"]')).trim();
  const guarantee = await page.textContent('[data-testid="guarantee"]');
  const params = await page.textContent('[data-testid="selected-params"]');
  check(selected === "#0", `job ${jobId} selected ${selected}, not #0`);
  check(/mu=0, sigma=1/.test(params), `selected parameters "${params}"`);
  check(/probability at least 95%, its mean is within 0.002 of the best/.test(guarantee), `guarantee "${guarantee}"`);
  const leaders = await page.$$eval('[data-testid="leaders"] tr', (rows) => rows.length);
  check(leaders >= 2, "no leaders table rows");
  const csvLink = await page.getAttribute('a[download$="results.csv"]', "href");
  check(csvLink === `/api/jobs/${jobId}/result.csv`, `CSV link ${csvLink}`);
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvLink);
  check(/^system,mu,sigma,replications,mean,stddev,selected/.test(csv), `CSV download: ${csv.slice(0, 200)}`);
  await page.screenshot({ path: screenshot, fullPage: true });

  // The jobs list shows the job as succeeded; the example-job button runs a job in one click.
  await page.goto(`${baseUrl}/#/jobs`);
  await page.waitForSelector(`#jobs-table tr[data-job-id="${jobId}"] .state-succeeded`);
  await page.goto(`${baseUrl}/#/submit`);
  await page.click("#example-job");
  await page.waitForURL((url) => /#\/jobs\/\d+$/.test(url.hash) && !url.hash.endsWith(`/${jobId}`));
  await page.waitForFunction(() => document.querySelector('[data-testid="job-state"]')?.textContent === "succeeded");
  const example = (await page.textContent('[data-testid="selected-index"]')).trim();
  check(example === "#0", `the example job selected ${example}, not #0`);

  // A user's model (normal_c, a C model process the node's config offers) is in the model list
  // once its node is up; its systems come from a grid over its parameters: mu 0, 0.5, 1 with
  // sigma 1. The largest mean, mu = 1, is selected.
  await page.goto(`${baseUrl}/#/jobs`);
  await page.goto(`${baseUrl}/#/submit`);
  await page.waitForSelector('#model option[value="normal_c"]', { state: "attached" });
  const label = await page.textContent('#model option[value="normal_c"]');
  check(label === "normal_c (process)", `model option "${label}"`);
  await page.selectOption("#model", "normal_c");
  await page.selectOption("#procedure", "kn");
  await page.selectOption("#generator", "grid");
  await page.fill("#grid-mu-min", "0");
  await page.fill("#grid-mu-max", "1");
  await page.click("#submit-job");
  const stepError = await page.textContent('[data-error-for="grid:mu"]');
  check(stepError === "give a step for a range of numbers", `no grid error next to mu: "${stepError}"`);
  await page.fill("#grid-mu-step", "0.5");
  await page.fill("#grid-sigma-min", "1");
  await page.fill("#f-field-delta", "0.2");
  await page.click("#submit-job");
  await page.waitForURL((url) => /#\/jobs\/\d+$/.test(url.hash) && !url.hash.endsWith(`/${jobId}`));
  await page.waitForFunction(() => document.querySelector('[data-testid="job-state"]')?.textContent === "succeeded");
  const ownParams = await page.textContent('[data-testid="selected-params"]');
  check(/mu=1, sigma=1/.test(ownParams), `normal_c selected "${ownParams}"`);

  // FBKT and PASS through the form, with parameters of their own (the form's fields come from
  // each procedure's description): ten normal systems, system 0 better than the others by 0.5;
  // with seed 11 both select it.
  const ownProcedures = [
    ["fbkt", { budget: "10000", groups: "2" }, /budget/i],
    ["pass", { batch: "20", n_max: "400" }, /false-elimination rate/],
  ];
  for (const [procedure, params, words] of ownProcedures) {
    await page.goto(`${baseUrl}/#/jobs`);
    await page.goto(`${baseUrl}/#/submit`);
    await page.selectOption("#model", "normal");
    await page.selectOption("#procedure", procedure);
    await page.selectOption("#generator", "configuration");
    await page.fill("#f-gen-k", "10");
    await page.selectOption("#f-gen-means", "slippage");
    await page.fill("#f-gen-delta", "0.5");
    await page.selectOption("#f-gen-variances", "equal");
    await page.fill("#f-field-seed", "11");  // a job's answer depends only on its seed
    for (const [name, value] of Object.entries(params)) await page.fill(`#f-param-${name}`, value);
    await page.click("#submit-job");
    await page.waitForURL((url) => /#\/jobs\/\d+$/.test(url.hash));
    await page.waitForFunction(() => document.querySelector('[data-testid="job-state"]')?.textContent === "succeeded");
    const chosen = (await page.textContent('[data-testid="selected-index"]')).trim();
    const statement = await page.textContent('[data-testid="guarantee"]');
    check(chosen === "#0", `${procedure} selected ${chosen}, not #0`);
    check(words.test(statement), `${procedure}'s guarantee: "${statement}"`);
  }
  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join("; ")}`);
  console.log(`page end-to-end: job ${jobId} succeeded, selected ${selected}; screenshot ${screenshot}`);
} finally {
  await browser.close();
}
