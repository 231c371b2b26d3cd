// The job view's charts, drawn by uPlot: a line over wall time (survivors, replications per
// second) and the leaders' means with their 95% confidence intervals. Each chart keeps its
// uPlot instance and takes new data with update().

import uPlot from "../node_modules/uplot/dist/uPlot.esm.js";
import { confidenceInterval } from "./live_figures.js";

const WIDTH = 540, HEIGHT = 240, BLUE = "#2459c6";
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });

function width(container) {
  return Math.max(320, Math.min(WIDTH, container.clientWidth || WIDTH));
}

// A line of `label` over wall seconds.
export class TimeLine {
  constructor(container, title, label) {
    this.plot = new uPlot({
      title, width: width(container), height: HEIGHT,
      scales: { x: { time: false } },
      series: [{ label: "wall s" }, { label, stroke: BLUE, width: 2 }],
      axes: [{ label: "wall time (s)" }, { label, size: 60, values: (_, ticks) => ticks.map((t) => compact.format(t)) }],
    }, [[], []], container);
  }

  update(seconds, values) {
    this.plot.setData([seconds, values]);
  }
}

// The leaders by rank: mean as points, the 95% confidence interval as a band around them.
export class LeadersChart {
  constructor(container) {
    this.plot = new uPlot({
      title: "Leaders: mean and 95% confidence interval", width: width(container), height: HEIGHT,
      scales: { x: { time: false } },
      series: [
        { label: "rank" },
        { label: "mean", stroke: BLUE, width: 0, points: { show: true, size: 9, fill: BLUE } },
        { label: "upper", stroke: "#8aa6e0", dash: [4, 4], width: 1 },
        { label: "lower", stroke: "#8aa6e0", dash: [4, 4], width: 1 },
      ],
      bands: [{ series: [2, 3], fill: "rgba(36, 89, 198, 0.12)" }],
      axes: [{ label: "rank (1 = current best)", values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : "")) },
        { label: "mean" }],
    }, [[], [], [], []], container);
  }

  update(leaders) {
    const intervals = leaders.map(confidenceInterval);
    this.plot.setData([
      leaders.map((_, i) => i + 1),
      leaders.map((l) => l.mean),
      intervals.map((ci, i) => (ci ? ci.high : leaders[i].mean)),
      intervals.map((ci, i) => (ci ? ci.low : leaders[i].mean)),
    ]);
  }
}

// Systems eliminated per stage, as bars in the order the stages came.
export class EliminationsChart {
  constructor(container) {
    this.labels = [];
    this.plot = new uPlot({
      title: "Eliminations per stage", width: width(container), height: HEIGHT,
      scales: { x: { time: false, range: (_, min, max) => [0.5, Math.max(1, max) + 0.5] },
        y: { range: (_, min, max) => [0, Math.max(1, max)] } },
      series: [{ label: "stage", value: (_, i) => this.labels[i - 1] ?? "" },
        { label: "eliminated", stroke: BLUE, fill: "rgba(36, 89, 198, 0.35)", points: { show: false },
          paths: uPlot.paths.bars({ size: [0.6, 60] }) }],
      axes: [{ label: "stage (in order)", values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : "")) },
        { label: "systems eliminated" }],
    }, [[], []], container);
  }

  // eliminations: [{stage, eliminated}]
  update(eliminations) {
    this.labels = eliminations.map((e) => e.stage);
    this.plot.setData([eliminations.map((_, i) => i + 1), eliminations.map((e) => e.eliminated)]);
  }
}
