/* services/scoring/apply.h — what an activity adds to which counters and sets (pure).
 *
 * A table (apply.c) says, per event type, which KPI counters move, by what
 * (one, the amount, minus the amount, the rating ...) in the day and month
 * containing occurred_at (weeks, quarters and years are summed from them
 * when read, nq/kpi.h). A second table says which sets an event adds a
 * member to: a visit its customer to the visited sets of its day and month
 * (coverage); an order with due_at its order id to the due sets of the day
 * and month of due_at; an on-time fulfilment its order id to the
 * salesperson's one on-time set (on-time completion, docs/metrics.md).
 * scoring_agg_t sums the deltas over a batch of events for every (Redis
 * key, counter) they touch, so a batch of thousands of events becomes one
 * HINCRBY per distinct key and counter, and collects the set members (one
 * SADD per set). Both are idempotent or additive: applying stays
 * order-independent.
 *
 *   scoring_agg_t agg;
 *   scoring_agg_init(&agg);
 *   for (...) scoring_agg_add_event(&agg, ev);     // 0, or -1 on OOM
 *   for (size_t i = 0; i < agg.n; i++)
 *       ... agg.cells[i].key, nq_kpi_defs[agg.cells[i].kpi].field, agg.cells[i].delta ...
 *   scoring_agg_free(&agg);
 */
#ifndef NQ_SCORING_APPLY_H
#define NQ_SCORING_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/kpi.h"
#include "nq/redis.h"

#define SCORING_KEY_MAX 128
/* Longest set member: an order id (128 bytes) or an event id behind
 * SCORING_DUE_NO_ID_PREFIX, and the NUL. */
#define SCORING_MEMBER_MAX 144
/* The due-set member of an order without an order id: this, then its
 * event id. An order id has no control characters, so none equals it and no
 * fulfilment can match it: such an order is due and never on time. */
#define SCORING_DUE_NO_ID_PREFIX "\001event:"

/* One counter of one key and its summed delta. */
typedef struct scoring_cell {
    char key[SCORING_KEY_MAX]; /* Redis hash key */
    nq_kpi_id_t kpi;           /* counter (hash field) */
    int64_t delta;             /* summed change */
} scoring_cell_t;

/* A member to add to a set (SADD). */
typedef struct scoring_member {
    char key[SCORING_KEY_MAX];       /* Redis set key */
    char member[SCORING_MEMBER_MAX]; /* the member, an id */
} scoring_member_t;

/* The set families events add members to. */
typedef enum {
    SCORING_SET_VISITED, /* customers visited, per day and month (nq_key_visited) */
    SCORING_SET_DUE,     /* orders falling due, per day and month (nq_key_due) */
    SCORING_SET_ON_TIME, /* orders fulfilled on time, one set (nq_key_on_time) */
    SCORING_SET_COUNT
} scoring_set_t;

/* One set addition of an event. */
typedef struct scoring_add {
    scoring_set_t set;               /* which family */
    char member[SCORING_MEMBER_MAX]; /* what joins it */
    int64_t at_ms;                   /* per-period families: the instant whose day and month */
} scoring_add_t;

#define SCORING_ADDS_MAX 2

/* The stored periods containing one local day (the same for every instant
 * of it): periods[i] is of kind nq_kpi_stored_kinds[i], the day first. */
typedef struct scoring_day {
    nq_period_t periods[NQ_KPI_STORED_KINDS];
} scoring_day_t;

#define SCORING_DAYS_CACHED 16

typedef struct scoring_agg {
    scoring_member_t *members;               /* set additions, in order (SADD is idempotent) */
    size_t n_members;                        /* members used */
    size_t cap_members;                      /* members allocated */
    scoring_cell_t *cells;                   /* distinct cells, in first-touch order */
    size_t n;                                /* cells used */
    size_t cap;                              /* cells allocated */
    int32_t *slots;                          /* hash index into cells, -1 = empty */
    size_t n_slots;                          /* power of two */
    scoring_day_t days[SCORING_DAYS_CACHED]; /* recently used days (calendar work is dear) */
    size_t n_days;                           /* days cached */
    size_t next_day;                         /* slot replaced next */
} scoring_agg_t;

/* One counter movement of an event. */
typedef struct scoring_delta {
    nq_kpi_id_t kpi; /* which counter */
    int64_t delta;   /* by how much */
    int64_t at_ms;   /* the instant whose periods it counts in (occurred_at) */
} scoring_delta_t;

#define SCORING_DELTAS_MAX 8

/* The counter movements of one event (none for types that move no counter).
 * Returns how many were written to out. */
size_t scoring_event_deltas(const Nq__Activity *ev, scoring_delta_t out[SCORING_DELTAS_MAX]);

/* The set additions of one event (none for most types). Returns how many
 * were written to out, or -1 when a member does not fit SCORING_MEMBER_MAX. */
int scoring_event_members(const Nq__Activity *ev, scoring_add_t out[SCORING_ADDS_MAX]);

void scoring_agg_init(scoring_agg_t *agg);
void scoring_agg_free(scoring_agg_t *agg);

/* Add `delta` to (key, kpi). Returns 0, or -1 when out of memory. */
int scoring_agg_add(scoring_agg_t *agg, const char *key, nq_kpi_id_t kpi, int64_t delta);

/* Add every movement of `ev` to the day and the month containing its
 * instant, and its set members to their sets (scoring_event_members).
 * Returns 0, or -1 (out of memory, a time outside the calendar, a member too
 * long; the batch is then unusable). */
int scoring_agg_add_event(scoring_agg_t *agg, const Nq__Activity *ev);

/* The key to write for live key `key`, in buf (len bytes): 0, or -1 to
 * leave what the aggregate holds for it out. */
typedef int (*scoring_key_map_fn)(const char *key, char *buf, size_t len, void *ctx);

/* Append the aggregate to a pipeline as commands: one HINCRBY per (key,
 * counter), one SADD per set key with all its members (sorted first with
 * scoring_agg_unique_members), every key as `map` names it (itself when map
 * is NULL; left out when map leaves it out). When `written` is not NULL,
 * every key written is appended to it: each at least once, repeated only
 * when other keys came between (for SADD, which keeps one). Failures set
 * p->failed or written->failed. */
void scoring_agg_to_pipe(nq_redis_pipe_t *p, const scoring_agg_t *agg, scoring_key_map_fn map,
                         void *ctx, nq_redis_args_t *written);

/* Drop repeated set members (the same customer visited twice in a batch)
 * and sort them by key, then member: one SADD per key takes them all. */
void scoring_agg_unique_members(scoring_agg_t *agg);

#endif
