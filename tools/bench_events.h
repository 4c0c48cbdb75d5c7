/* tools/bench_events.h — the event mix nq-bench posts (pure: no I/O, no clock).
 *
 * A generator writes activity events as the JSON of POST /api/v1/activities
 * (docs/api-draft.md, services/ingest/validate.c). The mix, by weight, is the
 * table in bench_events.c: visits (with a location near Shanghai), calls,
 * orders (yuan amounts as strings; 1 in 1000 is a big order that raises
 * an alert), payments, feedback with a rating, and meetings, spread
 * uniformly over `salespeople` ids "sp-00001".. and `customers` ids
 * "c-000001"... Every event_id is "<run id>-<seq>", so the ids of one run are
 * unique as long as the caller never passes the same seq twice.
 *
 *   bench_gen_t g;
 *   bench_gen_init(&g, "b18c2f", 42, 200, 2000, 0);
 *   char buf[BENCH_EVENT_MAX * 10 + 2];
 *   int n = bench_batch_write(&g, buf, sizeof(buf), 10, true, next_seq, now_ms);
 *   next_seq += 10;
 */
#ifndef NQ_TOOLS_BENCH_EVENTS_H
#define NQ_TOOLS_BENCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the events are posted. */
#define BENCH_ACTIVITY_PATH "/api/v1/activities"

/* Longest run id, and the most bytes one event (plus its ',') can take:
 * a buffer of BENCH_EVENT_MAX * n + 2 always holds a batch of n. */
#define BENCH_RUN_ID_MAX 24
#define BENCH_EVENT_MAX  512

/* The event mixes (bench_events.c): the activity path's, and every type about a
 * customer, each event by its customer's owner. */
typedef enum { BENCH_MIX_DEFAULT, BENCH_MIX_CUSTOMERS, BENCH_MIX_COUNT } bench_mix_t;

typedef struct bench_gen {
    char run_id[BENCH_RUN_ID_MAX + 1]; /* prefix of every event_id */
    uint64_t rng;                      /* xorshift64* state, never 0 */
    uint32_t salespeople;              /* ids drawn from 1..salespeople */
    uint32_t customers;                /* ids drawn from 1..customers */
    int64_t spread_ms;                 /* occurred_at drawn from [now - spread_ms, now]; 0 = now */
    bench_mix_t mix;                   /* the mix drawn from (default after init) */
    uint32_t customer;                 /* the event being written: its customer, 0 = any */
    int64_t at;                        /* the event being written: its occurred_at */
} bench_gen_t;

/* The mix named `name` ("default", "customers"), or -1. */
int bench_mix_of(const char *name);

/* The owner of customer number `customer` (1-based) in the customers mix:
 * salesperson (customer - 1) % salespeople + 1, as bench/customers.sh imports them. */
uint32_t bench_owner_of(uint32_t customer, uint32_t salespeople);

/* Whether `id` may be a run id: 1..BENCH_RUN_ID_MAX of [A-Za-z0-9_]. */
bool bench_run_id_valid(const char *id);

/* Set up a generator. run_id must be valid (bench_run_id_valid); seed may be
 * any value (0 is replaced); salespeople and customers must be >= 1;
 * spread_ms >= 0. Returns 0, or -1 on a bad argument (g untouched). */
int bench_gen_init(bench_gen_t *g, const char *run_id, uint64_t seed, uint32_t salespeople,
                   uint32_t customers, int64_t spread_ms);

/* Write event number `seq` as one JSON object into buf (NUL-terminated).
 * Returns its length, or -1 when it does not fit in len bytes. */
int bench_event_write(bench_gen_t *g, char *buf, size_t len, uint64_t seq, int64_t now_ms);

/* Write n >= 1 events numbered first_seq.. as a JSON array, or, when n == 1
 * and !as_array, as a single object. Returns the length, or -1 when it does
 * not fit (a buffer of BENCH_EVENT_MAX * n + 2 bytes always fits). */
int bench_batch_write(bench_gen_t *g, char *buf, size_t len, size_t n, bool as_array,
                      uint64_t first_seq, int64_t now_ms);

/* ---- KPI reads and the freshness probe --------------------------------------- */

/* Longest path a template may expand to (bytes, without the NUL). */
#define BENCH_PATH_MAX 512

/* Salesperson number n (1-based) as the generator names it: "sp-00042".
 * Returns the length, or -1 when it does not fit in len bytes. */
int bench_sp_id(char *buf, size_t len, uint32_t n);

/* Expand a request path template: "{sp}" becomes salesperson number sp
 * ("sp-00042", as bench_sp_id), "{team}" becomes `team`; every other byte is
 * copied. The template must start with '/', and the result must be a valid
 * request target (no space, control byte, '#' or byte >= 0x7f) of at most
 * BENCH_PATH_MAX bytes. Returns the length (buf NUL-terminated), or -1 on an
 * unknown or unterminated "{...}", an invalid result, or no room in len.
 *
 *   char path[BENCH_PATH_MAX + 1];
 *   bench_path_expand("/api/v1/salespeople/{sp}/kpis?period=month", path,
 *                     sizeof(path), 42, "t-bench");   // ".../sp-00042/kpis?..."
 */
int bench_path_expand(const char *tmpl, char *buf, size_t len, uint32_t sp, const char *team);

/* Write the freshness probe's marker number k as one JSON event object: an
 * "order" of salesperson `sp` for customer "c-probe" occurring at
 * occurred_ms, event_id "<run_id>-p<k>", and an amount unique to k
 * (1.00 + k/100 yuan: "1.00", "1.01", ... "2.00", ...), always below the
 * big-order alert threshold for k < 4,000,000. Returns the length, or -1
 * when it does not fit (BENCH_EVENT_MAX bytes always do for ids <= 64). */
int bench_probe_write(char *buf, size_t len, const char *run_id, const char *sp, uint64_t k,
                      int64_t occurred_ms);

#endif
