// The live view of one job: stage banner, progress, replications per second, survivors over
// time, the leaders with their confidence intervals, eliminations per stage, the workers, and
// once done the selected system with its guarantee and the downloads. Fed by the job's SSE
// stream; the folded state (job_state.js) is kept in sessionStorage with the last event id, so
// after a reload or a lost connection the stream resumes where it stopped.

import { api } from "./api.js";
import { EliminationsChart, LeadersChart, TimeLine } from "./charts.js";
import { clear, el, progressBar } from "./dom.js";
import { formatCount, formatDuration, formatNumber, formatParams, guaranteeWords, isFinal, stageBanner } from "./format.js";
import { reduce, restore, serialize } from "./job_state.js";
import { confidenceInterval, stageFraction } from "./live_figures.js";

const RECONNECT_MS = 2000, WORKERS_MS = 2000, SAVE_MS = 1000;
const storageKey = (id) => `simsel.job.${id}`;

export class JobView {
  constructor(root) {
    this.root = root;
  }

  async show(jobId) {
    this.hide();
    this.jobId = jobId;
    this.state = restore(sessionStorage.getItem(storageKey(jobId)), jobId);
    this.layout();
    try {
      const job = await api.job(jobId);
      if (this.jobId !== jobId) return;
      this.spec = job.spec;
      if (!this.state.job) this.state = reduce(this.state, { type: "document", id: null, data: job });
    } catch (e) {
      this.connection.textContent = `Cannot load job ${jobId}: ${e.message}`;
      this.connection.className = "connection lost";
      if (e.status === 404) return;
    }
    this.render();
    if (this.state.job && isFinal(this.state.job.state)) this.finish();
    else this.connect();
    this.workersTimer = setInterval(() => this.refreshWorkers(), WORKERS_MS);
    this.refreshWorkers();
  }

