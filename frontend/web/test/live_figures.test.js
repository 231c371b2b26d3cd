// Tests of js/live_figures.js: the stage fraction and the leaders' confidence intervals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { confidenceInterval, stageFraction, t975 } from "../js/live_figures.js";

test("the first stage's fraction is replications over n0 x systems", () => {
  const job = { state: "running", n0: 20, systems: 10, total_replications: 50, progress: { stage: "first stage" } };
  assert.equal(stageFraction(job), 0.25);
});

test("a bounded stage counts completed rounds; an unbounded one is unknown", () => {
  assert.equal(stageFraction({ state: "running", progress: { stage: "screening", round: 3, rounds: 10 } }), 0.2);
  assert.equal(stageFraction({ state: "running", progress: { stage: "screening", round: 3, rounds: 0 } }), null);
  assert.equal(stageFraction({ state: "succeeded", progress: { stage: "done" } }), 1);
});

test("t quantiles match the table and approach the normal", () => {
  assert.equal(t975(1), 12.706);
  assert.equal(t975(30), 2.042);
  assert.ok(Math.abs(t975(1000) - 1.962) < 0.001);
  assert.equal(t975(0), null);
});

test("confidence interval of a mean: t x s / sqrt(n) each side", () => {
  const ci = confidenceInterval({ mean: 1, stddev: 2, replications: 4 });
  assert.ok(Math.abs(ci.half - 3.182) < 1e-9);
  assert.ok(Math.abs(ci.low - (1 - 3.182)) < 1e-9);
  assert.equal(confidenceInterval({ mean: 1, stddev: 0, replications: 1 }), null);
});
