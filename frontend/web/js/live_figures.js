// Live figures of one job document: the fraction of the current stage done and confidence
// intervals of the leaders' means. Mirrors tools/cli/live_figures.cpp (the CLI's and
// simsel-mon's figures) so the page and the terminal agree. Pure functions.

import { isFinal } from "./format.js";

// Fraction of the current stage done, or null when the document cannot tell: 1 once ended;
// completed rounds over rounds when the stage is bounded; replications over n0 x systems in
// the first stage. A sequential procedure has no planned total, so nothing else is claimed.
export function stageFraction(job) {
  if (isFinal(job.state)) return 1;
  const progress = job.progress || {};
  if (progress.rounds > 0) {
    const round = Math.max(progress.round || 0, 1);
    return Math.min(1, (round - 1) / progress.rounds);
  }
  const firstStage = (job.n0 || 0) * (job.systems || 0);
  if (progress.stage === "first stage" && firstStage > 0)
    return Math.min(1, (job.total_replications || 0) / firstStage);
  return null;
}

// Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
  2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06,
  2.056, 2.052, 2.048, 2.045, 2.042];

export function t975(degreesOfFreedom) {
  if (degreesOfFreedom < 1) return null;
  if (degreesOfFreedom <= 30) return T975[degreesOfFreedom - 1];
  const z = 1.959964;  // Cornish-Fisher: z + (z^3 + z) / (4 df)
  return z + (z ** 3 + z) / (4 * degreesOfFreedom);
}

// 95% confidence interval of a system's mean from {mean, stddev, replications}; null with
// fewer than two replications.
export function confidenceInterval(estimate) {
  const n = estimate.replications || 0;
  if (n < 2 || !Number.isFinite(estimate.stddev)) return null;
  const half = t975(n - 1) * estimate.stddev / Math.sqrt(n);
  return { low: estimate.mean - half, high: estimate.mean + half, half };
}
