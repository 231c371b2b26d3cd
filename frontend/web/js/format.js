// Formatting for the page: numbers, durations, times, the stage banner and the guarantee in
// words. Pure functions of their arguments (no DOM, no clock), tested with `node --test`.

const FINAL_STATES = new Set(["succeeded", "failed", "cancelled", "stopped"]);

export function isFinal(state) {
  return FINAL_STATES.has(state);
}

// 1234567 -> "1,234,567"; null/undefined -> "–".
export function formatCount(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Math.round(value).toLocaleString("en-US");
}

// A mean or interval end with `digits` significant digits, never in exponent form for
// everyday magnitudes.
export function formatNumber(value, digits = 4) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-4))
    return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

// Seconds -> "4.2 s", "3 min 05 s", "2 h 03 min"; null -> "–".
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
}

// Unix seconds -> "2026-11-29 22:10:05" in the viewer's time zone.
export function formatTime(unixSeconds) {
  if (!unixSeconds) return "–";
  const d = new Date(unixSeconds * 1000);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// The stage in words: "KN screening round 3 of 10", "Rinott first stage", "OCBA done".
export function stageBanner(job) {
  const procedure = (job.procedure || "").toUpperCase();
  if (job.waiting && !isFinal(job.state)) return `${procedure} ${job.waiting}`;  // the broker's reason
  if (job.paused && !isFinal(job.state)) return `${procedure} paused by a user`;
  if (job.state === "queued") return `${procedure} queued, waiting for workers`;
  if (job.state === "failed") return `${procedure} failed: ${job.error || "unknown error"}`;
  if (job.state === "cancelled") return `${procedure} cancelled`;
  if (job.state === "stopped") return `${procedure} stopped early`;
  const progress = job.progress || {};
  let words = `${procedure} ${progress.stage || job.state || ""}`.trim();
  if (progress.round > 0 && !/ round \d+$/.test(words)) words += ` round ${progress.round}`;
  if (progress.round > 0 && progress.rounds > 0) words += ` of ${progress.rounds}`;
  return words;
}

// The selection's guarantee in words. The broker states it ("with probability at least 95%,
// its mean is within 0.1 of the best"; fixed-budget procedures: no such guarantee); this adds
// the subject and, when the broker said nothing, builds the statement from alpha and delta.
export function guaranteeWords(job) {
  const statement = job.guarantee ||
    `with probability at least ${formatNumber((1 - job.alpha) * 100, 6)}%, its mean is within ${formatNumber(job.delta, 6)} of the best`;
  if (/no probability-of-correct-selection guarantee/.test(statement))
    return `No indifference-zone guarantee: ${statement}.`;
  return `${statement.charAt(0).toUpperCase()}${statement.slice(1)}.`;
}

// {mu: 0.1, sigma: 1} -> "mu=0.1, sigma=1".
export function formatParams(params) {
  if (!params || typeof params !== "object") return "";
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join(", ");
}
