// Tests of js/format.js: counts, durations, the stage banner, the guarantee in words.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCount, formatDuration, formatNumber, guaranteeWords, stageBanner, formatParams } from "../js/format.js";

test("counts use thousands separators and a dash when unknown", () => {
  assert.equal(formatCount(1234567), "1,234,567");
  assert.equal(formatCount(null), "–");
});

test("numbers keep significant digits and switch to exponents only at extremes", () => {
  assert.equal(formatNumber(0.123456, 3), "0.123");
  assert.equal(formatNumber(-2.5), "-2.5");
  assert.equal(formatNumber(12345678, 3), "1.23e+7");
  assert.equal(formatNumber(NaN), "–");
});

test("durations read as seconds, minutes or hours", () => {
  assert.equal(formatDuration(4.25), "4.3 s");
  assert.equal(formatDuration(185), "3 min 05 s");
  assert.equal(formatDuration(7380), "2 h 03 min");
  assert.equal(formatDuration(null), "–");
});

test("the stage banner names procedure, stage and round of rounds", () => {
  const job = { procedure: "gsp", state: "running", progress: { stage: "screening", round: 3, rounds: 10 } };
  assert.equal(stageBanner(job), "GSP screening round 3 of 10");
  assert.equal(stageBanner({ procedure: "kn", state: "running", progress: { stage: "screening", round: 4, rounds: 0 } }),
    "KN screening round 4");
  assert.equal(stageBanner({ procedure: "ocba", state: "running", progress: { stage: "allocation round 2", round: 2, rounds: 0 } }),
    "OCBA allocation round 2");
  assert.equal(stageBanner({ procedure: "kn", state: "failed", error: "limits.max_replications reached" }),
    "KN failed: limits.max_replications reached");
  assert.equal(stageBanner({ procedure: "kn", state: "queued" }), "KN queued, waiting for workers");
  assert.equal(stageBanner({ procedure: "kt", state: "stopped", progress: { stage: "knockout", round: 2 } }), "KT stopped early");
  assert.equal(stageBanner({ procedure: "kn", state: "running", paused: true, progress: { stage: "screening" } }), "KN paused by a user");
  assert.equal(stageBanner({ procedure: "kn", state: "queued", waiting: "waiting for a worker that offers model 'mm1'" }),
    "KN waiting for a worker that offers model 'mm1'");
  assert.equal(stageBanner({ procedure: "kn", state: "running", progress: { stage: "screening" }, waiting: "waiting for a worker that offers model 'mm1'" }),
    "KN waiting for a worker that offers model 'mm1'");
});

test("the guarantee is a sentence; fixed-budget procedures say there is none", () => {
  assert.equal(guaranteeWords({ guarantee: "with probability at least 95%, its mean is within 0.1 of the best" }),
    "With probability at least 95%, its mean is within 0.1 of the best.");
  assert.equal(guaranteeWords({ alpha: 0.05, delta: 0.25 }),
    "With probability at least 95%, its mean is within 0.25 of the best.");
  const fixed = guaranteeWords({ guarantee: "fixed budget of 1500 replications: no probability-of-correct-selection guarantee" });
  assert.match(fixed, /^No indifference-zone guarantee: fixed budget of 1500 replications/);
});

test("parameters print as name=value pairs", () => {
  assert.equal(formatParams({ mu: 0.1, sigma: 1 }), "mu=0.1, sigma=1");
});
