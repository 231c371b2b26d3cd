"""simsel_model: write a simsel simulation model in Python, run by a node as a child process.

Owns the three things a Python model needs and nothing else: the MRG32k3a generator and its
jumps, variates by inversion (one uniform each, like common/rng/variates.h), and serve(), the
loop that speaks docs/MODEL_PROTOCOL.md on stdin/stdout. Pure Python: stdlib and msgpack only.
Not here: which generator a replication gets (the node decides and sends the states) and the
checks of outputs and parameters (the node makes them). One process serves one node thread, so
nothing here is thread-safe.

A model is a dozen lines:

    from simsel_model import Model, normal, serve

    class Noisy(Model):
        name = "noisy"
        params = {"mu": {"type": "number", "help": "mean"}}
        output = "x"
        larger_is_better = True

        def replicate(self, params, rng):
            return normal(rng, params["mu"], 1.0)

    if __name__ == "__main__":
        serve(Noisy)
"""

import math
import operator
import os
import struct
import sys
import time
import traceback
from statistics import NormalDist

import msgpack

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_STREAMS = 64

# ---------------------------------------------------------------------------------------------
# MRG32k3a (L'Ecuyer 1999) with the RngStreams conventions: streams 2^127 steps apart,
# substreams 2^76 apart.

M1, A12, A13N = 4294967087, 1403580, 810728
M2, A21, A23N = 4294944443, 527612, 1370589
_SUBSTREAM_EXPONENT = 76
_STREAM_EXPONENT = 127

# The one-step matrices map (x[n-3], x[n-2], x[n-1]) to (x[n-2], x[n-1], x[n]).
_ONE_STEP = (
    (((0, 1, 0), (0, 0, 1), (M1 - A13N, A12, 0)), M1),
    (((0, 1, 0), (0, 0, 1), (M2 - A23N, 0, A21)), M2),
)


class MRG32k3a:
    """One generator; its state is x1[n-3], x1[n-2], x1[n-1], x2[n-3], x2[n-2], x2[n-1]."""

    __slots__ = ("_s",)

    def __init__(self, state):
        """Raises ValueError unless state is six ints, the first three in 0..m1-1, the last
        three in 0..m2-1, and neither triple all zero (it would stay zero forever)."""
        values = tuple(map(operator.index, state))
        valid = len(values) == 6 and _component_ok(values[:3], M1) and _component_ok(values[3:], M2)
        if not valid:
            raise ValueError(f"not an MRG32k3a state: {list(values)!r}")
        self._s = values

    def next_uniform(self):
        """The next uniform in (0, 1), never 0 nor 1. The recurrence runs on doubles, which
        MODEL_PROTOCOL.md allows: every product and sum stays below 2^53 and float % is exact,
        so the values are the integer recurrence's, about a third faster than Python ints.
        Literals, not M1 and friends: a constant is cheaper than a global lookup here."""
        x0, x1, x2, y0, y1, y2 = self._s
        p1 = (1403580.0 * x1 - 810728.0 * x0) % 4294967087.0  # a12, a13n, m1
        p2 = (527612.0 * y2 - 1370589.0 * y0) % 4294944443.0  # a21, a23n, m2
        self._s = (x1, x2, p1, y1, y2, p2)
        return (p1 - p2 if p1 > p2 else p1 - p2 + 4294967087.0) * 2.328306549295727688e-10

    @property
    def state(self):
        """The six integers, as a tuple of ints."""
        return tuple(int(v) for v in self._s)

    def jump_streams(self, n=1):
        """Moves the state n streams (n * 2^127 steps) ahead of where it is now."""
        self._jump(n, _STREAM_EXPONENT)

    def jump_substreams(self, n=1):
        """Moves the state n substreams (n * 2^76 steps) ahead of where it is now."""
        self._jump(n, _SUBSTREAM_EXPONENT)

    def _jump(self, n, exponent):
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"cannot jump back ({n})")
        s = self.state  # ints: the jump's products exceed 2^53
        self._s = _jump_component(0, s[:3], n, exponent) + _jump_component(1, s[3:], n, exponent)

    def __repr__(self):
        return f"MRG32k3a({list(self.state)!r})"


