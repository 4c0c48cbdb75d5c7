/* pool.c — the public pool's rules. See pool.h. */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/period.h"

const char *const pool_rule_names[] = {"none", "round_robin", "least_loaded", NULL};

const char *const pool_field_names[POOL_FIELDS] = {
    "key_pool_days",        "normal_pool_days",        "potential_pool_days", "key_pool_multiple",
    "normal_pool_multiple", "potential_pool_multiple", "pool_warn_days",      "key_claim_limit",
    "normal_claim_limit",   "potential_claim_limit",   "assign_rule",
};

/* Where each group starts in pool_field_names. */
enum { F_DAYS = 0, F_MULT = 3, F_WARN = 6, F_LIMIT = 7, F_RULE = 10 };

void pool_settings_defaults(pool_settings_t *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < FOLLOWUP_CLASSES; i++)
        s->multiple[i] = POOL_DEFAULT_MULTIPLE;
    s->warn_days = POOL_DEFAULT_WARN;
    s->rule = POOL_RULE_NONE;
}

/* A stored whole number in [lo, hi] into *out; false (out untouched) otherwise. */
static bool parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    if (!v || !*v)
        return false;
    long n = strtol(v, &end, 10);
    if (*end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

void pool_settings_parse(pool_settings_t *s, const char *const values[POOL_FIELDS])
{
    pool_settings_defaults(s);
    for (int i = 0; i < FOLLOWUP_CLASSES; i++) {
        s->overridden[F_DAYS + i] = parse_int(values[F_DAYS + i], 1, POOL_DAYS_MAX, &s->days[i]);
        s->overridden[F_MULT + i] =
            parse_int(values[F_MULT + i], 1, POOL_MULTIPLE_MAX, &s->multiple[i]);
        s->overridden[F_LIMIT + i] =
            parse_int(values[F_LIMIT + i], 1, POOL_LIMIT_MAX, &s->limit[i]);
    }
    s->overridden[F_WARN] = parse_int(values[F_WARN], 0, POOL_WARN_MAX, &s->warn_days);
    int rule = pool_rule_parse(values[F_RULE]);
    s->overridden[F_RULE] = rule >= 0;
    if (rule >= 0)
        s->rule = (pool_rule_t)rule;
}

int pool_rule_parse(const char *name)
{
    for (int i = 0; name && pool_rule_names[i]; i++) {
        if (strcmp(pool_rule_names[i], name) == 0)
            return i;
    }
    return -1;
}

/* The put's optional int fields, in pool_field_names order (the rule apart). */
static void put_ints(const Nq__TeamCadence *c, protobuf_c_boolean has[F_RULE], int32_t v[F_RULE])
{
    const protobuf_c_boolean h[F_RULE] = {
        c->has_key_pool_days,        c->has_normal_pool_days,     c->has_potential_pool_days,
        c->has_key_pool_multiple,    c->has_normal_pool_multiple, c->has_potential_pool_multiple,
        c->has_pool_warn_days,       c->has_key_claim_limit,      c->has_normal_claim_limit,
        c->has_potential_claim_limit};
    const int32_t x[F_RULE] = {c->key_pool_days,        c->normal_pool_days,
                               c->potential_pool_days,  c->key_pool_multiple,
                               c->normal_pool_multiple, c->potential_pool_multiple,
                               c->pool_warn_days,       c->key_claim_limit,
                               c->normal_claim_limit,   c->potential_claim_limit};
    memcpy(has, h, sizeof(h));
    memcpy(v, x, sizeof(x));
}

int pool_check(const Nq__TeamCadence *c, nq_field_errors_t *errs)
{
    static const int lo[F_RULE] = {1, 1, 1, 1, 1, 1, 0, 1, 1, 1};
    static const int hi[F_RULE] = {
        POOL_DAYS_MAX,     POOL_DAYS_MAX, POOL_DAYS_MAX,  POOL_MULTIPLE_MAX, POOL_MULTIPLE_MAX,
        POOL_MULTIPLE_MAX, POOL_WARN_MAX, POOL_LIMIT_MAX, POOL_LIMIT_MAX,    POOL_LIMIT_MAX};
    size_t before = errs->n + errs->dropped;
    protobuf_c_boolean has[F_RULE];
    int32_t v[F_RULE];
    put_ints(c, has, v);
    for (int i = 0; i < F_RULE; i++) {
        if (has[i] && (v[i] < lo[i] || v[i] > hi[i]))
            nq_field_errors_add(errs, pool_field_names[i], "must be an integer from %d to %d",
                                lo[i], hi[i]);
    }
    for (int i = 0; i < FOLLOWUP_CLASSES; i++) {
        if (has[F_DAYS + i] && has[F_MULT + i])
            nq_field_errors_add(errs, pool_field_names[F_MULT + i], "give either %s or %s",
                                pool_field_names[F_DAYS + i], pool_field_names[F_MULT + i]);
    }
    if (c->assign_rule && pool_rule_parse(c->assign_rule) < 0)
        nq_field_errors_add(errs, "assign_rule", "must be one of none, round_robin, least_loaded");
    return errs->n + errs->dropped > before ? -1 : 0;
}

void pool_put_values(const Nq__TeamCadence *c, char values[POOL_FIELDS][16])
{
    protobuf_c_boolean has[F_RULE];
    int32_t v[F_RULE];
    put_ints(c, has, v);
    for (int i = 0; i < F_RULE; i++) {
        values[i][0] = '\0';
        if (has[i])
            snprintf(values[i], 16, "%d", (int)v[i]);
    }
    snprintf(values[F_RULE], 16, "%s", c->assign_rule ? c->assign_rule : "");
}

void pool_settings_to_pb(const pool_settings_t *s, const int cadence[FOLLOWUP_CLASSES],
                         Nq__TeamCadence *out)
{
    int32_t *days[] = {&out->key_pool_days, &out->normal_pool_days, &out->potential_pool_days};
    protobuf_c_boolean *has_days[] = {&out->has_key_pool_days, &out->has_normal_pool_days,
                                      &out->has_potential_pool_days};
    int32_t *mult[] = {&out->key_pool_multiple, &out->normal_pool_multiple,
                       &out->potential_pool_multiple};
    protobuf_c_boolean *has_mult[] = {&out->has_key_pool_multiple, &out->has_normal_pool_multiple,
                                      &out->has_potential_pool_multiple};
    int32_t *limit[] = {&out->key_claim_limit, &out->normal_claim_limit,
                        &out->potential_claim_limit};
    protobuf_c_boolean *has_limit[] = {&out->has_key_claim_limit, &out->has_normal_claim_limit,
                                       &out->has_potential_claim_limit};
    for (int i = 0; i < FOLLOWUP_CLASSES; i++) {
        *has_days[i] = 1;
        *days[i] = pool_period_days(s, i, cadence[i]);
        *has_mult[i] = s->days[i] == 0;
        *mult[i] = s->days[i] == 0 ? s->multiple[i] : 0;
        *has_limit[i] = s->limit[i] > 0;
        *limit[i] = s->limit[i];
    }
    out->has_pool_warn_days = 1;
    out->pool_warn_days = s->warn_days;
    out->assign_rule = (char *)pool_rule_names[s->rule];
}

int pool_period_days(const pool_settings_t *s, int cls, int cadence)
{
    if (cls < 0 || cls >= FOLLOWUP_CLASSES)
        return cadence;
    int days = s->days[cls] > 0 ? s->days[cls] : s->multiple[cls] * cadence;
    return days < cadence ? cadence : days;
}

int64_t pool_base(int64_t last_contact, int64_t since, int64_t created)
{
    return last_contact > 0 ? last_contact : since > 0 ? since : created > 0 ? created : 0;
}

int64_t pool_due(int64_t base, int days, int64_t zone_offset)
{
    return followup_due(base, days, zone_offset);
}

int64_t pool_warn_at(int64_t due, int warn_days)
{
    return due - (int64_t)warn_days * FOLLOWUP_DAY_MS;
}

pool_step_t pool_decide(int64_t now, int64_t due, int64_t warn_at, int64_t warned_for)
{
    if (now >= due)
        return (pool_step_t){POOL_MOVE, 0};
    if (now >= warn_at && warned_for != due)
        return (pool_step_t){POOL_WARN, due};
    return (pool_step_t){POOL_WAIT, warned_for == due || warn_at >= due ? due : warn_at};
}

bool pool_claim_allowed(int64_t owned, int limit)
{
    return limit <= 0 || owned < limit;
}

int pool_pick_round_robin(const char *const *ids, size_t n, const char *last)
{
    if (n == 0)
        return -1;
    for (size_t i = 0; last && *last && i < n; i++) {
        if (strcmp(ids[i], last) > 0)
            return (int)i;
    }
    return 0;
}

int pool_pick_least_loaded(const char *const *ids, const int64_t *loads, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (best < 0 || loads[i] < loads[best] ||
            (loads[i] == loads[best] && strcmp(ids[i], ids[best]) < 0))
            best = (int)i;
    }
    return best;
}
