#!/usr/bin/python3
"""Submit a job to a simsel broker and print its result: a client written from
docs/PROTOCOL.md alone, with Debian's python3-zmq and python3-msgpack.

usage: submit_job.py [--broker tcp://127.0.0.1:5556] JOB.toml|JOB.json
"""
import argparse
import json
import sys
import time
import tomllib

import msgpack
import zmq

SIGNATURE, VERSION = "SIMSEL", 2


class Broker:
    """One DEALER socket; each request carries a request_id that the reply echoes."""

    def __init__(self, endpoint, timeout_ms=10000):
        self.socket = zmq.Context.instance().socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(endpoint)
        self.timeout_ms = timeout_ms
        self.next_id = 1

    def request(self, command, **body):
        body["request_id"] = request_id = self.next_id
        self.next_id += 1
        self.socket.send(msgpack.packb([SIGNATURE, VERSION, command, body]))
        while True:
            if not self.socket.poll(self.timeout_ms):
                raise TimeoutError(f"broker did not answer {command} in {self.timeout_ms} ms")
            signature, version, reply, fields = msgpack.unpackb(self.socket.recv())
            if signature != SIGNATURE or version != VERSION:
                raise RuntimeError("not a simsel broker")
            if fields.get("request_id") != request_id:
                continue  # a late reply to an earlier request
            if reply == "ERROR":
                raise RuntimeError(f"{command} failed ({fields['code']}): {fields['message']}")
            return fields


def load_spec(path):
    with open(path, "rb") as f:
        return json.load(f) if path.endswith(".json") else tomllib.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", default="tcp://127.0.0.1:5556")
    parser.add_argument("job")
    args = parser.parse_args()
    broker = Broker(args.broker)
    job_id = broker.request("SUBMIT", spec=load_spec(args.job))["job_id"]
    print(f"submitted job {job_id}", file=sys.stderr)
    while True:
        job = broker.request("STATUS", job_id=job_id)["job"]
        if job["state"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.2)
    print(json.dumps(job, indent=2))
    return 0 if job["state"] == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
