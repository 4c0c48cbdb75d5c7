/* services/customers/pool.h — the public pool (公海): when an owned customer
 * goes back to the pool, when its owner is warned, claim limits, and whom an
 * assignment rule picks (pure).
 *
 * A customer whose owner has not contacted it for the pool period of its
 * class goes back to the pool: owner cleared, status "pool", the team it
 * left kept as pool_team. The period is per team and class, in days or as a
 * multiple of the class's cadence (company default POOL_DEFAULT_MULTIPLE x
 * cadence), never shorter than the cadence. Like a follow-up it counts local
 * days (followup.h): based on day D (the last contact, else since), the
 * customer goes to the pool at the local midnight starting day D + period + 1.
 * The owner is warned warn_days before (company default POOL_DEFAULT_WARN).
 *
 * A team's settings sit next to its cadence in nq:cadence, one field each,
 * "<team>:<name>" for the names of pool_field_names (absent: the default).
 *
 *   pool_settings_t s;
 *   pool_settings_parse(&s, values);               // HMGET of pool_field_names
 *   int days = pool_period_days(&s, cls, cadence);
 *   int64_t at = pool_due(base, days, followup_zone_offset());
 *   pool_step_t step = pool_decide(now, at, pool_warn_at(at, s.warn_days), warned_for);
 */
#ifndef NQ_CUSTOMERS_POOL_H
#define NQ_CUSTOMERS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "followup.h"
#include "neiqin.pb-c.h"
#include "nq/fielderr.h"

#define POOL_DEFAULT_MULTIPLE 2 /* pool period: this many cadences */
#define POOL_DEFAULT_WARN     3 /* warn the owner this many days before */
#define POOL_DAYS_MAX         730
#define POOL_MULTIPLE_MAX     12
#define POOL_WARN_MAX         60
#define POOL_LIMIT_MAX        100000

/* How a team gives its new and pooled customers an owner. */
typedef enum { POOL_RULE_NONE, POOL_RULE_ROUND_ROBIN, POOL_RULE_LEAST_LOADED } pool_rule_t;
extern const char *const pool_rule_names[]; /* by pool_rule_t, NULL-terminated */

/* The settings' fields (after "<team>:"), in the order pool_settings_parse
 * reads them: per class pool days, then multiples, warn days, per class
 * claim limits, the assignment rule. */
#define POOL_FIELDS 11
extern const char *const pool_field_names[POOL_FIELDS];

typedef struct pool_settings {
    int days[FOLLOWUP_CLASSES];     /* pool period in days, 0: by multiple */
    int multiple[FOLLOWUP_CLASSES]; /* pool period in cadences (when days is 0) */
    bool overridden[POOL_FIELDS];   /* the team sets field i */
    int warn_days;                  /* warn this many days before */
    int limit[FOLLOWUP_CLASSES];    /* most customers of the class per salesperson, 0: none */
    pool_rule_t rule;               /* assignment rule */
} pool_settings_t;

/* The company defaults. */
void pool_settings_defaults(pool_settings_t *s);

/* The settings from the stored values of pool_field_names (NULL or "": the
 * default; a value that does not parse also keeps the default). */
void pool_settings_parse(pool_settings_t *s, const char *const values[POOL_FIELDS]);

/* Check the pool fields of a team's settings put: each absent or in range,
 * not both days and multiple for one class, the rule one of its names.
 * Errors name the field. Returns 0 or -1. */
int pool_check(const Nq__TeamCadence *c, nq_field_errors_t *errs);

/* The stored values of pool_field_names a put sets ("" where absent: the
 * default), each at most 16 bytes. */
void pool_put_values(const Nq__TeamCadence *c, char values[POOL_FIELDS][16]);

/* Fill the pool fields of a get's answer from s and the class cadences in
 * force (days per class); `rule` points at a static name. */
void pool_settings_to_pb(const pool_settings_t *s, const int cadence[FOLLOWUP_CLASSES],
                         Nq__TeamCadence *out);

/* The pool period of class `cls` (followup_class order) with a cadence of
 * `cadence` days: the days set, else multiple x cadence; never less than
 * the cadence. */
int pool_period_days(const pool_settings_t *s, int cls, int cadence);

/* What the period counts from: the last contact, else since, else created
 * (0 where unknown). 0 when none is known. */
int64_t pool_base(int64_t last_contact, int64_t since, int64_t created);

/* When a customer based at `base` goes to the pool after `days`. */
int64_t pool_due(int64_t base, int days, int64_t zone_offset);

/* When its owner is warned: warn_days before `due`. */
int64_t pool_warn_at(int64_t due, int warn_days);

typedef enum {
    POOL_WAIT, /* nothing yet: look again at `next` */
    POOL_WARN, /* warn the owner now, then look again at `next` (the due time) */
    POOL_MOVE, /* back to the pool now */
} pool_action_t;

typedef struct pool_step {
    pool_action_t action;
    int64_t next; /* POOL_WAIT, POOL_WARN: when to look again */
} pool_step_t;

/* What to do at `now` for a customer due at `due`, warned at `warn_at`,
 * whose owner was already warned for the due time `warned_for` (0: never). */
pool_step_t pool_decide(int64_t now, int64_t due, int64_t warn_at, int64_t warned_for);

/* May a salesperson who owns `owned` customers of the class take one more,
 * with a limit of `limit` (0: none)? */
bool pool_claim_allowed(int64_t owned, int limit);

/* The rule's name parsed, or -1. */
int pool_rule_parse(const char *name);

/* Round robin: the index among the n candidates (sorted by id) of the first
 * after `last` (the last one given a customer; "" or NULL: none), wrapping;
 * -1 when n is 0. */
int pool_pick_round_robin(const char *const *ids, size_t n, const char *last);

/* Least loaded: the index of the candidate owning the fewest customers
 * (loads[i]), the first by id among equals; -1 when n is 0. */
int pool_pick_least_loaded(const char *const *ids, const int64_t *loads, size_t n);

#endif
