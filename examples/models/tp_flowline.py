"""tp_py: the built-in tp flow line (nodes/models/tp.cpp, REFERENCE.md 1.2) as a Python model.

Three stations in series with exponential service at rates r1, r2, r3 and capacities b2, b3
(counting the job in service, production blocking); output is the throughput of 50 jobs after a
2,000-job warm-up. Same operations in the same order as the C++, so for the same generator state
it returns the same double: a check of the process protocol and a measure of its cost against
the built-in model. Not faster than the C++ and not meant to be.

Run by a node as: /usr/bin/python3 examples/models/tp_flowline.py
"""

import os
import sys

SDK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python")
sys.path.insert(0, SDK_DIR)  # the SDK is a file in the tree, not an installed package

from simsel_model import Model, exponential, serve  # noqa: E402

JOBS = 2050
WARMUP_JOBS = 2000


def simulate_flowline(r1, r2, r3, b2, b3, rng):
    """One replication: departure times by the recursion of REFERENCE.md 1.2, drawing job by
    job S_i1, S_i2, S_i3. Only stations 2 and 3 need history (blocking looks b jobs back).
    The C++ std::max(a, b) is written `b if a < b else a`, its very definition."""
    rate1, rate2, rate3 = float(r1), float(r2), float(r3)  # tp.cpp: const double rate1 = x.r1
    exit2 = [0.0] * JOBS
    exit3 = [0.0] * JOBS
    draw = exponential
    exit1 = prev_exit2 = prev_exit3 = 0.0
    for i in range(JOBS):
        s1 = draw(rng, rate1)
        s2 = draw(rng, rate2)
        s3 = draw(rng, rate3)
        done1 = exit1 + s1
        if i >= b2:
            blocker = exit2[i - b2]
            exit1 = blocker if done1 < blocker else done1
        else:
            exit1 = done1
        done2 = (exit1 if prev_exit2 < exit1 else prev_exit2) + s2
        if i >= b3:
            blocker = exit3[i - b3]
            done2 = blocker if done2 < blocker else done2
        exit2[i] = prev_exit2 = done2
        exit3[i] = prev_exit3 = (prev_exit2 if prev_exit3 < prev_exit2 else prev_exit3) + s3
    return (JOBS - WARMUP_JOBS) / (exit3[JOBS - 1] - exit3[WARMUP_JOBS - 1])


def _rate_or_capacity(help_text):
    return {"type": "integer", "minimum": 1, "help": help_text}


class FlowLine(Model):
    name = "tp_py"
    description = ("Three-station flow line with blocking (Python port of tp); output is the "
                   "throughput of 50 jobs after a 2,000-job warm-up.")
    params = {
        "r1": _rate_or_capacity("service rate of station 1"),
        "r2": _rate_or_capacity("service rate of station 2"),
        "r3": _rate_or_capacity("service rate of station 3"),
        "b2": _rate_or_capacity("capacity of station 2, counting the job in service"),
        "b3": _rate_or_capacity("capacity of station 3, counting the job in service"),
    }
    output = "throughput"
    larger_is_better = True

    def replicate(self, params, rng):
        return simulate_flowline(params["r1"], params["r2"], params["r3"],
                                 params["b2"], params["b3"], rng)


if __name__ == "__main__":
    serve(FlowLine)
