/* services/reporting/roster.h — whose figures a team's or the company's
 * answers are made of.
 *
 * Membership has one source: each salesperson's team history and status
 * history (nq/orghist.h, written by nq-customers). A team's roster is
 * everyone who was ever in it (nq:team:<id>:members); the company's is
 * every salesperson of the directory, the archived ones, and (for totals)
 * the ids seen in events but never in the directory. From the histories:
 *   - figures: a team's figures of a period are each person's counters over
 *     the days they were in the team (roster_spans); the company's are
 *     everyone's whole period, and its unassigned part the days without a
 *     team (every day of an id not in the directory);
 *   - lists (boards, member counts, splits, simulations): the people in the
 *     team (any team or none, for the company) and active on a reference
 *     day (roster_listed).
 *
 *   roster_t *ro = roster_new();
 *   roster_read(redis, &call->base, NQ_SUBJECT_TEAM, "t-east", false, ro, on_roster, call);
 *   static void on_roster(roster_t *ro, void *data) {   // everything read
 *       for (size_t i = 0; i < ro->n; i++)
 *           if (roster_listed(&ro->people[i], "t-east", at)) ...
 *   }
 *   roster_free(&ro);
 */
#ifndef NQ_REPORTING_ROSTER_H
#define NQ_REPORTING_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/call.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/kpi_fetch.h"
#include "nq/orghist.h"
#include "nq/redis.h"

/* Status before a salesperson's first status change. */
#define ROSTER_ACTIVE "active"
/* Most people one roster reads (the limit of an overview or a board). */
#define ROSTER_MAX 5000

typedef struct roster_person {
    char id[NQ_ID_MAX + 1]; /* salesperson id */
    bool known;             /* in the directory or archived; false: seen only in events */
    nq_orghist_t teams;     /* team over time ("" = none) */
    nq_orghist_t status;    /* status over time (active before the first change) */
} roster_person_t;

typedef struct roster {
    roster_person_t *people; /* sorted by id */
    size_t n;                /* people */
    char *name;              /* the team's name (NULL for the company) */
    size_t cap;              /* people allocated */
    /* the read in progress (roster_read) */
    nq_call_t *call;                       /* counts the steps */
    void (*done)(struct roster *, void *); /* runs once everything is read */
    void *data;                            /* its argument */
    size_t waiting;                        /* replies of the current step outstanding */
} roster_t;

typedef void (*roster_done_fn)(roster_t *ro, void *data);

/* ---- pure ------------------------------------------------------------------ */

/* Whether p is listed on the day containing t: in `team` (NULL: in any team
 * or none, as for the company) and active. Ids seen only in events are
 * never listed. */
bool roster_listed(const roster_person_t *p, const char *team, int64_t t);

/* The days of [start, end) whose figures of p go to `team` ("" : to the
 * unassigned part; every day of an id seen only in events), in order; out
 * holds p->teams.n + 1 spans. Returns how many. */
size_t roster_spans(const roster_person_t *p, const char *team, int64_t start, int64_t end,
                    nq_span_t *out);

/* Whether spans (as given by roster_spans) are the whole of [start, end). */
bool roster_whole(const nq_span_t *spans, size_t n, int64_t start, int64_t end);

/* Add a person (histories empty). Returns 0 or -1 (OOM). */
int roster_add(roster_t *ro, const char *id, bool known);

/* Sort the people by id, each once (known if any addition was). */
void roster_sort(roster_t *ro);

/* ---- I/O ------------------------------------------------------------------- */

/* Read p's counters of `period` that go to `team` ("": the unassigned
 * part) as a team's figures count them: one whole-period read
 * (nq_kpi_fetch) when p's spans cover it, the days of their spans
 * (nq_kpi_fetch_spans) otherwise; spans has room for p->teams.n + 1.
 * Returns 1 when a read was issued (cb runs once), 0 when p has no day
 * there (nothing read), -1 when the read could not be issued. */
int roster_fetch_share(nq_redis_t *r, const roster_person_t *p, const char *team,
                       const nq_period_t *period, nq_span_t *spans, nq_kpi_fetch_cb cb, void *data);

roster_t *roster_new(void);
void roster_free(roster_t **ro);

/* Read the roster of a team (its name too; the call fails NOT_FOUND when
 * there is no such team) or of the company (with_unknown: also the ids
 * seen only in events), and everyone's histories. Every Redis step is
 * counted on `call`; `done` runs once everything was read, unless the call
 * failed meanwhile (then it never runs). Beyond ROSTER_MAX people
 * the call fails INVALID. Returns nothing: failures are the call's. */
void roster_read(nq_redis_t *r, nq_call_t *call, nq_subject_t subject, const char *id,
                 bool with_unknown, roster_t *ro, roster_done_fn done, void *data);

#endif