def _component_ok(values, modulus):
    return 0 <= min(values) and max(values) < modulus and any(values)


def _generator(values):
    """A generator on a state the node sent: trusted, so built without MRG32k3a's checks
    (they would cost more than a fast model's replication)."""
    rng = _new_object(MRG32k3a)
    rng._s = values
    return rng


_new_object = object.__new__

# _POWERS[c][e] = A_c^(2^e) mod m_c, grown by squaring as jumps need them and kept.
_POWERS = ([_ONE_STEP[0][0]], [_ONE_STEP[1][0]])


def _power_of_two(component, e):
    powers = _POWERS[component]
    modulus = _ONE_STEP[component][1]
    while len(powers) <= e:
        powers.append(_matrix_product(powers[-1], powers[-1], modulus))
    return powers[e]


def _matrix_product(a, b, modulus):
    return tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) % modulus for j in range(3))
        for i in range(3)
    )


def _jump_component(component, values, n, exponent):
    """Advances one component's three values n * 2^exponent steps: a product per set bit."""
    modulus = _ONE_STEP[component][1]
    e = exponent
    while n:
        if n & 1:
            a = _power_of_two(component, e)
            values = tuple(sum(a[i][k] * values[k] for k in range(3)) % modulus for i in range(3))
        n >>= 1
        e += 1
    return tuple(values)


# ---------------------------------------------------------------------------------------------
# Variates by inversion: each consumes exactly one uniform, and a larger uniform never gives a
# smaller variate, so common random numbers stay synchronised across systems.

_log = math.log
_standard_normal_quantile = NormalDist().inv_cdf


def uniform(rng, a=0.0, b=1.0):
    """Uniform on (a, b)."""
    return a + (b - a) * rng.next_uniform()


def exponential(rng, rate):
    """Exponential with the given rate (mean 1/rate). The expression of variates.h, so the
    double is bit-identical to simsel's C++ for the same state and rate."""
    if not rate > 0:
        raise ValueError(f"exponential: rate must be > 0, not {rate!r}")
    return -_log(1.0 - rng.next_uniform()) / rate


def normal(rng, mu=0.0, sigma=1.0):
    """Normal by inversion, mu + sigma * Phi^-1(u). Python's Phi^-1 (statistics.NormalDist) is
    accurate to about an ulp but is not the C++ Boost erfc_inv, so the last bits may differ
    from the built-in `normal` model; the uniform used is the same."""
    return mu + sigma * _standard_normal_quantile(rng.next_uniform())


def poisson(rng, mean):
    """Poisson by sequential search of the CDF from 0, as variates.h does; the work grows with
    the mean. Raises ValueError unless 0 < mean <= 700 (exp(-mean) must not underflow)."""
    if not 0 < mean <= 700:
        raise ValueError(f"poisson: mean must be in (0, 700], not {mean!r}")
    u = rng.next_uniform()
    k = 0
    pmf = math.exp(-mean)
    cdf = pmf
    # pmf > 0 guards the far tail, where rounding can leave cdf just below a u near 1.
    while u > cdf and pmf > 0:
        k += 1
        pmf *= mean / k
        cdf += pmf
    return k


# ---------------------------------------------------------------------------------------------
# The author's API.


class Model:
    """Subclass it, set the class attributes and write replicate(). The attributes become the
    HELLO of docs/MODEL_PROTOCOL.md; `params` maps a parameter name to its schema (type
    "integer", "number" or "string"; optional minimum, maximum, exclusiveMinimum,
    exclusiveMaximum, enum, default, help)."""

    name = None  # required: must equal the `name` of the node's [[node.models]] entry
    description = ""  # one sentence
    params = {}
    output = ""  # what the output measures, e.g. "cost per hour"
    larger_is_better = None  # required: True or False
    streams = 1  # generators per replication, 1..64

    def replicate(self, params, rng):
        """One replication: returns a number. `params` holds every parameter (defaults filled
        in, integral floats of integer parameters made ints); do not modify it, it is shared by
        the entry's replications. `rng` is an MRG32k3a when streams == 1, else a list of
        `streams` of them (SimOpt's replicate(factors, rngs))."""
        raise NotImplementedError(f"{type(self).__name__}.replicate")


