/* nq/intel.h — competitor intel (pure): what a competitor_intel event
 * writes to its salesperson's intel index, and the figures read back from
 * it per competitor and product ("a pair") over a period.
 *
 * The writer (services/customers/actwrite.c, common/lua/intel_events.lua)
 * keeps per salesperson (nq/keys.h, nq_key_sp_intel): the observations
 * ZSET "obs" (lex order: per pair, by time), a figures HASH per month
 * "sums:<month>", and the newest NQ_INTEL_NOTES_MAX notes per pair ZSET
 * "notes". An event moves the figures only when its observation is new
 * in "obs", so redeliveries and a rebuild's replay count it once; every
 * figure is a sum, a min or a max, so any arrival order gives the same.
 *
 * The reader (gateway/h_intel.c) adds the figures of the period's months
 * (nq_intel_months), notes and
 * observations of every salesperson in the caller's scope into an
 * nq_intel_t cut to one period (months), and optionally one pair:
 *
 *   nq_intel_t in;
 *   nq_intel_init(&in, &quarter, "某竞品", NULL);   // any product
 *   nq_intel_add_sum(&in, "2026-11\x1f某竞品\x1fA100\x1fm", "3");
 *   nq_intel_add_note(&in, "sp-lina", note_member);
 *   nq_intel_finish(&in);                           // sorted, customers counted
 *   ... in.pairs[i].mentions, .price (nq/aftersales.h), .notes ...
 *   nq_intel_free(&in);
 *
 * Figures: mentions = events; customers = distinct customer ids named;
 * price first/last/min/max/avg over the events with a price, avg the mean
 * rounded half up to the fen (nq_price_stats_avg), first and last the
 * earliest and latest (ties at one instant: the lower price first, the
 * higher last).
 */
#ifndef NQ_INTEL_H
#define NQ_INTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/aftersales.h"
#include "nq/period.h"

#define NQ_INTEL_NAME_MAX   100 /* bytes of a competitor or product name indexed */
#define NQ_INTEL_NOTE_MAX   500 /* bytes of a note kept (cut at a character) */
#define NQ_INTEL_NOTES_MAX  20  /* newest notes kept per salesperson and pair, shown per pair */
#define NQ_INTEL_SERIES_MAX 100 /* newest observations shown in one pair's series */
#define NQ_INTEL_MEMBER_MAX (2 * NQ_INTEL_NAME_MAX + NQ_INTEL_NOTE_MAX + 256)

/* Whether `s` can be a competitor (non-empty) or a product ("" allowed when
 * `may_be_empty`): at most NQ_INTEL_NAME_MAX bytes of UTF-8, no control
 * characters. */
bool nq_intel_name_ok(const char *s, bool may_be_empty);

/* ---- the writer's side ---------------------------------------------------- */

/* One competitor_intel event as indexed (all borrowed; "" for absent). */
typedef struct nq_intel_event {
    const char *competitor; /* checked by nq_intel_name_ok */
    const char *product;    /* "" when none */
    const char *ref;        /* its place in the log (nq/actindex.h) */
    const char *customer;   /* "" when none */
    const char *text;       /* the note, "" when none */
    int64_t at;             /* occurred_at, Unix ms */
    bool has_price;         /* whether a price was observed */
    int64_t price_fen;      /* the price, fen */
} nq_intel_event_t;

/* The event's members and field prefix, each into buf (len bytes): its
 * observation ("obs"), its note ("notes"; length 0 when it has no text),
 * "<competitor>\x1f<product>\x1f" (the pair's range in both ZSETs) and
 * "<month>\x1f<competitor>\x1f<product>\x1f" (its "sums" fields; month of
 * `at` in the configured zone). A note's control characters become spaces.
 * Return the length, or -1 when it does not fit or the event is not
 * indexable (a bad name, a negative price or time). */
/* Activity ev (a competitor_intel event) as an intel event at log place
 * `ref` (ie borrows ev's strings and ref). False when it cannot be indexed
 * (a bad name, a negative price or time). */
