// The page's entry point: routes by the URL's hash (#/submit, #/jobs, #/jobs/7) to one of the
// three views and keeps the cluster summary in the header current.

import { api } from "./api.js";
import { JobView } from "./job_view.js";
import { JobsView } from "./jobs_view.js";
import { SubmitView } from "./submit_view.js";

const CLUSTER_MS = 5000;
const sections = {
  submit: document.getElementById("view-submit"),
  jobs: document.getElementById("view-jobs"),
  job: document.getElementById("view-job"),
};
const views = {
  submit: new SubmitView(sections.submit, (jobId) => { location.hash = `#/jobs/${jobId}`; }),
  jobs: new JobsView(sections.jobs),
  job: new JobView(sections.job),
};

function route() {
  const match = /^#\/jobs\/(\d+)$/.exec(location.hash);
  const name = match ? "job" : location.hash === "#/submit" ? "submit" : "jobs";
  views.jobs.hide();
  views.job.hide();
  for (const [key, section] of Object.entries(sections)) section.hidden = key !== name;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.route === name);
  if (name === "job") views.job.show(Number(match[1]));
  else views[name].show();
}

async function refreshCluster() {
  const summary = document.getElementById("cluster-summary");
  try {
    const cluster = await api.cluster();
    summary.textContent = `workers ${cluster.workers.length} · slots ${cluster.slots} · busy ${cluster.busy} · active jobs ${cluster.jobs_active}`;
  } catch (e) {
    summary.textContent = `server: ${e.message}`;
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("pagehide", () => views.job.hide());
route();
refreshCluster();
setInterval(refreshCluster, CLUSTER_MS);