class ModelError(Exception):
    """Raise it from replicate() for a message meant for the user as it is: the node reports
    "system 4, replication 12: mu must be positive" rather than an exception's type name."""


def serve_function(fn, *, name, params=None, output="", larger_is_better, description="",
                   streams=1, stdin=None, stdout=None):
    """serve() for a plain function fn(params, rng) -> number (PyPRS style); with streams > 1
    it gets a list of generators. The other arguments are Model's attributes."""
    model = Model()
    model.name, model.description, model.output = name, description, output
    model.params = params or {}
    model.larger_is_better, model.streams = larger_is_better, streams
    model.replicate = fn  # an instance attribute: no extra call per replication
    serve(model, stdin=stdin, stdout=stdout)


def describe(model):
    """The body of the model's HELLO. Raises ModelError naming the attribute that is wrong."""
    model = _instance(model)
    if not isinstance(model.name, str) or not model.name:
        raise ModelError(f"{type(model).__name__}.name must be a non-empty string")
    if not isinstance(model.larger_is_better, bool):
        raise ModelError(f"{type(model).__name__}.larger_is_better must be True or False")
    if type(model.streams) is not int or not 1 <= model.streams <= MAX_STREAMS:
        raise ModelError(f"{type(model).__name__}.streams must be an integer in 1..{MAX_STREAMS}")
    if not isinstance(model.params, dict) or not all(
        isinstance(k, str) and isinstance(v, dict) for k, v in model.params.items()
    ):
        raise ModelError(f"{type(model).__name__}.params must map names to schema dicts")
    body = {"protocol": PROTOCOL_VERSION, "name": model.name, "params": model.params,
            "output": model.output, "larger_is_better": model.larger_is_better,
            "streams": model.streams}
    if model.description:
        body["description"] = model.description
    return body


def _instance(model):
    return model() if isinstance(model, type) else model


# ---------------------------------------------------------------------------------------------
# Frames: a 4-byte big-endian length, then one MessagePack value [command, body].

_LENGTH = struct.Struct(">I")


class ProtocolError(Exception):
    """The input is not a stream of frames: the conversation cannot go on."""


def read_frame(stream):
    """The next frame's payload decoded, or None at end of file between frames. Raises
    ProtocolError when the framing is broken or the payload is not MessagePack; a payload of
    the wrong shape (not [str, map]) comes back as it is, for the caller to answer."""
    header = _read_exactly(stream, 4)
    if not header:
        return None
    if len(header) < 4:
        raise ProtocolError("end of file inside a frame's length")
    (length,) = _LENGTH.unpack(header)
    if not 1 <= length <= MAX_FRAME_BYTES:
        raise ProtocolError(f"frame length {length} is outside 1..{MAX_FRAME_BYTES}")
    payload = _read_exactly(stream, length)
    if len(payload) < length:
        raise ProtocolError(f"end of file after {len(payload)} of a frame's {length} bytes")
    try:
        return msgpack.unpackb(payload, raw=False)
    except Exception as e:  # msgpack raises several types for bad bytes
        raise ProtocolError(f"a frame's payload is not one MessagePack value ({e})") from None


def write_frame(stream, command, body):
    """Writes [command, body] as one frame and flushes. Raises ValueError if it exceeds
    MAX_FRAME_BYTES, TypeError if body holds something MessagePack cannot encode."""
    payload = msgpack.packb([command, body], use_bin_type=True)
    if len(payload) > MAX_FRAME_BYTES:
        raise ValueError(f"a {command} of {len(payload)} bytes exceeds {MAX_FRAME_BYTES}")
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _read_exactly(stream, size):
    data = stream.read(size)
    while data and len(data) < size:  # a raw stream may return less than asked
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data or b""


