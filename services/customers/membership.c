/* membership.c — team membership and status over time. See membership.h. */
#include "membership.h"

#include <stdlib.h>
#include <string.h>

#include "nq/period.h"

int membership_day(bool has_given, int64_t given, bool first, int64_t now, const char *field,
                   nq_field_errors_t *errs, int64_t *day)
{
    nq_period_t today, d;
    if (nq_period_of(NQ_PERIOD_DAY, now, &today) != 0) {
        nq_field_errors_add(errs, field, "today is outside the calendar");
        return -1;
    }
    if (!has_given) {
        *day = first ? 0 : today.start_ms;
        return 0;
    }
    if (given < MEMBERSHIP_EARLIEST_MS || given >= today.end_ms ||
        nq_period_of(NQ_PERIOD_DAY, given, &d) != 0) {
        nq_field_errors_add(errs, field,
                            "must be a day from 2000-01-01 to today (a change cannot be dated "
                            "ahead: send it on its day)");
        return -1;
    }
    *day = d.start_ms;
    return 0;
}

int membership_set(nq_orghist_t *h, int64_t day, const char *value, const char *none,
                   const char *field, nq_field_errors_t *errs)
{
    int rc = nq_orghist_set(h, day, value, none);
    if (rc == -2)
        nq_field_errors_add(errs, field, "the history already holds %d changes", NQ_ORGHIST_MAX);
    else if (rc != 0)
        nq_field_errors_add(errs, field, "out of memory");
    return rc == 0 ? 0 : -1;
}

bool membership_is_current(const nq_orghist_t *h, const char *team)
{
    return h->n > 0 && strcmp(h->changes[h->n - 1].value, team) == 0;
}

int membership_team_put(member_change_t *people, size_t n, const char *team, bool has_from,
                        int64_t from, int64_t now, nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    for (size_t i = 0; i < n; i++) {
        member_change_t *p = &people[i];
        int64_t day;
        if (nq_orghist_copy(&p->after, &p->before) != 0) {
            nq_field_errors_add(errs, "members", "out of memory");
            continue;
        }
        if (!p->listed && !membership_is_current(&p->before, team))
            continue;
        if (membership_day(has_from, from, p->before.n == 0, now, "effective_from", errs, &day) ==
            0)
            membership_set(&p->after, day, p->listed ? team : "", "", "members", errs);
    }
    return errs->n + errs->dropped > before ? -1 : 0;
}

size_t membership_view(const nq_orghist_t *teams, const nq_orghist_t *status,
                       Nq__SalespersonChange *out)
{
    size_t n = 0, t = 0, s = 0;
    for (int64_t day = 0;;) {
        while (t < teams->n && teams->changes[t].from <= day)
            t++;
        while (s < status->n && status->changes[s].from <= day)
            s++;
        Nq__SalespersonChange *c = &out[n++];
        nq__salesperson_change__init(c);
        c->has_from = day > 0;
        c->from = day;
        c->team_id = t ? teams->changes[t - 1].value : (char *)"";
        c->status = s ? status->changes[s - 1].value : (char *)MEMBERSHIP_ACTIVE;
        int64_t next_t = t < teams->n ? teams->changes[t].from : INT64_MAX;
        int64_t next_s = s < status->n ? status->changes[s].from : INT64_MAX;
        if (next_t == INT64_MAX && next_s == INT64_MAX)
            return n;
        day = next_t < next_s ? next_t : next_s;
    }
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const char *membership_legacy_team(const char *id, const char *profile_team, char *const *teams,
                                   size_t n_teams, char **const *members, const size_t *n_members)
{
    if (profile_team && *profile_team &&
        bsearch(&profile_team, teams, n_teams, sizeof(*teams), by_text))
        return profile_team;
    for (size_t t = 0; t < n_teams; t++) {
        for (size_t i = 0; i < n_members[t]; i++) {
            if (strcmp(members[t][i], id) == 0)
                return teams[t];
        }
    }
    return "";
}
