// Tests of js/job_state.js: folding events into the live picture, stale updates, eliminations
// per stage, the time left, and restoring after a reload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { initialState, reduce, restore, serialize } from "../js/job_state.js";

const doc = (seq, wall, stage, survivors, extra = {}) => ({
  job_id: 7, state: "running", procedure: "kn", systems: 10, n0: 20, seq, wall_seconds: wall,
  total_replications: 0, replications_per_second: 100 * wall, progress: { stage, round: 0, rounds: 0, survivors },
  ...extra,
});

test("events fold into series, last id and seq; stale updates only move the id", () => {
  let state = initialState(7);
  state = reduce(state, { type: "snapshot", id: 10, data: doc(5, 1, "first stage", 10) });
  state = reduce(state, { type: "stats", id: 11, data: doc(6, 2, "screening", 8) });
  state = reduce(state, { type: "stats", id: 12, data: doc(6, 2.5, "screening", 1) });  // replayed seq
  assert.deepEqual(state.series.seconds, [1, 2]);
  assert.deepEqual(state.series.survivors, [10, 8]);
  assert.equal(state.lastEventId, 12);
  assert.equal(state.lastSeq, 6);
  assert.equal(state.job.progress.survivors, 8);
});

test("a snapshot is taken whatever its seq (a restarted counter)", () => {
  let state = reduce(initialState(7), { type: "stats", id: 20, data: doc(50, 4, "screening", 6) });
  state = reduce(state, { type: "snapshot", id: 21, data: doc(3, 5, "screening", 5) });
  assert.equal(state.lastSeq, 3);
  assert.equal(state.job.progress.survivors, 5);
  state = reduce(state, { type: "stats", id: 22, data: doc(4, 6, "screening", 4) });
  assert.equal(state.job.progress.survivors, 4);
});

test("another job's documents are ignored", () => {
  const state = reduce(initialState(7), { type: "stats", id: 3, data: { ...doc(1, 1, "first stage", 10), job_id: 8 } });
  assert.equal(state.job, null);
});

test("eliminations are counted per stage and round", () => {
  let state = initialState(7);
  const round = (seq, r, survivors) => ({ ...doc(seq, seq, "screening", survivors), progress: { stage: "screening", round: r, rounds: 0, survivors } });
  state = reduce(state, { id: 1, data: doc(1, 1, "first stage", 10) });
  state = reduce(state, { id: 2, data: round(2, 1, 7) });
  state = reduce(state, { id: 3, data: round(3, 1, 6) });
  state = reduce(state, { id: 4, data: round(4, 2, 6) });
  state = reduce(state, { id: 5, data: round(5, 3, 2) });
  assert.deepEqual(state.eliminations, [
    { stage: "screening round 1", eliminated: 4 },
    { stage: "screening round 3", eliminated: 4 },
  ]);
});

test("a view opened mid-job counts earlier eliminations apart", () => {
  const state = reduce(initialState(7), { id: 1, data: doc(9, 5, "screening", 4) });
  assert.deepEqual(state.eliminations, [{ stage: "before this view opened", eliminated: 6 }]);
});

test("time left in the first stage follows its pace", () => {
  let state = initialState(7);
  state = reduce(state, { id: 1, data: doc(1, 1, "first stage", 10, { total_replications: 50 }) });  // 25%
  assert.equal(state.secondsLeft, null);
  state = reduce(state, { id: 2, data: doc(2, 3, "first stage", 10, { total_replications: 100 }) });  // 50% after 2 s
  assert.equal(state.secondsLeft, 4);  // 25% per 2 s, 50% to go
  state = reduce(state, { id: 3, data: doc(3, 4, "screening", 9) });
  assert.equal(state.secondsLeft, null);
});

test("a saved state comes back after a reload; a foreign or broken one does not", () => {
  let state = reduce(initialState(7), { id: 4, data: doc(2, 1, "first stage", 10) });
  const back = restore(serialize(state), 7);
  assert.deepEqual(back, state);
  assert.equal(restore(serialize(state), 8).jobId, 8);
  assert.equal(restore("{not json", 7).job, null);
  assert.equal(restore(null, 7).lastEventId, null);
});