# ---------------------------------------------------------------------------------------------
# The protocol loop.


def serve(model, *, stdin=None, stdout=None):
    """Answers the node until end of input, then returns (so the script ends with status 0).
    `model` is a Model subclass or instance. HELLO gets the model's description, RUN a RESULT or
    an ERROR naming the entry; the loop survives exceptions from replicate(). While it runs,
    fd 1 and sys.stdout go to stderr, so print() in a model cannot corrupt the frames (output
    written before serve() is called, at import, is beyond its reach). A broken frame from the
    node ends the process with status 2 and a message on stderr.
    stdin/stdout (binary streams) replace the process's own, for tests."""
    with _FrameStreams(stdin, stdout) as (frames_in, frames_out):
        session = _Session(_instance(model))  # inside: a print() in __init__ is kept off too
        try:
            while (frame := read_frame(frames_in)) is not None:
                reply = session.answer(frame)
                try:
                    write_frame(frames_out, *reply)
                except (TypeError, ValueError, OverflowError) as e:  # raised before writing
                    write_frame(frames_out, *session.replacement(reply, e))
        except ProtocolError as e:
            sys.stderr.write(f"simsel_model: protocol error: {e}\n")
            raise SystemExit(2) from None
        except BrokenPipeError:
            raise SystemExit(1) from None  # the node is gone; nobody to tell


class _FrameStreams:
    """The streams frames travel on, and stdout kept for them alone: the frames get a copy of
    fd 1, then fd 1 and sys.stdout are pointed at stderr (print, C extensions and children
    included); both are put back on exit."""

    def __init__(self, stdin, stdout):
        self._given = (stdin, stdout)

    def __enter__(self):
        stdin, stdout = self._given
        self._saved_stdout = sys.stdout
        self._saved_fd = None
        if stdout is None:
            self._saved_fd = os.dup(1)
            stdout = os.fdopen(os.dup(1), "wb")
            os.dup2(2, 1)
        sys.stdout = sys.stderr
        self._streams = (stdin if stdin is not None else sys.stdin.buffer, stdout)
        return self._streams

    def __exit__(self, *exc):
        sys.stdout = self._saved_stdout
        if self._saved_fd is not None:
            self._saved_stdout.flush()
            self._streams[1].close()
            os.dup2(self._saved_fd, 1)
            os.close(self._saved_fd)
        return False


