// The jobs list: every job the server knows with its state, procedure, systems, progress,
// start time and duration, refreshed every two seconds while shown; a running job can be
// cancelled from here.

import { api } from "./api.js";
import { clear, el, progressBar } from "./dom.js";
import { formatCount, formatDuration, formatTime, isFinal, stageBanner } from "./format.js";
import { stageFraction } from "./live_figures.js";

const REFRESH_MS = 2000;

export class JobsView {
  constructor(root) {
    this.root = root;
    this.timer = null;
  }

  show() {
    this.root.replaceChildren(el("h1", {}, "Jobs"),
      this.message = el("p", { class: "muted" }, "Loading…"),
      this.table = el("table", { id: "jobs-table" }));
    this.refresh();
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  hide() {
    clearInterval(this.timer);
    this.timer = null;
  }

  async refresh() {
    try {
      const { jobs } = await api.jobs();
      this.message.textContent = jobs.length ? "" : "No jobs yet: submit one from New job.";
      this.render([...jobs].reverse());
    } catch (e) {
      this.message.textContent = `Cannot load the jobs: ${e.message}`;
    }
  }

  render(jobs) {
    const head = el("tr", {}, ["job", "state", "procedure", "model", "systems", "progress", "replications", "started", "duration", ""]
      .map((h) => el("th", { class: ["systems", "replications"].includes(h) ? "num" : "" }, h)));
    clear(this.table).append(head, ...jobs.map((job) => this.row(job)));
  }

  row(job) {
    const cancel = isFinal(job.state) ? "" : el("button", { class: "danger", onclick: () => this.cancel(job.job_id) }, "Cancel");
    return el("tr", { dataset: { jobId: job.job_id } },
      el("td", {}, el("a", { href: `#/jobs/${job.job_id}` }, `#${job.job_id}`)),
      el("td", { class: `state state-${job.state}` }, job.state),
      el("td", {}, job.procedure),
      el("td", {}, job.model),
      el("td", { class: "num" }, formatCount(job.systems)),
      el("td", {}, el("div", { class: "muted" }, stageBanner(job)), isFinal(job.state) ? "" : progressBar(stageFraction(job))),
      el("td", { class: "num" }, formatCount(job.total_replications)),
      el("td", {}, formatTime(job.submitted_at)),
      el("td", {}, formatDuration(job.wall_seconds)),
      el("td", {}, cancel));
  }

  async cancel(id) {
    try {
      await api.cancel(id);
    } catch (e) {
      this.message.textContent = `Cannot cancel job ${id}: ${e.message}`;
    }
    this.refresh();
  }
}
