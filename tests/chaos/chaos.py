#!/usr/bin/env python3
"""Chaos test: real simsel-broker and simsel-node processes on ipc endpoints, several jobs of
different procedures at once, and a seeded schedule that kill -9s the broker and the nodes at
random moments and restarts them. Every job must end with the result it has undisturbed (same
selected system, same mean bit for bit, same total replications): the broker resumes jobs from
its checkpoints, nodes reconnect, lost tasks are simulated again from the same streams; and a
`simsel watch` of each job, started before the kills, must ride out the restarts and end with
the job's final document.

The undisturbed results come from the same job set run first without kills. Rounds of the job
set are run under chaos until --kills kills have been made. It prints one JSON line per round
and a summary: jobs, kills (broker / node), results identical, work lost (replications
simulated beyond the undisturbed run's), and the broker's time from start to its first
dispatched task after a restart.

usage: chaos.py --build BUILD_DIR [--kills N] [--seed S] [--timeout SECONDS]
Exit 0 when every result is identical, 1 otherwise (with the differences named).
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

# The job set: different procedures on the flow line, each a few seconds on two threads, so that
# kills land mid-job. Seeds differ, so no two jobs share streams.
JOBS = [
    {"procedure": "kn", "L": 20, "seed": 11},
    {"procedure": "kt", "L": 20, "seed": 12, "params": {"group_size": 8}},
    {"procedure": "gsp", "L": 16, "seed": 13, "n0": 0,
     "params": {"n1": 20, "r_bar": 5, "beta": 50}},
    {"procedure": "fbkt", "L": 20, "seed": 14, "params": {"budget": 60000, "groups": 4}},
    {"procedure": "ocba", "L": 16, "seed": 15, "params": {"budget": 40000}},
    {"procedure": "pass", "L": 16, "seed": 16, "params": {"batch": 50, "n_max": 400}},
    {"procedure": "rinott", "L": 10, "seed": 17},
    {"procedure": "nsgs", "L": 10, "seed": 18},
    {"procedure": "equal", "L": 16, "seed": 19, "params": {"budget": 40000}},
]


def spec_of(job):
    spec = {"model": "tp", "procedure": job["procedure"], "delta": 0.1, "alpha": 0.05,
            "n0": job.get("n0", 10), "seed": job["seed"], "crn": True,
            "systems": {"generator": "flowline", "L": job["L"]}}
    if "params" in job:
        spec["params"] = job["params"]
    return spec


class Cluster:
    """A broker and two one-thread nodes under `work`, each restartable after a kill -9."""

    def __init__(self, build, work):
        self.build, self.work = build, work
        self.config = os.path.join(work, "cluster.toml")
        with open(self.config, "w") as f:
            f.write(f"""[broker]
