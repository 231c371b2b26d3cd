/* normal_model: a user's simulation model as its own process, written from docs/MODEL_PROTOCOL.md
 * alone (no simsel header, no MessagePack library). Model "normal_c": each replication returns
 * mu + sigma * Phi^-1(u), u the first uniform of its one generator. Single-threaded: reads frames
 * from stdin and answers each on stdout; exits 0 at end of file, 2 when its input can no longer
 * be framed (or memory runs out). It also measures the protocol's cost per replication, hence
 * buffers reused across messages and states decoded straight into one of them.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, SIGPIPE */

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inverse_normal.h"

#define MAX_FRAME_BYTES 67108864u

static void die(const char* format, ...) {
  va_list args;
  va_start(args, format);
  fputs("normal_model: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(2);
}

/* Returns `data` grown to hold at least `needed` elements of `width` bytes. Buffers only grow,
 * so a session stops allocating once it has seen its largest message. */
static void* reserve(void* data, size_t* capacity, size_t needed, size_t width) {
  if (needed <= *capacity) return data;
  size_t grown = *capacity ? *capacity : 4096;
  while (grown < needed) grown *= 2;
  void* bigger = realloc(data, grown * width);
  if (!bigger) die("out of memory for %zu bytes", grown * width);
  *capacity = grown;
  return bigger;
}

typedef struct {
  uint8_t* bytes;
  size_t size, capacity;
} byte_buffer;

static uint8_t* append_space(byte_buffer* b, size_t extra) {
  b->bytes = reserve(b->bytes, &b->capacity, b->size + extra, 1);
  b->size += extra;
  return b->bytes + b->size - extra;
}

/* ---- MessagePack out: the few forms the answers need ---- */

static void put_tagged(byte_buffer* b, uint8_t tag, uint64_t value, int width) {
  uint8_t* at = append_space(b, 1 + (size_t)width);
  at[0] = tag;
  for (int i = 0; i < width; i++) at[1 + i] = (uint8_t)(value >> (8 * (width - 1 - i)));
}

/* The fix form when n < fix_limit, else the widest form: longer than the shortest at times,
 * which MessagePack allows, and every answer's big part (its outputs) is float64 anyway. */
static void put_head(byte_buffer* b, uint8_t fix, uint64_t fix_limit, uint8_t wide, uint64_t n) {
  if (n < fix_limit) {
    *append_space(b, 1) = (uint8_t)(fix | n);
  } else {
    put_tagged(b, wide, n, wide == 0xcf ? 8 : 4);
  }
}

static void put_uint(byte_buffer* b, uint64_t v) {
  put_head(b, 0x00, 0x80, 0xcf, v);
}
static void put_array(byte_buffer* b, uint64_t n) {
  put_head(b, 0x90, 16, 0xdd, n);
}
static void put_map(byte_buffer* b, uint64_t n) {
  put_head(b, 0x80, 16, 0xdf, n);
}
static void put_bool(byte_buffer* b, bool v) {
  *append_space(b, 1) = v ? 0xc3 : 0xc2;
}

static void put_str(byte_buffer* b, const char* s) {
  const size_t n = strlen(s);
  put_head(b, 0xa0, 32, 0xdb, n);
  memcpy(append_space(b, n), s, n);
}

static void put_double(byte_buffer* b, double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  put_tagged(b, 0xcb, bits, 8);
}

/* ---- MessagePack in: every form, so that an unknown key's value can be skipped ---- */

typedef struct {
  const uint8_t* at;
  const uint8_t* end;
} reader;

/* MP_OTHER: nil, bool, bin or ext, which this model only skips. */
typedef enum { MP_UINT, MP_NEGATIVE, MP_FLOAT, MP_STR, MP_ARRAY, MP_MAP, MP_OTHER } mp_kind;

/* One value's head. Numbers (the first three kinds) carry `number`, and a uint its exact value
 * too; a str carries its bytes; an array or map its element or pair count, its elements next. */
typedef struct {
  mp_kind kind;
  uint64_t uint_value, length;
  double number;
  const uint8_t* bytes;
} mp_item;

static bool take(reader* r, uint64_t n, const uint8_t** bytes) {
  if ((uint64_t)(r->end - r->at) < n) return false;
  *bytes = r->at;
  r->at += n;
  return true;
}

static bool take_big_endian(reader* r, int width, uint64_t* value) {
  const uint8_t* p;
  if (!take(r, (uint64_t)width, &p)) return false;
  *value = 0;
  for (int i = 0; i < width; i++) *value = *value << 8 | p[i];
  return true;
}

static bool set_uint(mp_item* item, uint64_t value) {
  item->kind = MP_UINT;
  item->uint_value = value;
  item->number = (double)value;
  return true;
}

/* A two's complement int of `width` bytes; a non-negative one is a uint like any other. */
static bool set_int(mp_item* item, uint64_t bits, int width) {
  const uint64_t sign = (uint64_t)1 << (8 * width - 1), mask = (sign << 1) - 1;
  if (!(bits & sign)) return set_uint(item, bits);
  item->kind = MP_NEGATIVE;
  item->number = (double)(-(int64_t)(~bits & mask) - 1);
  return true;
}

static bool set_float(mp_item* item, uint64_t bits, int width) {
  const uint32_t bits32 = (uint32_t)bits;
  float f;
  item->kind = MP_FLOAT;
  if (width == 8) {
    memcpy(&item->number, &bits, 8);
  } else {
    memcpy(&f, &bits32, 4);
    item->number = f;
  }
  return true;
}

/* A str, bin or ext: `extra` bytes (an ext's type) plus `length` bytes, that length encoded in
 * the next `length_width` bytes unless that is 0. */
static bool take_bytes(reader* r, mp_item* item, mp_kind kind, uint64_t length, int length_width,
                       uint64_t extra) {
  item->kind = kind;
  if (length_width > 0 && !take_big_endian(r, length_width, &length)) return false;
  item->length = length;
  return take(r, length + extra, &item->bytes);
}

/* An array or map; its count must fit the bytes left, as each element takes at least one. */
static bool take_container(reader* r, mp_item* item, mp_kind kind, uint64_t count, int width) {
  item->kind = kind;
  if (width > 0 && !take_big_endian(r, width, &count)) return false;
  item->length = count;
  return (kind == MP_MAP ? 2 * count : count) <= (uint64_t)(r->end - r->at);
}

static bool mp_next(reader* r, mp_item* item) {
  const uint8_t* head;
  uint64_t bits;
  if (!take(r, 1, &head)) return false;
  const uint8_t tag = *head;
  if (tag <= 0x7f) return set_uint(item, tag);
  if (tag >= 0xe0) return set_int(item, tag, 1);
  if (tag <= 0x8f) return take_container(r, item, MP_MAP, tag & 0x0f, 0);
  if (tag <= 0x9f) return take_container(r, item, MP_ARRAY, tag & 0x0f, 0);
  if (tag <= 0xbf) return take_bytes(r, item, MP_STR, tag & 0x1f, 0, 0);
  if (tag == 0xc0 || tag == 0xc2 || tag == 0xc3) return take_bytes(r, item, MP_OTHER, 0, 0, 0);
  if (tag == 0xc1) return false;                                                  /* never used */
  if (tag <= 0xc6) return take_bytes(r, item, MP_OTHER, 0, 1 << (tag - 0xc4), 0); /* bin */
  if (tag <= 0xc9) return take_bytes(r, item, MP_OTHER, 0, 1 << (tag - 0xc7), 1); /* ext */
  if (tag <= 0xcb)
    return take_big_endian(r, 4 << (tag - 0xca), &bits) && set_float(item, bits, 4 << (tag - 0xca));
  if (tag <= 0xcf) return take_big_endian(r, 1 << (tag - 0xcc), &bits) && set_uint(item, bits);
  if (tag <= 0xd3)
    return take_big_endian(r, 1 << (tag - 0xd0), &bits) && set_int(item, bits, 1 << (tag - 0xd0));
  if (tag <= 0xd8) return take_bytes(r, item, MP_OTHER, (uint64_t)1 << (tag - 0xd4), 0, 1);
  if (tag <= 0xdb) return take_bytes(r, item, MP_STR, 0, 1 << (tag - 0xd9), 0);
  if (tag <= 0xdd) return take_container(r, item, MP_ARRAY, 0, 2 << (tag - 0xdc));
  return take_container(r, item, MP_MAP, 0, 2 << (tag - 0xde));
}

/* Skips `count` whole values, however deeply nested, without recursion. */
static bool mp_skip(reader* r, uint64_t count) {
  for (uint64_t pending = count; pending > 0; pending--) {
    mp_item item;
    if (!mp_next(r, &item)) return false;
    if (item.kind == MP_ARRAY) pending += item.length;
    if (item.kind == MP_MAP) pending += 2 * item.length;
  }
  return true;
}

static bool mp_read(reader* r, mp_kind kind, mp_item* item) {
  return mp_next(r, item) && item->kind == kind;
}

static bool mp_read_number(reader* r, double* value) {
  mp_item item;
  if (!mp_next(r, &item) || item.kind > MP_FLOAT) return false;
  *value = item.number;
  return true;
}

/* The node's state words are uint32 (or fixint) values, decoded here without mp_next: through
 * it they took a quarter of a replication's time. */
static bool mp_read_uint(reader* r, uint64_t* value) {
  const uint8_t* at = r->at;
  mp_item item;
  if (r->end - at >= 5 && at[0] == 0xce) {
    *value = (uint64_t)at[1] << 24 | (uint64_t)at[2] << 16 | (uint64_t)at[3] << 8 | at[4];
    r->at += 5;
    return true;
  }
  if (at < r->end && at[0] <= 0x7f) {
    *value = *r->at++;
    return true;
  }
  if (!mp_read(r, MP_UINT, &item)) return false;
  *value = item.uint_value;
  return true;
}

static bool is_str(const mp_item* item, const char* text) {
  return item->length == strlen(text) && memcmp(item->bytes, text, item->length) == 0;
}

/* The str with anything but printable ASCII shown as '?', for messages. */
static const char* printable(const mp_item* item, char* out, size_t size) {
  size_t n = 0;
  for (; n + 1 < size && n < item->length; n++) {
    const uint8_t c = item->bytes[n];
    out[n] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  out[n] = '\0';
  return out;
}

/* ---- The model ---- */

typedef struct {
  int64_t s[6]; /* x1[n-3], x1[n-2], x1[n-1], x2[n-3], x2[n-2], x2[n-1] */
} mrg32k3a;

static const int64_t M1 = 4294967087, A12 = 1403580, A13N = 810728;
static const int64_t M2 = 4294944443, A21 = 527612, A23N = 1370589;

/* False for a state outside the generator's: the node sends none, but one would overflow the
 * int64 products below. */
static bool mrg32k3a_from(const uint64_t* s, mrg32k3a* g) {
  for (int i = 0; i < 6; i++) {
    if (s[i] >= (uint64_t)(i < 3 ? M1 : M2)) return false;
    g->s[i] = (int64_t)s[i];
  }
  return (s[0] | s[1] | s[2]) != 0 && (s[3] | s[4] | s[5]) != 0;
}

static double mrg32k3a_next(mrg32k3a* g) {
  int64_t* s = g->s;
  int64_t p1 = (A12 * s[1] - A13N * s[0]) % M1; /* products < 2^53: exact */
  if (p1 < 0) p1 += M1;
  int64_t p2 = (A21 * s[5] - A23N * s[3]) % M2;
  if (p2 < 0) p2 += M2;
  s[0] = s[1], s[1] = s[2], s[2] = p1;
  s[3] = s[4], s[4] = s[5], s[5] = p2;
  return (double)(p1 > p2 ? p1 - p2 : p1 - p2 + M1) * 2.328306549295727688e-10;
}

typedef struct {
  double mu, sigma;
} normal_params;

/* One replication: the model proper; everything else in this file is plumbing. */
static double replicate(const normal_params* params, mrg32k3a* generator) {
  return params->mu + params->sigma * inverse_normal_cdf(mrg32k3a_next(generator));
}

static void put_hello_body(byte_buffer* b) {
  put_map(b, 7);
  put_str(b, "protocol"), put_uint(b, 1);
  put_str(b, "name"), put_str(b, "normal_c");
  put_str(b, "description");
  put_str(b, "A normal variate N(mu, sigma^2) per replication, by inversion.");
  put_str(b, "params"), put_map(b, 2);
  put_str(b, "mu"), put_map(b, 3);
  put_str(b, "type"), put_str(b, "number");
  put_str(b, "default"), put_double(b, 0.0);
  put_str(b, "help"), put_str(b, "mean");
  put_str(b, "sigma"), put_map(b, 4);
  put_str(b, "type"), put_str(b, "number");
  put_str(b, "exclusiveMinimum"), put_uint(b, 0);
  put_str(b, "default"), put_double(b, 1.0);
  put_str(b, "help"), put_str(b, "standard deviation");
  put_str(b, "output"), put_str(b, "x");
  put_str(b, "larger_is_better"), put_bool(b, true);
  put_str(b, "streams"), put_uint(b, 1);
}

/* ---- RUN: each entry decoded, checked, then simulated ---- */

typedef struct {
  char message[256];
  bool has_entry; /* then the message starts "entries[<entry>]" */
  uint64_t entry;
} problem;

static bool fail(problem* p, const char* format, ...) {
  const int used =
      p->has_entry ? snprintf(p->message, sizeof p->message, "entries[%" PRIu64 "]", p->entry) : 0;
  va_list args;
  va_start(args, format);
  vsnprintf(p->message + used, sizeof p->message - (size_t)used, format, args);
  va_end(args);
  return false;
}

typedef struct {
  double* values;
  size_t size, capacity;
} doubles;

typedef struct {
  uint64_t* values;
  size_t size, capacity;
} words;

typedef struct {
  normal_params params;
  uint64_t count; /* 0 until read */
  words* states;  /* the entry's `states`, decoded into a buffer that every entry reuses */
} entry;

static bool read_params(reader* r, normal_params* params, problem* p) {
  mp_item pairs, name;
  char shown[64];
  if (!mp_read(r, MP_MAP, &pairs)) return fail(p, ".params: must be a map");
  for (uint64_t i = 0; i < pairs.length; i++) {
    if (!mp_read(r, MP_STR, &name)) return fail(p, ".params: names must be str");
    double* value = is_str(&name, "mu")      ? &params->mu
                    : is_str(&name, "sigma") ? &params->sigma
                                             : NULL;
    printable(&name, shown, sizeof shown);
    if (!value) return fail(p, ".params: unknown parameter \"%s\"", shown);
    if (!mp_read_number(r, value)) return fail(p, ".params.%s: must be a number", shown);
  }
  return true;
}

static bool read_states(reader* r, words* states, problem* p) {
  mp_item array;
  if (!mp_read(r, MP_ARRAY, &array)) return fail(p, ".states: must be an array");
  states->values = reserve(states->values, &states->capacity, array.length, sizeof(uint64_t));
  for (states->size = 0; states->size < array.length; states->size++) {
    if (!mp_read_uint(r, &states->values[states->size]))
      return fail(p, ".states[%zu]: must be a uint", states->size);
  }
  return true;
}

static bool read_entry_field(reader* r, const mp_item* key, entry* e, problem* p) {
  uint64_t ignored;
  if (is_str(key, "params")) return read_params(r, &e->params, p);
  if (is_str(key, "states")) return read_states(r, e->states, p);
  if (is_str(key, "count")) return mp_read_uint(r, &e->count) || fail(p, ".count: must be a uint");
  if (is_str(key, "system") || is_str(key, "first"))
    return mp_read_uint(r, &ignored) || fail(p, ": system and first must be uint");
  return mp_skip(r, 1) || fail(p, ": malformed value");
}

/* Reads an entry's fields, which may come in any order, then checks them together. */
static bool read_entry(reader* r, entry* e, problem* p) {
  mp_item pairs, key;
  e->params = (normal_params){.mu = 0.0, .sigma = 1.0}; /* the defaults of put_hello_body */
  e->count = 0;
  e->states->size = 0;
  if (!mp_read(r, MP_MAP, &pairs)) return fail(p, ": must be a map");
  for (uint64_t i = 0; i < pairs.length; i++) {
    if (!mp_read(r, MP_STR, &key)) return fail(p, ": keys must be str");
    if (!read_entry_field(r, &key, e, p)) return false;
  }
  if (e->count == 0) return fail(p, ".count: must be a uint >= 1");
  if (e->states->size % 6 != 0 || e->states->size / 6 != e->count)
    return fail(p, ".states: %zu integers, not 6 x count = 6 x %" PRIu64, e->states->size,
                e->count);
  if (!isfinite(e->params.mu)) return fail(p, ".params.mu: must be finite");
  if (!(e->params.sigma > 0) || !isfinite(e->params.sigma))
    return fail(p, ".params.sigma: must be > 0 and finite (got %g)", e->params.sigma);
  return true;
}

/* Writes e->count outputs. */
static bool simulate_entry(const entry* e, double* outputs, problem* p) {
  for (uint64_t k = 0; k < e->count; k++) {
    mrg32k3a generator;
    if (!mrg32k3a_from(e->states->values + 6 * k, &generator))
      return fail(p, ".states: replication %" PRIu64 " has no valid MRG32k3a state", k);
    outputs[k] = replicate(&e->params, &generator);
    if (!isfinite(outputs[k])) return fail(p, ": replication %" PRIu64 " is not finite", k);
  }
  return true;
}

static bool run_entries(reader* r, doubles* outputs, words* states, problem* p) {
  mp_item entries;
  if (!mp_read(r, MP_ARRAY, &entries) || entries.length == 0)
    return fail(p, "RUN: entries must be a non-empty array");
  outputs->size = 0;
  for (uint64_t i = 0; i < entries.length; i++) {
    entry e = {.states = states};
    p->has_entry = true, p->entry = i;
    if (!read_entry(r, &e, p)) return false;
    outputs->values =
        reserve(outputs->values, &outputs->capacity, outputs->size + e.count, sizeof(double));
    if (!simulate_entry(&e, outputs->values + outputs->size, p)) return false;
    outputs->size += e.count;
  }
  p->has_entry = false;
  return true;
}

static bool run(reader* r, doubles* outputs, words* states, problem* p) {
  mp_item pairs, key;
  bool has_entries = false;
  if (!mp_read(r, MP_MAP, &pairs)) return fail(p, "RUN: body must be a map");
  for (uint64_t i = 0; i < pairs.length; i++) {
    if (!mp_read(r, MP_STR, &key)) return fail(p, "RUN: body keys must be str");
    if (!is_str(&key, "entries")) {
      if (!mp_skip(r, 1)) return fail(p, "RUN: malformed value");
      continue;
    }
    if (!run_entries(r, outputs, states, p)) return false;
    has_entries = true;
  }
  return has_entries || fail(p, "RUN: no entries");
}

/* ---- The session: one answer per frame ---- */

typedef struct {
  bool greeted;
  byte_buffer answer; /* the frame being written, from its length prefix */
  doubles outputs;    /* of the RUN being answered */
  words states;       /* of its entry being simulated */
} session;

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void begin_answer(byte_buffer* b, const char* command) {
  b->size = 0;
  append_space(b, 4);
  put_array(b, 2);
  put_str(b, command);
}

static void put_error(byte_buffer* b, const problem* p) {
  begin_answer(b, "ERROR");
  put_map(b, p->has_entry ? 2 : 1);
  put_str(b, "message"), put_str(b, p->message);
  if (p->has_entry) {
    put_str(b, "entry"), put_uint(b, p->entry);
  }
}

/* `seconds` runs from the RUN's first byte decoded to its last output encoded. */
static void put_result(byte_buffer* b, const doubles* outputs, double started) {
  begin_answer(b, "RESULT");
  put_map(b, 2);
  put_str(b, "outputs"), put_array(b, outputs->size);
  for (size_t i = 0; i < outputs->size; i++) put_double(b, outputs->values[i]);
  put_str(b, "seconds"), put_double(b, now_seconds() - started);
}

/* HELLO's `protocol` is for the node to compare with ours, so only the body's shape is checked. */
static bool greet(reader* r, problem* p) {
  mp_item pairs;
  if (mp_read(r, MP_MAP, &pairs) && mp_skip(r, 2 * pairs.length)) return true;
  return fail(p, "HELLO: body must be a map");
}

/* The session's state machine: HELLO first, then any number of RUNs. */
static void answer(session* s, const byte_buffer* frame) {
  const double started = now_seconds();
  reader r = {frame->bytes, frame->bytes + frame->size};
  problem p = {.has_entry = false};
  mp_item shape, command;
  char shown[32];
  bool ok, hello = false;
  if (!mp_read(&r, MP_ARRAY, &shape) || shape.length != 2 || !mp_read(&r, MP_STR, &command)) {
    ok = fail(&p, "malformed message: not a [command, body] array");
  } else if ((hello = is_str(&command, "HELLO"))) {
    ok = greet(&r, &p);
    s->greeted = s->greeted || ok;
  } else if (is_str(&command, "RUN")) {
    ok = s->greeted ? run(&r, &s->outputs, &s->states, &p) : fail(&p, "RUN before HELLO");
  } else {
    ok = fail(&p, "unexpected command \"%s\"", printable(&command, shown, sizeof shown));
  }
  if (ok && r.at != r.end)
    ok = fail(&p, "malformed message: %zu bytes after its end", (size_t)(r.end - r.at));
  if (!ok) {
    put_error(&s->answer, &p);
  } else if (hello) {
    begin_answer(&s->answer, "HELLO");
    put_hello_body(&s->answer);
  } else {
    put_result(&s->answer, &s->outputs, started);
  }
}

/* ---- Frames ---- */

/* Reads the next frame into `frame`; false at end of file between frames. Exits 2 when the
 * input cannot be framed: a truncated frame or a length past the limit. */
static bool read_frame(byte_buffer* frame) {
  uint8_t prefix[4];
  const size_t got = fread(prefix, 1, 4, stdin);
  if (got == 0 && !ferror(stdin)) return false;
  if (got < 4) die("%s", ferror(stdin) ? "cannot read stdin" : "end of file inside a length");
  const uint32_t length =
      (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
  if (length > MAX_FRAME_BYTES) die("frame length %" PRIu32 " is over 64 MiB", length);
  frame->size = 0;
  if (fread(append_space(frame, length), 1, length, stdin) < length)
    die("end of file inside a frame of %" PRIu32 " bytes", length);
  return true;
}

static void send_frame(byte_buffer* frame) {
  const size_t length = frame->size - 4;
  for (int i = 0; i < 4; i++) frame->bytes[i] = (uint8_t)(length >> (8 * (3 - i)));
  if (fwrite(frame->bytes, 1, frame->size, stdout) < frame->size || fflush(stdout) != 0)
    die("cannot write to stdout");
}

int main(void) {
  signal(SIGPIPE, SIG_IGN); /* a vanished node then shows as a write error on stderr */
  session s = {.greeted = false};
  byte_buffer frame = {NULL, 0, 0};
  while (read_frame(&frame)) {
    answer(&s, &frame);
    send_frame(&s.answer);
  }
  free(frame.bytes), free(s.answer.bytes), free(s.outputs.values), free(s.states.values);
  return 0;
}