  hide() {
    if (this.source) this.source.close();
    this.source = null;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.workersTimer);
    if (this.jobId !== undefined && this.state) this.save(true);
    this.jobId = undefined;
  }

  connect() {
    const jobId = this.jobId;
    const source = new EventSource(api.eventsUrl(jobId, this.state.lastEventId));
    this.source = source;
    const onEvent = (type) => (event) => {
      if (this.jobId !== jobId) return;
      const id = event.lastEventId === "" ? null : Number(event.lastEventId);
      this.state = reduce(this.state, { type, id, data: JSON.parse(event.data) });
      this.save(false);
      this.render();
      if (isFinal(this.state.job.state)) this.finish();
    };
    source.addEventListener("snapshot", onEvent("snapshot"));
    source.addEventListener("stats", onEvent("stats"));
    // simsel-web stays up while the broker restarts; it says when it lost the broker and when
    // it has it again (the broker resumes the job; the stream goes on).
    source.addEventListener("broker", (event) => {
      if (this.jobId !== jobId) return;
      const reconnecting = JSON.parse(event.data).state === "reconnecting";
      this.setConnection(reconnecting ? "broker unreachable; reconnecting…" : "live", reconnecting);
    });
    source.onopen = () => this.setConnection("live", false);
    source.onerror = () => {
      this.setConnection("connection lost; reconnecting…", true);
      if (source.readyState !== EventSource.CLOSED) return;  // the browser retries by itself
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => { if (this.source === source) this.connect(); }, RECONNECT_MS);
    };
  }

  setConnection(text, lost) {
    this.connection.textContent = text;
    this.connection.className = lost ? "connection lost" : "connection";
    this.connection.dataset.state = lost ? "lost" : "live";
  }

  save(now) {
    if (!now && Date.now() - (this.savedAt || 0) < SAVE_MS) return;
    this.savedAt = Date.now();
    try { sessionStorage.setItem(storageKey(this.jobId), serialize(this.state)); } catch { /* storage full: the live view goes on */ }
  }

  async finish() {
    if (this.source) this.source.close();
    this.source = null;
    this.save(true);
    this.setConnection("finished", false);
    this.renderResult();
  }

  layout() {
    const section = (title, ...children) => el("div", {}, el("h2", {}, title), ...children);
    this.root.replaceChildren(
      el("h1", {}, `Job #${this.jobId} `, this.stateBadge = el("span", { class: "state", dataset: { testid: "job-state" } }),
        " ", this.stopButton = el("button", { hidden: true, dataset: { testid: "stop" }, title: "end now with the current best, stated as an early stop", onclick: () => this.control("stop") }, "Stop now"),
        " ", this.pauseButton = el("button", { hidden: true, dataset: { testid: "pause" }, onclick: () => this.control(this.state.job?.paused ? "resume" : "pause") }, "Pause"),
        " ", this.priorityBox = el("span", { hidden: true, class: "muted", title: "share of worker slots against other jobs (default 1)" }, " priority ",
          this.priorityInput = el("input", { type: "number", min: "0.01", max: "1000", step: "any", size: 4, dataset: { testid: "priority" },
            onchange: () => this.setPriority(Number(this.priorityInput.value)) })),
        " ", this.cancelButton = el("button", { class: "danger", hidden: true, onclick: () => this.control("cancel") }, "Cancel")),
      this.connection = el("div", { class: "connection muted", dataset: { testid: "connection" } }, "connecting…"),
      this.summary = el("div", { class: "muted" }),
      this.banner = el("div", { class: "banner", dataset: { testid: "stage-banner" } }),
      this.progress = el("div"),
      this.figures = el("div", { class: "figures" }),
      this.result = el("div", { dataset: { testid: "result" } }),
      el("div", { class: "charts" },
        this.survivorsBox = el("div"), this.rateBox = el("div"), this.leadersBox = el("div"), this.eliminationsBox = el("div")),
      section("Leaders", this.leadersTable = el("table", { dataset: { testid: "leaders" } })),
      section("Eliminations per stage", this.eliminationsTable = el("table")),
      section("Workers", this.workersTable = el("table", { dataset: { testid: "workers" } })));
    this.survivorsChart = new TimeLine(this.survivorsBox, "Survivors over time", "survivors");
    this.rateChart = new TimeLine(this.rateBox, "Replications per second", "replications/s");
    this.leadersChart = new LeadersChart(this.leadersBox);
    this.eliminationsChart = new EliminationsChart(this.eliminationsBox);
  }

  render() {
    const { job, series, secondsLeft } = this.state;
    if (!job) return;
    this.stateBadge.textContent = job.state;
    this.stateBadge.className = `state state-${job.state}`;
    this.cancelButton.hidden = isFinal(job.state);
    this.stopButton.hidden = job.state !== "running";
    this.pauseButton.hidden = isFinal(job.state);
    this.priorityBox.hidden = isFinal(job.state);
    if (document.activeElement !== this.priorityInput) this.priorityInput.value = job.priority ?? 1;
    this.pauseButton.textContent = job.paused ? "Resume" : "Pause";
    this.summary.textContent = `${job.procedure} on ${formatCount(job.systems)} systems of model ${job.model}` +
      ` · delta ${job.delta} · alpha ${job.alpha} · n0 ${job.n0} · seed ${job.seed} · CRN ${job.crn ? "on" : "off"}`;
    this.banner.textContent = stageBanner(job);
    const fraction = stageFraction(job);
    const left = secondsLeft === null ? (isFinal(job.state) ? "" : " · time left in this stage unknown (a sequential stage has no planned end)")
      : isFinal(job.state) ? "" : ` · about ${formatDuration(secondsLeft)} left in this stage`;
    this.progress.replaceChildren(isFinal(job.state) ? "" : progressBar(fraction),
      el("div", { class: "muted" }, `${formatCount(job.simulated_replications)} replications simulated, ` +
        `${formatCount(job.total_replications)} used${fraction !== null && !isFinal(job.state) ? ` · stage ${Math.round(fraction * 100)}% done` : ""}${left}`));
    const figure = (label, value, testid) => el("div", {}, el("span", { class: "muted" }, label), el("b", { dataset: { testid } }, value));
    this.figures.replaceChildren(
      figure("replications / s", formatCount(job.replications_per_second), "rate"),
      figure("survivors", `${formatCount((job.progress || {}).survivors)} of ${formatCount(job.systems)}`, "survivors"),
      figure("wall time", formatDuration(job.wall_seconds), "wall"),
      figure("worker utilization", `${Math.round(100 * (job.utilization || 0))}%`, "utilization"));
    this.survivorsChart.update(series.seconds, series.survivors);
    this.rateChart.update(series.seconds, series.rate);
    const leaders = (job.progress || {}).leaders || [];
    this.leadersChart.update(leaders);
    this.renderLeaders(leaders);
    this.renderEliminations();
  }

  renderLeaders(leaders) {
    const rows = leaders.map((l, rank) => {
      const ci = confidenceInterval(l);
      return el("tr", {}, el("td", { class: "num" }, rank + 1), el("td", {}, `#${l.index}`), el("td", {}, formatParams(l.params)),
        el("td", { class: "num" }, formatNumber(l.mean, 5)),
        el("td", { class: "num" }, ci ? `[${formatNumber(ci.low, 5)}, ${formatNumber(ci.high, 5)}]` : "–"),
        el("td", { class: "num" }, formatCount(l.replications)));
    });
    clear(this.leadersTable).append(el("tr", {}, ["rank", "system", "parameters", "mean", "95% CI", "replications"]
      .map((h) => el("th", { class: ["rank", "mean", "95% CI", "replications"].includes(h) ? "num" : "" }, h))), ...rows);
  }

  renderEliminations() {
    this.eliminationsChart.update(this.state.eliminations);
    const rows = this.state.eliminations.map((e) => el("tr", {}, el("td", {}, e.stage), el("td", { class: "num" }, formatCount(e.eliminated))));
    clear(this.eliminationsTable).append(el("tr", {}, el("th", {}, "stage"), el("th", { class: "num" }, "systems eliminated")),
      ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 2, class: "muted" }, "none yet"))]));
  }

  renderResult() {
    const job = this.state.job;
    if (!job || !isFinal(job.state)) return;
    if (job.state !== "succeeded" && job.state !== "stopped") {
      this.result.replaceChildren(el("div", { class: "panel" }, job.state === "failed" ? `The job failed: ${job.error}` : "The job was cancelled."));
      return;
    }
    const best = job.best;
    this.result.replaceChildren(el("div", { class: "panel selected" },
      el("h2", {}, "Selected system ", el("span", { dataset: { testid: "selected-index" } }, `#${best.index}`)),
      el("p", {}, el("span", { dataset: { testid: "selected-params" } }, formatParams(best.params)),
        ` · estimated mean ${formatNumber(best.mean, 6)} from ${formatCount(best.replications)} replications`),
      el("p", { dataset: { testid: "guarantee" } }, guaranteeWords(job)),
      ...(job.stop_intervals || []).map((other) => el("p", { class: "muted" },
        `vs #${other.index} ${formatParams(other.params)}: difference ${formatNumber(other.difference, 4)} ± ${formatNumber(other.half_width, 4)}`)),
      el("p", {}, `${formatCount(job.total_replications)} replications used in ${formatDuration(job.wall_seconds)}. Download the per-system results: `,
        el("a", { href: api.resultCsvUrl(job.job_id), download: `job-${job.job_id}-results.csv` }, "CSV"), " · ",
        el("a", { href: api.resultsJsonUrl(job.job_id), download: `job-${job.job_id}-results.json` }, "JSON"))));
  }

  async refreshWorkers() {
    let cluster;
    try { cluster = await api.cluster(); } catch { return; }
    const rows = (cluster.workers || []).map((w) => el("tr", {}, el("td", {}, w.name),
      el("td", { class: "num" }, w.slots), el("td", { class: "num" }, w.busy ?? "–"), el("td", { class: "num" }, w.in_flight),
      el("td", { class: "num" }, formatCount(w.replications_done)), el("td", { class: "num" }, formatCount(w.replications_per_second)),
      el("td", { class: "num" }, `${w.last_heartbeat_ms ?? w.last_seen_ms ?? "–"} ms`)));
    clear(this.workersTable).append(el("tr", {}, ["worker", "slots", "busy", "in flight", "replications done", "replications/s", "last heard"]
      .map((h, i) => el("th", { class: i ? "num" : "" }, h))),
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 7, class: "muted" }, "no workers connected"))]));
  }

  async setPriority(weight) {
    try {
      await api.priority(this.jobId, weight);
    } catch (e) {
      this.setConnection(`Cannot set the priority: ${e.message}`, true);
    }
  }

  async control(action) {  // "cancel", "stop", "pause" or "resume"
    try {
      await api[action](this.jobId);
    } catch (e) {
      this.setConnection(`Cannot ${action}: ${e.message}`, true);
    }
  }
}
