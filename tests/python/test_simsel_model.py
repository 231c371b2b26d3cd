"""Tests of sdk/python/simsel_model.py and the Python models under examples/models and
tests/models: the generator against REFERENCE.md 2's vectors, the variates, the protocol
(in process over byte buffers, and through real child processes), and tp_py against the C++.
Run from the repository root: /usr/bin/python3 -m unittest discover -s tests/python
"""

import contextlib
import io
import math
import os
import select
import struct
import subprocess
import sys
import unittest
from fractions import Fraction
from statistics import NormalDist

import msgpack

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "sdk", "python"))
sys.path.insert(0, os.path.join(ROOT, "examples", "models"))

import simsel_model as sm  # noqa: E402
from simsel_model import MRG32k3a  # noqa: E402
import tp_flowline  # noqa: E402

SEED = (12345,) * 6
PYTHON = sys.executable
MM1 = os.path.join(ROOT, "examples", "models", "mm1_queue.py")
TEST_MODELS = os.path.join(ROOT, "tests", "models")


def substream_states(count, base=SEED):
    """Flat states of substreams 0..count-1 of `base`, as a node sends them."""
    rng = MRG32k3a(base)
    states = []
    for _ in range(count):
        states += rng.state
        rng.jump_substreams(1)
    return states


def entry(system, params, first, count, streams=1):
    return {"system": system, "params": params, "first": first, "count": count,
            "states": substream_states(count * streams)}


def frame_bytes(command, body):
    payload = msgpack.packb([command, body], use_bin_type=True)
    return struct.pack(">I", len(payload)) + payload


def serve_in_process(model, frames):
    """serve() on byte buffers: the replies to `frames` ((command, body) pairs)."""
    stdin = io.BytesIO(b"".join(frame_bytes(c, b) for c, b in frames))
    stdout = io.BytesIO()
    with contextlib.redirect_stderr(io.StringIO()):  # the tracebacks serve() logs
        sm.serve(model, stdin=stdin, stdout=stdout)
    stdout.seek(0)
    replies = []
    while (reply := sm.read_frame(stdout)) is not None:
        replies.append(reply)
    return replies


