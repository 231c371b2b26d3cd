// The page's client of the simsel-web REST API (docs/HTTP_API.md). Every call returns the
// parsed JSON or throws an ApiError carrying the HTTP status and the server's message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, `the server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: use the text below */ }
  if (!response.ok) throw new ApiError(response.status, (json && json.error) || text || response.statusText);
  return json;
}

const jobPath = (id) => `/api/jobs/${encodeURIComponent(id)}`;

export const api = {
  models: () => call("GET", "/api/models"),
  submit: (spec) => call("POST", "/api/jobs", spec),
  jobs: () => call("GET", "/api/jobs"),
  job: (id) => call("GET", jobPath(id)),
  cancel: (id) => call("DELETE", jobPath(id)),
  stop: (id) => call("POST", `${jobPath(id)}/stop`),
  pause: (id) => call("POST", `${jobPath(id)}/pause`),
  resume: (id) => call("POST", `${jobPath(id)}/resume`),
  priority: (id, weight) => call("POST", `${jobPath(id)}/priority`, { weight }),
  results: (id) => call("GET", `${jobPath(id)}/results?limit=10000`),
  cluster: () => call("GET", "/api/cluster"),
  // The job's event stream, resuming after `lastEventId` when there is one.
  eventsUrl: (id, lastEventId) =>
    `${jobPath(id)}/events${lastEventId !== null && lastEventId !== undefined ? `?last_event_id=${lastEventId}` : ""}`,
  resultCsvUrl: (id) => `${jobPath(id)}/result.csv`,
  resultsJsonUrl: (id) => `${jobPath(id)}/results?limit=10000`,
};
