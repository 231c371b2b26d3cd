"""mm1: a single-server queue with Poisson arrivals and exponential service, costed (SimOpt's
M/M/1 problem in spirit, written here from the textbook model, not from SimOpt's code).

Choose the service rate mu: a faster server costs `service_cost` per unit of rate, waiting costs
`waiting_cost` per unit of a customer's time in system. One replication starts empty, serves
600 customers, and reports service_cost * mu + waiting_cost * (mean time in system of customers
101..600); the first 100 are warm-up. Smaller is better. With the defaults (arrival rate 1,
costs 1 and 4) steady state gives cost mu + 4 / (mu - 1), least at mu = 3 (cost 5).
Two generators per replication, SimOpt style: one for interarrival times, one for service
times, so under common random numbers every mu sees the same arrivals and the same work.
Not here: the stationary start of an M/M/1 (it starts empty; that is what the warm-up is for).

Run by a node as: /usr/bin/python3 examples/models/mm1_queue.py
"""

import os
import sys

SDK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python")
sys.path.insert(0, SDK_DIR)  # the SDK is a file in the tree, not an installed package

from simsel_model import Model, exponential, serve  # noqa: E402

CUSTOMERS = 600
WARMUP_CUSTOMERS = 100


def mean_time_in_system(arrival_rate, service_rate, arrivals, services):
    """Mean time in system of customers WARMUP_CUSTOMERS+1..CUSTOMERS, by Lindley's recursion:
    customer n+1 waits W_{n+1} = max(0, W_n + S_n - A_{n+1}), where A_{n+1} is the time between
    the arrivals of n and n+1. The first customer finds the system empty (W_1 = 0)."""
    wait = 0.0
    total = 0.0
    for n in range(1, CUSTOMERS + 1):
        in_system = wait + exponential(services, service_rate)
        if n > WARMUP_CUSTOMERS:
            total += in_system
        wait = in_system - exponential(arrivals, arrival_rate)
        if wait < 0.0:
            wait = 0.0
    return total / (CUSTOMERS - WARMUP_CUSTOMERS)


class MM1Queue(Model):
    name = "mm1"
    description = ("M/M/1 queue: cost of service rate mu plus waiting cost of the mean time in "
                   "system of 500 customers after 100 warm-up.")
    params = {
        "mu": {"type": "number", "exclusiveMinimum": 0,
               "help": "service rate; the queue is stable only for mu > arrival_rate "
                       "(otherwise time in system grows with every customer)"},
        "arrival_rate": {"type": "number", "exclusiveMinimum": 0, "default": 1.0,
                         "help": "customers per unit of time (usually left fixed)"},
        "service_cost": {"type": "number", "minimum": 0, "default": 1.0,
                         "help": "cost per unit of service rate"},
        "waiting_cost": {"type": "number", "minimum": 0, "default": 4.0,
                         "help": "cost per unit of a customer's time in system"},
    }
    output = "cost: service_cost * mu + waiting_cost * mean time in system"
    larger_is_better = False
    streams = 2  # rngs[0]: interarrival times, rngs[1]: service times

    def replicate(self, params, rngs):
        mu = params["mu"]
        arrivals, services = rngs
        sojourn = mean_time_in_system(params["arrival_rate"], mu, arrivals, services)
        return params["service_cost"] * mu + params["waiting_cost"] * sojourn


if __name__ == "__main__":
    serve(MM1Queue)