class ModelProcess:
    """A model script as the node runs it: a child with piped stdin and stdout."""

    def __init__(self, *argv):
        self.process = subprocess.Popen([PYTHON, *argv], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ask(self, command, body):
        sm.write_frame(self.process.stdin, command, body)
        return sm.read_frame(self.process.stdout)

    def answers_within(self, seconds):
        ready, _, _ = select.select([self.process.stdout], [], [], seconds)
        return bool(ready)

    def close(self):
        """Closes stdin as the node does; returns (exit status, stderr)."""
        self.process.stdin.close()
        status = self.process.wait(timeout=10)
        stderr = self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()
        return status, stderr

    def kill(self):
        self.process.kill()
        self.close()


class Noisy(sm.Model):
    """A well-behaved in-process model: normal(mu, 1); raises for mu < 0."""
    name = "noisy"
    params = {"mu": {"type": "number"}, "sigma": {"type": "number", "default": 1.0}}
    output = "x"
    larger_is_better = True

    def replicate(self, params, rng):
        if params["mu"] < 0:
            raise ValueError("mu must be >= 0")
        return sm.normal(rng, params["mu"], params["sigma"])


class Mrg32k3aVectorsTest(unittest.TestCase):
    """REFERENCE.md section 2, seed 12345 x 6."""

    def test_first_five_outputs(self):
        rng = MRG32k3a(SEED)
        self.assertEqual([rng.next_uniform() for _ in range(5)],
                         [0.12701112204657714, 0.3185275653967945, 0.3091860155832701,
                          0.8258468629271136, 0.2216299157820229])

    def test_state_after_99_draws(self):
        rng = MRG32k3a(SEED)
        for _ in range(99):
            rng.next_uniform()
        self.assertEqual(rng.state, (2937268593, 1819035667, 3047838441, 3193417629,
                                     1641899773, 1738356667))

    def test_start_of_stream_2(self):
        rng = MRG32k3a(SEED)
        rng.jump_streams(1)
        self.assertEqual(rng.state, (3692455944, 1366884236, 2968912127, 335948734,
                                     4161675175, 475798818))

    def test_start_of_stream_3(self):
        rng = MRG32k3a(SEED)
        rng.jump_streams(2)
        self.assertEqual(rng.state, (1015873554, 1310354410, 2249465273, 994084013,
                                     2912484720, 3876682925))

    def test_second_substream_of_stream_1(self):
        rng = MRG32k3a(SEED)
        rng.jump_substreams(1)
        self.assertEqual(rng.state, (870504860, 2641697727, 884013853, 339352413,
                                     2374306706, 3651603887))


class Mrg32k3aTest(unittest.TestCase):
    def test_2_to_51_substreams_make_one_stream(self):
        by_substreams, by_stream = MRG32k3a(SEED), MRG32k3a(SEED)
        by_substreams.jump_substreams(2 ** 51)
        by_stream.jump_streams(1)
        self.assertEqual(by_substreams.state, by_stream.state)

    def test_jumps_add_up(self):
        direct, split = MRG32k3a(SEED), MRG32k3a(SEED)
        direct.jump_substreams(1000003)
        split.jump_substreams(1000000)
        split.jump_substreams(3)
        self.assertEqual(direct.state, split.state)

    def test_jump_commutes_with_draws(self):
        drawn_first, jumped_first = MRG32k3a(SEED), MRG32k3a(SEED)
        for _ in range(7):
            drawn_first.next_uniform()
        drawn_first.jump_substreams(5)
        jumped_first.jump_substreams(5)
        for _ in range(7):
            jumped_first.next_uniform()
        self.assertEqual(drawn_first.state, jumped_first.state)
        self.assertTrue(all(type(v) is int for v in drawn_first.state))

    def test_rejects_states_that_are_not_states(self):
        for bad in [(1, 2, 3, 4, 5), (0, 0, 0, 1, 1, 1), (1, 1, 1, 0, 0, 0),
                    (sm.M1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, sm.M2), (1.5, 1, 1, 1, 1, 1),
                    (-1, 1, 1, 1, 1, 1)]:
            with self.subTest(state=bad), self.assertRaises((ValueError, TypeError)):
                MRG32k3a(bad)

    def test_negative_jump_is_refused(self):
        with self.assertRaises(ValueError):
            MRG32k3a(SEED).jump_substreams(-1)


class VariatesTest(unittest.TestCase):
    VARIATES = {
        "uniform": lambda rng: sm.uniform(rng, 2.0, 5.0),
        "exponential": lambda rng: sm.exponential(rng, 0.7),
        "normal": lambda rng: sm.normal(rng, 1.0, 2.0),
        "poisson small mean": lambda rng: sm.poisson(rng, 0.5),
        "poisson large mean": lambda rng: sm.poisson(rng, 300.0),
    }

    def test_each_variate_consumes_exactly_one_uniform(self):
        for name, variate in self.VARIATES.items():
            with self.subTest(variate=name):
                rng, twin = MRG32k3a(SEED), MRG32k3a(SEED)
                for _ in range(50):
                    variate(rng)
                    twin.next_uniform()
                    self.assertEqual(rng.state, twin.state)

    def test_exponential_is_the_cpp_expression(self):
        # variates.h: -std::log(1.0 - u) / rate, so the doubles are the C++ ones.
        rng, twin = MRG32k3a(SEED), MRG32k3a(SEED)
        for rate in [0.37, 1.0, 6.0, 7, 1e-3]:
            for _ in range(20):
                self.assertEqual(sm.exponential(rng, rate),
                                 -math.log(1.0 - twin.next_uniform()) / rate)

    def test_exponential_refuses_a_rate_that_is_not_positive(self):
        for rate in [0.0, -1.0, float("nan")]:
            with self.subTest(rate=rate), self.assertRaises(ValueError):
                sm.exponential(MRG32k3a(SEED), rate)

    def test_normal_is_the_inverse_cdf_of_the_uniform(self):
        rng, twin = MRG32k3a(SEED), MRG32k3a(SEED)
        for _ in range(20):
            expected = 3.0 + 0.5 * NormalDist().inv_cdf(twin.next_uniform())
            self.assertEqual(sm.normal(rng, 3.0, 0.5), expected)

    def test_uniform_stays_inside_its_interval(self):
        rng = MRG32k3a(SEED)
        draws = [sm.uniform(rng, -2.0, 3.0) for _ in range(2000)]
        self.assertTrue(all(-2.0 < x < 3.0 for x in draws))

    def test_poisson_is_zero_below_the_first_cdf_step(self):
        # The first uniform of the seed is 0.127 < exp(-1) = 0.368.
        self.assertEqual(sm.poisson(MRG32k3a(SEED), 1.0), 0)

    def test_poisson_mean(self):
        rng = MRG32k3a(SEED)
        draws = [sm.poisson(rng, 25.0) for _ in range(4000)]
        self.assertAlmostEqual(sum(draws) / len(draws), 25.0, delta=0.25)  # 3 sd

    def test_poisson_refuses_means_outside_its_range(self):
        for mean in [0.0, -1.0, 701.0]:
            with self.subTest(mean=mean), self.assertRaises(ValueError):
                sm.poisson(MRG32k3a(SEED), mean)


class FramesTest(unittest.TestCase):
    def test_write_then_read(self):
        stream = io.BytesIO()
        sm.write_frame(stream, "RESULT", {"outputs": [1.5, 2]})
        self.assertEqual(stream.getvalue()[:4], struct.pack(">I", len(stream.getvalue()) - 4))
        stream.seek(0)
        self.assertEqual(sm.read_frame(stream), ["RESULT", {"outputs": [1.5, 2]}])
        self.assertIsNone(sm.read_frame(stream))

    def test_broken_framing_is_a_protocol_error(self):
        cases = {"short length": b"\x00\x00", "zero length": b"\x00\x00\x00\x00",
                 "oversized": struct.pack(">I", sm.MAX_FRAME_BYTES + 1),
                 "truncated payload": b"\x00\x00\x00\x09\x92",
                 "not MessagePack": b"\x00\x00\x00\x01\xc1"}
        for name, data in cases.items():
            with self.subTest(case=name), self.assertRaises(sm.ProtocolError):
                sm.read_frame(io.BytesIO(data))


class ServeInProcessTest(unittest.TestCase):
    def test_hello_describes_the_model(self):
        [(command, body)] = serve_in_process(Noisy, [("HELLO", {"protocol": 1})])
        self.assertEqual(command, "HELLO")
        self.assertEqual(body, {"protocol": 1, "name": "noisy", "params": Noisy.params,
                                "output": "x", "larger_is_better": True, "streams": 1})

    def test_outputs_come_in_entry_then_replication_order(self):
        run = {"job": 1, "entries": [entry(0, {"mu": 0.0}, 0, 3), entry(1, {"mu": 10.0}, 3, 2)]}
        [(command, body)] = serve_in_process(Noisy, [("RUN", run)])
        self.assertEqual(command, "RESULT")
        states = substream_states(3)
        expected = [sm.normal(MRG32k3a(states[k:k + 6])) for k in range(0, 18, 6)]
        expected += [10.0 + x for x in expected[:2]]
        self.assertEqual(body["outputs"], expected)
        self.assertGreaterEqual(body["seconds"], 0.0)

    def test_missing_parameters_get_their_default(self):
        seen = []

        class Recorder(Noisy):
            params = {"mu": {"type": "number", "default": 2.5},
                      "k": {"type": "integer", "default": 3},
                      "mode": {"type": "string", "default": "a"}}

            def replicate(self, params, rng):
                seen.append(dict(params))
                return 0.0

        run = {"job": 1, "entries": [entry(0, {}, 0, 1), entry(1, {"mu": 1.0, "k": 7.0}, 0, 1)]}
        [(command, _)] = serve_in_process(Recorder, [("RUN", run)])
        self.assertEqual(command, "RESULT")
        self.assertEqual(seen[0], {"mu": 2.5, "k": 3, "mode": "a"})
        self.assertEqual(seen[1], {"mu": 1.0, "k": 7, "mode": "a"})
        self.assertIs(type(seen[1]["k"]), int)  # an integral float of an integer parameter

    def test_a_required_parameter_missing_is_an_error(self):
        run = {"job": 1, "entries": [entry(3, {"sigma": 1.0}, 0, 1)]}
        [(command, body)] = serve_in_process(Noisy, [("RUN", run)])
        self.assertEqual((command, body["entry"]), ("ERROR", 0))
        self.assertEqual(body["message"], "system 3: parameter 'mu' is required")

    def test_an_exception_becomes_error_and_serving_goes_on(self):
        bad_run = {"job": 1, "entries": [entry(2, {"mu": 1.0}, 0, 2), entry(4, {"mu": -1.0}, 12, 3)]}
        good_run = {"job": 1, "entries": [entry(4, {"mu": 1.0}, 12, 3)]}
        replies = serve_in_process(Noisy, [("RUN", bad_run), ("RUN", good_run)])
        self.assertEqual(replies[0], ["ERROR", {"message": "system 4, replication 12: "
                                                "ValueError: mu must be >= 0", "entry": 1}])
        self.assertEqual(replies[1][0], "RESULT")
        self.assertEqual(len(replies[1][1]["outputs"]), 3)

    def test_the_replication_named_is_the_one_that_failed(self):
        class FailsOnThird(Noisy):
            calls = 0

            def replicate(self, params, rng):
                FailsOnThird.calls += 1
                if FailsOnThird.calls == 3:
                    raise sm.ModelError("third time unlucky")
                return 0.0

        [(_, body)] = serve_in_process(FailsOnThird, [("RUN", {"entries": [entry(9, {"mu": 0}, 40, 5)]})])
        self.assertEqual(body, {"message": "system 9, replication 42: third time unlucky", "entry": 0})

    def test_several_streams_give_a_list_of_generators(self):
        seen = []

        class TwoStreams(Noisy):
            streams = 2

            def replicate(self, params, rngs):
                seen.append([rng.state for rng in rngs])
                return 0.0

        run = {"entries": [entry(0, {"mu": 0}, 0, 2, streams=2)]}
        [(command, _)] = serve_in_process(TwoStreams, [("RUN", run)])
        states = substream_states(4)
        self.assertEqual(command, "RESULT")
        self.assertEqual(seen, [[tuple(states[0:6]), tuple(states[6:12])],
                                [tuple(states[12:18]), tuple(states[18:24])]])

    def test_a_wrong_count_of_states_is_an_error(self):
        run = {"entries": [{**entry(5, {"mu": 0}, 0, 2), "count": 3}]}
        [(command, body)] = serve_in_process(Noisy, [("RUN", run)])
        self.assertEqual((command, body["entry"]), ("ERROR", 0))
        self.assertIn("system 5: 12 state integers for 3 replication(s)", body["message"])

    def test_values_with_float_are_sent_as_numbers_and_others_refused(self):
        class Odd(Noisy):
            def replicate(self, params, rng):
                return Fraction(1, 4) if params["mu"] == 0 else object()

        replies = serve_in_process(Odd, [("RUN", {"entries": [entry(0, {"mu": 0}, 0, 2)]}),
                                         ("RUN", {"entries": [entry(0, {"mu": 0}, 0, 1),
                                                              entry(6, {"mu": 1}, 8, 2)]})])
        self.assertEqual(replies[0][0], "RESULT")
        self.assertEqual(replies[0][1]["outputs"], [0.25, 0.25])
        self.assertEqual(replies[1], ["ERROR", {"entry": 1, "message": "system 6, replication 8: "
                                                "replicate returned a object, not a number"}])

    def test_an_unknown_command_gets_an_error(self):
        [(command, body)] = serve_in_process(Noisy, [("PING", {})])
        self.assertEqual((command, body), ("ERROR", {"message": "unknown command 'PING'"}))

    def test_a_model_without_larger_is_better_answers_hello_with_error(self):
        class Unfinished(sm.Model):
            name = "unfinished"

        [(command, body)] = serve_in_process(Unfinished, [("HELLO", {"protocol": 1})])
        self.assertEqual(command, "ERROR")
        self.assertIn("larger_is_better", body["message"])

    def test_serve_function_adapts_a_plain_function(self):
        stdin = io.BytesIO(frame_bytes("HELLO", {"protocol": 1}) +
                           frame_bytes("RUN", {"entries": [entry(0, {"mu": 2.0}, 0, 2)]}))
        stdout = io.BytesIO()
        sm.serve_function(lambda params, rng: params["mu"] + rng.next_uniform(), name="plain",
                          params={"mu": {"type": "number"}}, output="y", larger_is_better=False,
                          stdin=stdin, stdout=stdout)
        stdout.seek(0)
        hello, result = sm.read_frame(stdout), sm.read_frame(stdout)
        self.assertEqual((hello[1]["name"], hello[1]["larger_is_better"]), ("plain", False))
        first = MRG32k3a(substream_states(1)).next_uniform()
        self.assertEqual(result[1]["outputs"][0], 2.0 + first)

    def test_a_broken_frame_ends_serve_with_status_2(self):
        stderr = io.StringIO()
        with self.assertRaises(SystemExit) as stopped, contextlib.redirect_stderr(stderr):
            sm.serve(Noisy, stdin=io.BytesIO(b"\x00\x00\x00"), stdout=io.BytesIO())
        self.assertEqual(stopped.exception.code, 2)
        self.assertEqual(stderr.getvalue(),
                         "simsel_model: protocol error: end of file inside a frame's length\n")


class Mm1ProcessTest(unittest.TestCase):
    """examples/models/mm1_queue.py as a child process, as the node runs it."""

    def setUp(self):
        self.model = ModelProcess(MM1)

    def tearDown(self):
        if self.model.process.poll() is None:
            self.model.kill()

    def test_hello_fields(self):
        command, body = self.model.ask("HELLO", {"protocol": 1})
        self.assertEqual(command, "HELLO")
        self.assertEqual((body["protocol"], body["name"], body["larger_is_better"],
                          body["streams"]), (1, "mm1", False, 2))
        self.assertEqual(set(body["params"]), {"mu", "arrival_rate", "service_cost", "waiting_cost"})
        self.assertNotIn("default", body["params"]["mu"])
        self.assertEqual(body["params"]["arrival_rate"]["default"], 1.0)
        self.assertIn("stable", body["params"]["mu"]["help"])

    def test_run_gives_finite_outputs_and_the_same_run_the_same_outputs(self):
        self.model.ask("HELLO", {"protocol": 1})
        run = {"job": 7, "entries": [entry(4, {"mu": 2.5}, 10, 2, streams=2),
                                     entry(5, {"mu": 4.0}, 0, 3, streams=2)]}
        first = self.model.ask("RUN", run)
        second = self.model.ask("RUN", run)
        self.assertEqual(first[0], "RESULT")
        self.assertEqual(len(first[1]["outputs"]), 5)
        self.assertTrue(all(math.isfinite(x) for x in first[1]["outputs"]))
        self.assertEqual(first[1]["outputs"], second[1]["outputs"])
        self.assertEqual(self.model.close(), (0, ""))

    def test_defaults_are_filled(self):
        self.model.ask("HELLO", {"protocol": 1})
        explicit = {"mu": 3.0, "arrival_rate": 1.0, "service_cost": 1.0, "waiting_cost": 4.0}
        by_default = self.model.ask("RUN", {"entries": [entry(0, {"mu": 3.0}, 0, 4, streams=2)]})
        given = self.model.ask("RUN", {"entries": [entry(0, explicit, 0, 4, streams=2)]})
        self.assertEqual(by_default[1]["outputs"], given[1]["outputs"])

    def test_cost_is_near_its_steady_state_value(self):
        # mu = 3 with the defaults: 3 + 4 / (3 - 1) = 5 in steady state.
        self.model.ask("HELLO", {"protocol": 1})
        reply = self.model.ask("RUN", {"entries": [entry(0, {"mu": 3.0}, 0, 100, streams=2)]})
        outputs = reply[1]["outputs"]
        self.assertAlmostEqual(sum(outputs) / len(outputs), 5.0, delta=0.15)

    def test_a_bad_system_is_an_error_and_the_process_keeps_serving(self):
        self.model.ask("HELLO", {"protocol": 1})
        bad = {"entries": [entry(1, {"mu": 3.0}, 0, 1, streams=2),
                           entry(4, {"mu": -2.0}, 12, 1, streams=2)]}
        command, body = self.model.ask("RUN", bad)
        self.assertEqual((command, body["entry"]), ("ERROR", 1))
        self.assertTrue(body["message"].startswith("system 4, replication 12: ValueError: "))
        command, _ = self.model.ask("RUN", {"entries": [entry(1, {"mu": 3.0}, 0, 1, streams=2)]})
        self.assertEqual(command, "RESULT")
        status, stderr = self.model.close()
        self.assertEqual(status, 0)
        self.assertIn("ValueError", stderr)  # the traceback, for the node's log


class StdoutProtectionTest(unittest.TestCase):
    CHATTY = """
import os, sys
sys.path.insert(0, {sdk!r})
from simsel_model import Model, serve
class Chatty(Model):
    name = "chatty"
    output = "x"
    larger_is_better = True
    def __init__(self):
        print("constructed")
    def replicate(self, params, rng):
        print("hello from replicate")
        os.write(1, b"straight to fd 1\\n")
        return rng.next_uniform()
serve(Chatty)
"""

    def test_print_in_a_model_goes_to_stderr_not_into_the_frames(self):
        code = self.CHATTY.format(sdk=os.path.join(ROOT, "sdk", "python"))
        model = ModelProcess("-c", code)
        self.assertEqual(model.ask("HELLO", {"protocol": 1})[1]["name"], "chatty")
        command, body = model.ask("RUN", {"entries": [entry(0, {}, 0, 2)]})
        self.assertEqual(command, "RESULT")
        self.assertEqual(len(body["outputs"]), 2)
        status, stderr = model.close()
        self.assertEqual(status, 0)
        self.assertEqual(stderr.count("hello from replicate"), 2)
        self.assertEqual(stderr.count("straight to fd 1"), 2)
        self.assertIn("constructed", stderr)


class FlowlineTest(unittest.TestCase):
    """examples/models/tp_flowline.py against nodes/models/tp.cpp."""

    def test_outputs_are_the_cpp_doubles(self):
        # From tp.cpp's simulate_flowline, compiled on its own, on substreams 0 and 1 of stream
        # 1 from 12345 x 6 (two of 800 replications compared bit for bit, all equal).
        cases = {(6, 7, 7, 12, 8): [5.181835263412454, 5.576818404436728],
                 (1, 1, 18, 1, 19): [0.6739043189456884, 0.6616696177411309],
                 (3, 9, 8, 2, 18): [2.517711160107106, 2.9613394748783954]}
        states = substream_states(2)
        for x, expected in cases.items():
            with self.subTest(system=x):
                got = [tp_flowline.simulate_flowline(*x, MRG32k3a(states[k:k + 6]))
                       for k in (0, 6)]
                self.assertEqual(got, expected)

    def test_throughput_is_plausible(self):
        # REFERENCE.md 1.2: E[50/T] is about 5.861 for (6,7,7,12,8), sd about 0.72 per replication.
        model = tp_flowline.FlowLine()
        params = {"r1": 6, "r2": 7, "r3": 7, "b2": 12, "b3": 8}
        states = substream_states(200)
        outputs = [model.replicate(params, MRG32k3a(states[k:k + 6])) for k in range(0, 1200, 6)]
        self.assertAlmostEqual(sum(outputs) / len(outputs), 5.86, delta=0.15)

    def test_hello_through_the_process(self):
        model = ModelProcess(os.path.join(ROOT, "examples", "models", "tp_flowline.py"))
        command, body = model.ask("HELLO", {"protocol": 1})
        self.assertEqual((command, body["name"], body["output"]), ("HELLO", "tp_py", "throughput"))
        self.assertEqual(body["params"]["b2"], {"type": "integer", "minimum": 1, "help":
                                                "capacity of station 2, counting the job in service"})
        _, result = model.ask("RUN", {"entries": [entry(0, {"r1": 6, "r2": 7, "r3": 7, "b2": 12.0,
                                                            "b3": 8}, 0, 1)]})
        self.assertEqual(result["outputs"], [5.181835263412454])
        self.assertEqual(model.close(), (0, ""))


class ConformanceModelsTest(unittest.TestCase):
    """tests/models/misbehaving_model.py: each behaviour misbehaves as its header says, and only
    that way."""

    def start(self, behaviour):
        return ModelProcess(os.path.join(TEST_MODELS, "misbehaving_model.py"), behaviour)

    def hello(self, stem):
        model = self.start(stem)
        command, body = model.ask("HELLO", {"protocol": 1})
        self.assertEqual((command, body["name"], body["params"], body["output"],
                          body["larger_is_better"]),
                         ("HELLO", "misbehaving_" + stem, {"mu": {"type": "number"}}, "x", True))
        return model, body

    def run_two_systems(self, model, mu=(1.0, 2.0)):
        return model.ask("RUN", {"job": 3, "entries": [entry(0, {"mu": mu[0]}, 0, 2),
                                                       entry(1, {"mu": mu[1]}, 0, 2)]})

    def test_crash_model(self):
        model, _ = self.hello("crash")
        self.assertIsNone(self.run_two_systems(model))
        self.assertEqual(model.close(), (3, "boom: simulated crash\n"))

    def test_hang_model(self):
        model, _ = self.hello("hang")
        sm.write_frame(model.process.stdin, "RUN", {"entries": [entry(0, {"mu": 0.0}, 0, 1)]})
        self.assertFalse(model.answers_within(0.5))
        model.kill()

    def test_garbage_model(self):
        model, _ = self.hello("garbage")
        sm.write_frame(model.process.stdin, "RUN", {"entries": [entry(0, {"mu": 0.0}, 0, 1)]})
        self.assertEqual(model.process.stdout.read(20), b"this is not a frame\n")
        model.kill()

    def test_nan_model(self):
        model, _ = self.hello("nan")
        outputs = self.run_two_systems(model)[1]["outputs"]
        self.assertTrue(all(math.isfinite(x) for x in outputs[:2]))
        self.assertTrue(all(math.isnan(x) for x in outputs[2:]))
        model.close()

    def test_wrong_count_model(self):
        model, _ = self.hello("wrong_count")
        self.assertEqual(len(self.run_two_systems(model)[1]["outputs"]), 3)
        model.close()

    def test_string_output_model(self):
        model, _ = self.hello("string_output")
        self.assertEqual(self.run_two_systems(model)[1]["outputs"], ["abc"] * 4)
        model.close()

    def test_no_hello_model(self):
        model = self.start("no_hello")
        self.assertEqual(model.process.wait(timeout=10), 0)
        self.assertEqual(model.process.stdout.read(), b"")
        model.process.stdout.close()
        model.process.stderr.close()
        model.process.stdin.close()

    def test_version_model(self):
        model = self.start("version")
        command, body = model.ask("HELLO", {"protocol": 1})
        self.assertEqual((command, body["protocol"], body["name"]), ("HELLO", 2, "misbehaving_version"))
        model.close()

    def test_error_model(self):
        model, _ = self.hello("error")
        command, body = self.run_two_systems(model, mu=(1.0, -1.0))
        self.assertEqual((command, body), ("ERROR", {"message": "system 1, replication 0: mu must "
                                                     "be positive", "entry": 1}))
        command, body = self.run_two_systems(model)
        self.assertEqual(command, "RESULT")
        self.assertTrue(all(math.isfinite(x) for x in body["outputs"]))
        self.assertEqual(model.close()[0], 0)

    def test_well_behaved_outputs_are_normal_mu_1(self):
        # Every test model that answers gives normal(mu, 1) on the substream's first uniform.
        states = substream_states(2)
        expected = [sm.normal(MRG32k3a(states[k:k + 6]), 1.0, 1.0) for k in (0, 6)]
        for stem in ["version", "error", "wrong_count"]:
            with self.subTest(model=stem):
                model = self.start(stem)
                model.ask("HELLO", {"protocol": 1})
                outputs = self.run_two_systems(model)[1]["outputs"]
                self.assertEqual(outputs[:2], expected)
                model.close()


if __name__ == "__main__":
    unittest.main()