worker_endpoint = "ipc://{work}/workers"
client_endpoint = "ipc://{work}/clients"
stats_endpoint = "ipc://{work}/stats"
data_dir = "{work}/data"
heartbeat_ms = 200
liveness = 3
checkpoint_interval_ms = 500
[node]
broker_endpoint = "ipc://{work}/workers"
threads = 1
heartbeat_ms = 200
reconnect_min_ms = 100
reconnect_max_ms = 800
[log]
level = "info"
""")
        self.broker = None
        self.nodes = [None, None]
        self.broker_starts = 0

    def start_broker(self):
        self.broker_starts += 1
        log = open(os.path.join(self.work, f"broker-{self.broker_starts}.log"), "w")
        self.broker = subprocess.Popen([f"{self.build}/broker/simsel-broker", "--config",
                                        self.config], stdout=log, stderr=subprocess.STDOUT)

    def start_node(self, index):
        log = open(os.path.join(self.work, f"node-{index}.log"), "a")
        self.nodes[index] = subprocess.Popen([f"{self.build}/nodes/simsel-node", "--config",
                                              self.config], stdout=log, stderr=subprocess.STDOUT)

    def start(self):
        self.start_broker()
        for index in range(len(self.nodes)):
            self.start_node(index)

    @staticmethod
    def kill(process):
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self):
        for process in [self.broker, *self.nodes]:
            if process and process.poll() is None:
                self.kill(process)

    def simsel(self, *args):
        """The CLI's output, or None while the broker is down or restarting."""
        run = subprocess.run([f"{self.build}/tools/simsel", "--config", self.config,
                              "--timeout-ms", "1000", *args], capture_output=True, text=True)
        return run.stdout if run.stdout.strip() else None

    def submit(self, spec):
        path = os.path.join(self.work, f"spec-{spec['procedure']}-{spec['seed']}.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        while True:
            out = self.simsel("submit", path)
            if out:
                return int(out)
            time.sleep(0.1)

    def watch(self, job_id):
        return subprocess.Popen([f"{self.build}/tools/simsel", "--config", self.config,
                                 "--timeout-ms", "1000", "watch", str(job_id), "--json"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def document(self, job_id):
        out = self.simsel("status", str(job_id), "--json")
        return json.loads(out) if out else None

    def first_task_delays(self):
        """Milliseconds from each broker start to its first dispatched task (from its log)."""
        delays = []
        for start in range(2, self.broker_starts + 1):
            with open(os.path.join(self.work, f"broker-{start}.log")) as f:
                match = re.search(r"first task dispatched ([0-9.]+) ms after start", f.read())
            if match:
                delays.append(float(match.group(1)))
        return delays


FINAL = ("succeeded", "failed", "cancelled", "stopped")


def run_round(cluster, rng, chaos, deadline):
    """Submits the job set, kills and restarts processes until every job ends; returns the final
    documents and the kills made."""
    ids = [cluster.submit(spec_of(job)) for job in JOBS]
    # `simsel watch` follows each job across the restarts and must end with its final document.
    watchers = {job_id: cluster.watch(job_id) for job_id in ids} if chaos else {}
    final = {}
    kills = {"broker": 0, "node": 0}
    next_kill = time.monotonic() + rng.uniform(0.3, 1.5)
    while len(final) < len(ids):
        if time.monotonic() > deadline:
            stuck = {job_id: cluster.document(job_id) for job_id in ids if job_id not in final}
            raise TimeoutError(f"jobs not ended in time: {json.dumps(stuck)}")
        for job_id in ids:
            if job_id in final:
                continue
            document = cluster.document(job_id)
            if document and document["state"] in FINAL:
                final[job_id] = document
        if chaos and time.monotonic() >= next_kill and len(final) < len(ids):
            if rng.random() < 0.4:
                cluster.kill(cluster.broker)
                time.sleep(rng.uniform(0, 0.3))
                cluster.start_broker()
                kills["broker"] += 1
            else:
                index = rng.randrange(len(cluster.nodes))
                cluster.kill(cluster.nodes[index])
                time.sleep(rng.uniform(0, 0.3))
                cluster.start_node(index)
                kills["node"] += 1
            next_kill = time.monotonic() + rng.uniform(0.3, 1.5)
        time.sleep(0.05)
    for job_id, watcher in watchers.items():
        out, _ = watcher.communicate(timeout=30)
        watched = json.loads(out) if out.strip() else {"state": f"watch exited {watcher.returncode}"}
        if (watched["state"], watched.get("best")) != (final[job_id]["state"],
                                                       final[job_id].get("best")):
            final[job_id] = dict(final[job_id], watch_ended_with=watched)
    return [final[job_id] for job_id in ids], kills


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the logs and database")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.timeout
    with tempfile.TemporaryDirectory(prefix="simsel-chaos-") as work:
        if args.keep:
            work = tempfile.mkdtemp(prefix="simsel-chaos-kept-")
            print(f"chaos: working in {work} (kept)", flush=True)
        cluster = Cluster(os.path.abspath(args.build), work)
        cluster.start()
        try:
            undisturbed, _ = run_round(cluster, rng, False, deadline)
            totals = {"jobs": 0, "identical": 0, "broker_kills": 0, "node_kills": 0,
                      "work_lost": 0, "differences": []}
            round_number = 0
            while totals["broker_kills"] + totals["node_kills"] < args.kills:
                round_number += 1
                started = time.monotonic()
                results, kills = run_round(cluster, rng, True, deadline)
                lost = 0
                for expected, got in zip(undisturbed, results):
                    totals["jobs"] += 1
                    same = ("watch_ended_with" not in got
                            and got["state"] == expected["state"] == "succeeded"
                            and got["best"]["index"] == expected["best"]["index"]
                            and got["best"]["mean"] == expected["best"]["mean"]
                            and got["total_replications"] == expected["total_replications"])
                    if same:
                        totals["identical"] += 1
                    else:
                        totals["differences"].append(
                            {"procedure": expected["procedure"],
                             "expected": {k: expected.get(k) for k in
                                          ("state", "best", "total_replications")},
                             "got": {k: got.get(k) for k in
                                     ("state", "best", "total_replications", "error",
                                      "watch_ended_with")}})
                    lost += max(0, got["simulated_replications"] -
                                expected["simulated_replications"])
                totals["broker_kills"] += kills["broker"]
                totals["node_kills"] += kills["node"]
                totals["work_lost"] += lost
                print(json.dumps({"round": round_number, "kills": kills, "work_lost": lost,
                                  "seconds": round(time.monotonic() - started, 1)}), flush=True)
            delays = cluster.first_task_delays()
            totals["first_task_ms_after_restart"] = (
                {"count": len(delays), "median": sorted(delays)[len(delays) // 2],
                 "max": max(delays)} if delays else None)
            totals["simulated_undisturbed"] = sum(d["simulated_replications"] for d in undisturbed)
            print(json.dumps(totals), flush=True)
            return 0 if totals["identical"] == totals["jobs"] else 1
        finally:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
