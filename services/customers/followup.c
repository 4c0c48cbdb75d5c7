/* followup.c — follow-up cadence and due dates. See followup.h. */
#include "followup.h"

#include <string.h>

#include "nq/period.h"
#include "org.h"

const char *const followup_contact_types[] = {"visit", "call", "meeting", NULL};

int followup_is_contact(const char *type)
{
    return type && nq_one_of(type, followup_contact_types);
}

void followup_defaults(int days[FOLLOWUP_CLASSES])
{
    days[0] = FOLLOWUP_DEFAULT_KEY;
    days[1] = FOLLOWUP_DEFAULT_NORMAL;
    days[2] = FOLLOWUP_DEFAULT_POTENTIAL;
}

int followup_class(const char *cls)
{
    for (int i = 0; cls && org_customer_classes[i]; i++) {
        if (strcmp(org_customer_classes[i], cls) == 0)
            return i;
    }
    return -1;
}

static void check_days(protobuf_c_boolean has, int32_t days, const char *field,
                       nq_field_errors_t *errs)
{
    if (has && (days < 1 || days > FOLLOWUP_DAYS_MAX))
        nq_field_errors_add(errs, field, "must be an integer from 1 to %d", FOLLOWUP_DAYS_MAX);
}

int followup_check(const Nq__TeamCadence *c, nq_field_errors_t *errs)
{
    size_t before = errs->n + errs->dropped;
    check_days(c->has_key_days, c->key_days, "key_days", errs);
    check_days(c->has_normal_days, c->normal_days, "normal_days", errs);
    check_days(c->has_potential_days, c->potential_days, "potential_days", errs);
    if (c->n_overridden)
        nq_field_errors_add(errs, "overridden", "is read-only");
    return errs->n + errs->dropped > before ? -1 : 0;
}

int64_t followup_zone_offset(void)
{
    nq_period_t day;
    if (nq_period_of(NQ_PERIOD_DAY, 0, &day) != 0)
        return 0;
    return ((-day.start_ms) % FOLLOWUP_DAY_MS + FOLLOWUP_DAY_MS) % FOLLOWUP_DAY_MS;
}

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return q - (a % b != 0 && a < 0);
}

int64_t followup_due(int64_t base, int days, int64_t zone_offset)
{
    int64_t day = floor_div(base + zone_offset, FOLLOWUP_DAY_MS);
    return (day + days + 1) * FOLLOWUP_DAY_MS - zone_offset;
}