bool nq_intel_event_of(const Nq__Activity *ev, const char *ref, nq_intel_event_t *ie);

int nq_intel_obs_member(char *buf, size_t len, const nq_intel_event_t *ev);
int nq_intel_note_member(char *buf, size_t len, const nq_intel_event_t *ev);
int nq_intel_pair_prefix(char *buf, size_t len, const char *competitor, const char *product);
int nq_intel_sum_prefix(char *buf, size_t len, const nq_intel_event_t *ev);

/* ---- the reader's side ---------------------------------------------------- */

/* An observation or a note (owned by the nq_intel_t). */
typedef struct nq_intel_obs {
    int64_t at;        /* when, Unix ms */
    char *ref;         /* its place in the log: ties at one instant */
    char *salesperson; /* who reported it */
    char *customer;    /* "" none */
    bool has_price;    /* observations: a price was given */
    int64_t price_fen; /* observations: the price */
    char *text;        /* notes: the text; observations: NULL */
} nq_intel_obs_t;

/* One competitor and product's figures in the period. */
typedef struct nq_intel_pair {
    char *competitor, *product;
    int64_t mentions;         /* events */
    nq_price_stats_t price;   /* events with a price (n 0: none) */
    bool has_min, has_max;    /* price.min_fen / max_fen set */
    bool has_first, has_last; /* price.first_* / last_* set */
    char **customers;         /* distinct customer ids, sorted */
    size_t n_customers, cap_customers;
    nq_intel_obs_t notes[NQ_INTEL_NOTES_MAX]; /* newest; after finish newest first */
    size_t n_notes;
    nq_intel_obs_t *series; /* newest NQ_INTEL_SERIES_MAX; after finish oldest first */
    size_t n_series;
} nq_intel_pair_t;

typedef struct nq_intel {
    char month_from[16], month_to[16]; /* the period's months, "2026-10".."2026-12" */
    int64_t from_ms, to_ms;            /* the period, [from, to) */
    char *competitor, *product;        /* the filter (NULL: any) */
    nq_intel_pair_t *pairs;
    size_t n, cap;
} nq_intel_t;

#define NQ_INTEL_MONTHS_MAX 12 /* months of the longest period (a year) */

/* The month keys ("2026-10") of period p (a month, quarter or year) into
 * months, in order. Returns how many, or 0 for another kind of period. */
size_t nq_intel_months(const nq_period_t *p, char months[NQ_INTEL_MONTHS_MAX][16]);

/* Start reading period p (a month, quarter or year) for competitor and
 * product (NULL: any). Returns 0, or -1 for another kind of period or out
 * of memory (nothing to free). */
int nq_intel_init(nq_intel_t *in, const nq_period_t *p, const char *competitor,
                  const char *product);

/* Add one "sums" field and its value (a HGETALL pair). Returns 1 when
 * taken, 0 when outside the period or the filter or malformed (ignored), -1
 * out of memory. */
int nq_intel_add_sum(nq_intel_t *in, const char *field, const char *value);

/* Add salesperson sp's note member or observation member; likewise. Only
 * the newest NQ_INTEL_NOTES_MAX notes / NQ_INTEL_SERIES_MAX observations of
 * a pair are kept (newest: later `at`, then the greater ref). */
int nq_intel_add_note(nq_intel_t *in, const char *sp, const char *member);
int nq_intel_add_obs(nq_intel_t *in, const char *sp, const char *member);

/* Add one event itself (read from a customer's timeline rather than the
 * index) reported by salesperson sp: its figures as the intel script counts
 * them, its note, and with `series` its observation. The caller adds each
 * event once. Returns 1 when taken, 0 when outside the period or the filter
 * or not indexable, -1 out of memory. */
int nq_intel_add_event(nq_intel_t *in, const char *sp, const nq_intel_event_t *ev, bool series);

/* Order for the answer: pairs by mentions (most first), then competitor and
 * product; notes newest first; series oldest first. */
void nq_intel_finish(nq_intel_t *in);

void nq_intel_free(nq_intel_t *in);

#endif
