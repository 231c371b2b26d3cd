// The live picture of one job, folded from its events: the latest job document, the series
// over time (survivors, replications per second), eliminations per stage, the time left in
// the stage, and the last event id to resume the stream from. A pure reducer: the page keeps
// the state in sessionStorage so a reload or a lost connection loses nothing.

import { stageFraction } from "./live_figures.js";

const MAX_POINTS = 4000;  // per series; older points are thinned, never the newest

export function initialState(jobId) {
  return {
    jobId, job: null, lastEventId: null, lastSeq: 0,
    series: { seconds: [], survivors: [], rate: [] },
    eliminations: [],  // [{stage, eliminated}] in the order the stages came
    stageStart: null,  // {stage, seconds, fraction}: where the current stage was first seen
    secondsLeft: null,
  };
}

// "screening round 3" (the stage with its round, when it has one).
export function stageKey(job) {
  const progress = job.progress || {};
  const stage = progress.stage || job.state || "";
  return progress.round > 0 && !/ round \d+$/.test(stage) ? `${stage} round ${progress.round}` : stage;
}

function thin(series) {
  if (series.seconds.length <= MAX_POINTS) return series;
  const keep = (_, i, all) => i % 2 === 0 || i === all.length - 1;
  return {
    seconds: series.seconds.filter(keep),
    survivors: series.survivors.filter(keep),
    rate: series.rate.filter(keep),
  };
}

function withPoint(series, job) {
  const seconds = job.wall_seconds || 0;
  const survivors = (job.progress || {}).survivors ?? job.systems ?? 0;
  const rate = job.replications_per_second || 0;
  const last = series.seconds.length - 1;
  if (last >= 0 && seconds <= series.seconds[last]) {  // same moment: the newer values win
    const replace = (values, value) => [...values.slice(0, last), value];
    return { seconds: series.seconds, survivors: replace(series.survivors, survivors),
      rate: replace(series.rate, rate) };
  }
  return thin({ seconds: [...series.seconds, seconds], survivors: [...series.survivors, survivors],
    rate: [...series.rate, rate] });
}

// Survivors that dropped since the previous document count for the current stage; those gone
// before the first document this view saw are counted as such (their stages are unknown).
function withEliminations(eliminations, previous, job) {
  const before = previous ? (previous.progress || {}).survivors : job.systems;
  const after = (job.progress || {}).survivors;
  if (!(before > after) || job.state === "succeeded") return eliminations;
  const stage = previous ? stageKey(job) : "before this view opened";
  const last = eliminations[eliminations.length - 1];
  if (last && last.stage === stage)
    return [...eliminations.slice(0, -1), { stage, eliminated: last.eliminated + before - after }];
  return [...eliminations, { stage, eliminated: before - after }];
}

// Time left in the current stage at its pace so far (wall_seconds is the clock).
function withStagePace(state, job) {
  const fraction = stageFraction(job);
  const stage = (job.progress || {}).stage || job.state;
  const seconds = job.wall_seconds || 0;
  if (fraction === null) return { stageStart: null, secondsLeft: null };
  if (fraction >= 1) return { stageStart: state.stageStart, secondsLeft: 0 };
  const start = state.stageStart && state.stageStart.stage === stage
    ? state.stageStart : { stage, seconds, fraction };
  const gained = fraction - start.fraction, spent = seconds - start.seconds;
  return { stageStart: start, secondsLeft: gained > 0 && spent > 0 ? (1 - fraction) * spent / gained : null };
}

// Folds one event into the state. `event` is {type, id, data}: type "snapshot" or "stats"
// from the stream, or "document" for a job fetched with GET; data is the job document.
// Updates at or below the last seq seen are stale (a replay overlap) and only move the id; a
// snapshot is the current state whatever its seq (the broker may have restarted its counter).
export function reduce(state, event) {
  const job = event.data;
  const lastEventId = event.id ?? state.lastEventId;
  if (!job || job.job_id !== state.jobId) return { ...state, lastEventId };
  const stale = job.seq !== undefined && job.seq <= state.lastSeq && event.type !== "snapshot";
  if (stale) return { ...state, lastEventId };
  return {
    ...state,
    job,
    lastEventId,
    lastSeq: job.seq ?? state.lastSeq,
    series: withPoint(state.series, job),
    eliminations: withEliminations(state.eliminations, state.job, job),
    ...withStagePace(state, job),
  };
}

export function serialize(state) {
  return JSON.stringify(state);
}

// The state saved by serialize(), or a fresh one when `text` is missing or not for this job.
export function restore(text, jobId) {
  try {
    const state = JSON.parse(text);
    if (state && state.jobId === jobId && state.series) return state;
  } catch { /* fall through: nothing usable was saved */ }
  return initialState(jobId);
}
