/* services/customers/membership.h — team membership and status over time,
 * as the org writes change them (pure).
 *
 * Each salesperson has two histories (nq/orghist.h): their team ("" = none)
 * and their status (active / leave / left). They are the one source of
 * membership: a salesperson's team_id and status are the last entries, a
 * team's members are the salespeople whose last team entry is the team.
 * A change applies from a day: the one given (from 2000-01-01 to today;
 * never ahead, so what is in force changes only when something is written),
 * else today — except a salesperson's first team and first status, which
 * apply since the start so that figures recorded before the org was entered
 * are theirs.
 *
 *   int64_t day;
 *   if (membership_day(sp->has_effective_from, sp->effective_from, teams.n == 0, now,
 *                      "effective_from", &errs, &day) == 0 &&
 *       membership_set(&teams, day, "t-west", "", "effective_from", &errs) == 0) ...
 */
#ifndef NQ_CUSTOMERS_MEMBERSHIP_H
#define NQ_CUSTOMERS_MEMBERSHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/fielderr.h"
#include "nq/orghist.h"

/* Earliest day a change may be dated: 2000-01-01 (as events). */
#define MEMBERSHIP_EARLIEST_MS 946684800000LL
/* Status before the first status change. */
#define MEMBERSHIP_ACTIVE "active"
#define MEMBERSHIP_LEFT   "left"

/* The day a change applies from: the day containing `given` when has_given
 * (it must lie from 2000-01-01 to the day of now), else today, or since the
 * start (0) for a first change. Returns 0, or -1 with an error on `field`. */
int membership_day(bool has_given, int64_t given, bool first, int64_t now, const char *field,
                   nq_field_errors_t *errs, int64_t *day);

/* nq_orghist_set with its failures as errors on `field`: 0, or -1. */
int membership_set(nq_orghist_t *h, int64_t day, const char *value, const char *none,
                   const char *field, nq_field_errors_t *errs);

/* One salesperson a team put or delete looks at. */
typedef struct member_change {
    const char *id;      /* salesperson (borrowed) */
    bool listed;         /* in the put's members */
    nq_orghist_t before; /* team history as read */
    nq_orghist_t after;  /* as the write leaves it (membership_team_put) */
} member_change_t;

/* A team put with members: each listed salesperson is in `team` from the
 * day (membership_day of the put's effective_from; a first team since the
 * start), each other one whose team now is `team` has no team from that
 * day. Fills every `after`. Returns 0, or -1 with errs ("effective_from",
 * "members"). */
int membership_team_put(member_change_t *people, size_t n, const char *team, bool has_from,
                        int64_t from, int64_t now, nq_field_errors_t *errs);

/* Whether h's last entry (the team now) is `team`. */
bool membership_is_current(const nq_orghist_t *h, const char *team);

/* The stretches of a salesperson's history, oldest first: the first since
 * the start (no `from`), then one from each day on which the team or the
 * status changes, each with both as from then. The strings point into the
 * histories (valid while they are). Returns how many were written to out
 * (room for teams->n + status->n + 1). */
size_t membership_view(const nq_orghist_t *teams, const nq_orghist_t *status,
                       Nq__SalespersonChange *out);

/* The team of a salesperson of the first layout (a team_id in the profile,
 * a members list in each team): the profile's team when it is one of
 * `teams` (sorted), else the first of them whose list names them, else "".
 * Borrowed from the arguments. */
const char *membership_legacy_team(const char *id, const char *profile_team, char *const *teams,
                                   size_t n_teams, char **const *members, const size_t *n_members);

#endif