class _Session:
    """One model's answers: HELLO and RUN in, one reply each out."""

    def __init__(self, model):
        self.model = model
        self.last_run = ([], [])  # outputs and entries of the last RESULT
        try:
            self.hello, self.broken = describe(model), None
        except ModelError as e:
            self.hello, self.broken = None, str(e)  # every message gets this ERROR
            return
        schema = model.params
        self.defaults = {k: v["default"] for k, v in schema.items() if "default" in v}
        self.required = {k for k in schema if k not in self.defaults}
        self.integers = [k for k, v in schema.items() if v.get("type") == "integer"]

    def answer(self, frame):
        """The reply to one frame from the node, as (command, body)."""
        if not (isinstance(frame, list) and len(frame) == 2 and isinstance(frame[0], str)
                and isinstance(frame[1], dict)):
            return "ERROR", {"message": f"a frame must hold [command, body], not {frame!r:.200}"}
        command, body = frame
        if self.broken:
            return "ERROR", {"message": self.broken}
        if command == "HELLO":
            return "HELLO", self.hello
        if command == "RUN":
            return self.run(body)
        return "ERROR", {"message": f"unknown command {command!r}"}

    def run(self, body):
        started = time.perf_counter()
        outputs = []
        entries = body.get("entries")
        if not isinstance(entries, list) or not entries:
            return "ERROR", {"message": "RUN.entries must be a non-empty array"}
        for index, entry in enumerate(entries):
            message = self.run_entry(entry, outputs)
            if message is not None:
                return "ERROR", {"message": message, "entry": index}
        self.last_run = (outputs, entries)
        return "RESULT", {"outputs": outputs, "seconds": time.perf_counter() - started}

    def replacement(self, reply, failure):
        """What to send when `reply` could not be encoded: a RESULT whose outputs are made
        numbers where they can be, else an ERROR saying why."""
        if reply[0] == "RESULT" and isinstance(failure, TypeError):
            command, body = _numbers_only(*self.last_run)
            if command == "ERROR":
                return command, body
            try:
                msgpack.packb(body["outputs"])
                body["seconds"] = reply[1]["seconds"]
                return command, body
            except (TypeError, ValueError, OverflowError) as e:
                failure = e
        return "ERROR", {"message": f"the {reply[0]} cannot be encoded: {failure}"}

    def run_entry(self, entry, outputs):
        """Appends the entry's outputs; returns None, or the ERROR message."""
        if not isinstance(entry, dict):
            return "an entry must be a map"
        try:
            system, given, first = entry["system"], entry["params"], entry["first"]
            count, states = entry["count"], entry["states"]
        except KeyError as e:
            return f"entry without field {e}"
        if type(count) is not int or count < 1 or not isinstance(states, list):
            return f"system {system}: count must be an integer >= 1 and states an array"
        width = 6 * self.model.streams
        if len(states) != width * count:
            return (f"system {system}: {len(states)} state integers for {count} replication(s) "
                    f"of {self.model.streams} generator(s); expected {width * count}")
        params, message = self.entry_params(system, given)
        if message is not None:
            return message
        done = len(outputs)
        try:
            _replicate_all(self.model.replicate, params, states, width, outputs)
        except Exception as e:
            replication = first + len(outputs) - done
            traceback.print_exc(file=sys.stderr)
            text = str(e) if isinstance(e, ModelError) else (
                f"{type(e).__name__}: {e}" if str(e) else type(e).__name__)
            return f"system {system}, replication {replication}: {text}"
        return None

    def entry_params(self, system, given):
        """The parameters replicate() sees: defaults filled, integral floats of integer
        parameters made ints (a job may write 6.0). Returns (params, None) or (None, message)."""
        if not isinstance(given, dict):
            return None, f"system {system}: params must be a map"
        params = given
        if not self.defaults.keys() <= given.keys():
            params = {**self.defaults, **given}
        missing = self.required - params.keys()
        if missing:
            return None, f"system {system}: parameter {sorted(missing)[0]!r} is required"
        for name in self.integers:
            value = params.get(name)
            if type(value) is float and value.is_integer():
                params = dict(params) if params is given else params
                params[name] = int(value)
        return params, None


def _replicate_all(replicate, params, states, width, outputs):
    """The hot loop: one generator (or list of them) per replication, sliced from `states`."""
    append = outputs.append
    generator = _generator
    if width == 6:
        for k in range(0, len(states), 6):
            append(replicate(params, generator(states[k:k + 6])))
    else:
        for k in range(0, len(states), width):
            append(replicate(params, [generator(states[j:j + 6]) for j in range(k, k + width, 6)]))


def _numbers_only(outputs, entries):
    """RESULT again, after MessagePack failed on it: values with __float__ (numpy scalars,
    Decimal) made floats, or an ERROR naming the first output that is no number at all.
    Other values (NaN, strings) go as they are: the node checks every output."""
    for position, value in enumerate(outputs):
        if isinstance(value, (int, float, str)):
            continue
        if not hasattr(type(value), "__float__"):
            index, system, replication = _whose_output(entries, position)
            return "ERROR", {"entry": index, "message":
                             f"system {system}, replication {replication}: "
                             f"replicate returned a {type(value).__name__}, not a number"}
        outputs[position] = float(value)
    return "RESULT", {"outputs": outputs}


def _whose_output(entries, position):
    """(entry index, system, replication) of the output at `position` of a RESULT."""
    for index, entry in enumerate(entries):
        if position < entry["count"]:
            return index, entry["system"], entry["first"] + position
        position -= entry["count"]
    raise IndexError(position)
