# misbehaving_model: a model process that breaks docs/MODEL_PROTOCOL.md in the one way named by
# its argument, for the node's conformance tests (tests/external_models.sh). Every behaviour
# answers HELLO as model "misbehaving_<behaviour>" with one number parameter mu, except
# no_hello and version; systems it does not break get normal(mu, 1) outputs.
#   crash         on the first RUN writes "boom: simulated crash" to stderr and exits 3
#   hang          sleeps forever on RUN (the node must time it out and kill it)
#   garbage       answers RUN with b"this is not a frame\n" instead of a frame
#   nan           NaN for every replication of system 1
#   wrong_count   one output fewer than the replications asked for
#   string_output outputs "abc"
#   error         ERROR "mu must be positive" for a system with mu < 0, and keeps serving
#   no_hello      exits with status 0 at once, reading and answering nothing
#   version       answers HELLO with model protocol 2
import os
import sys
import time

SDK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sdk", "python")
sys.path.insert(0, SDK_DIR)  # the SDK is a file in the tree, not an installed package

from simsel_model import (MRG32k3a, Model, ModelError, describe, normal, read_frame,  # noqa: E402
                          serve, write_frame)


def model_class(behaviour):
    class Misbehaving(Model):
        name = "misbehaving_" + behaviour
        params = {"mu": {"type": "number"}}
        output = "x"
        larger_is_better = True

        def replicate(self, params, rng):
            if behaviour == "crash":
                sys.stderr.write("boom: simulated crash\n")
                sys.stderr.flush()
                sys.exit(3)  # SystemExit is not an Exception: serve() lets it end the process
            if behaviour == "hang":
                while True:
                    time.sleep(3600)
            if behaviour == "string_output":
                return "abc"  # serve() passes it on as it is: the node checks outputs
            if behaviour == "error" and params["mu"] < 0:
                raise ModelError("mu must be positive")
            return normal(rng, params["mu"], 1.0)
    return Misbehaving


def normal_outputs(entries):
    outputs = []
    for entry in entries:
        states = entry["states"]
        for k in range(0, len(states), 6):
            outputs.append(normal(MRG32k3a(states[k:k + 6]), entry["params"]["mu"], 1.0))
    return outputs


def broken_reply(behaviour, entries):
    """The RESULT outputs of the behaviours serve() cannot produce (it is never told wrong)."""
    outputs = normal_outputs(entries)
    if behaviour == "wrong_count":
        return outputs[:-1]
    position = 0
    for entry in entries:
        if entry["system"] == 1:
            outputs[position:position + entry["count"]] = [float("nan")] * entry["count"]
        position += entry["count"]
    return outputs


def own_loop(behaviour, model):
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (frame := read_frame(stdin)) is not None:
        command, body = frame
        if command == "HELLO":
            hello = describe(model)
            write_frame(stdout, "HELLO", {**hello, "protocol": 2} if behaviour == "version" else hello)
        elif behaviour == "garbage":
            stdout.write(b"this is not a frame\n")
            stdout.flush()
        else:
            write_frame(stdout, "RESULT", {"outputs": broken_reply(behaviour, body["entries"])})


def main():
    behaviour = sys.argv[1] if len(sys.argv) > 1 else ""
    if behaviour == "no_hello":
        sys.exit(0)
    model = model_class(behaviour)
    if behaviour in ("garbage", "nan", "wrong_count", "version"):
        own_loop(behaviour, model)
    elif behaviour in ("crash", "hang", "string_output", "error"):
        serve(model)
    else:
        sys.exit("misbehaving_model: unknown behaviour '%s'" % behaviour)


if __name__ == "__main__":
    main()
