/* rebuild_scope.c — see rebuild_scope.h. */
#include "rebuild_scope.h"

#include <string.h>

#include "nq/keys.h"

int rebuild_key_period(const char *key, nq_period_t *out)
{
    const char *suffix = strrchr(key, ':');
    if (!suffix)
        return -1;
    for (int k = 0; k < NQ_PERIOD_KIND_COUNT; k++) {
        if (nq_period_from_key((nq_period_kind_t)k, suffix + 1, out) == 0)
            return 0;
    }
    return -1;
}

bool rebuild_in_scope(const char *key, int64_t from_ms)
{
    nq_period_t p;
    return rebuild_key_period(key, &p) == 0 && p.end_ms > from_ms;
}

/* The families of aggregates, by what follows the salesperson's id. */
static const char *const per_period_infixes[] = {NQ_KEY_KPI_INFIX, NQ_KEY_VISITED_INFIX,
                                                 NQ_KEY_DUE_INFIX};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool rebuild_recomputes(const char *key, int64_t from_ms)
{
    if (strncmp(key, NQ_KEY_SP_PREFIX, strlen(NQ_KEY_SP_PREFIX)) != 0)
        return false;
    if (ends_with(key, NQ_KEY_ON_TIME_SUFFIX))
        return true;
    for (size_t i = 0; i < sizeof(per_period_infixes) / sizeof(per_period_infixes[0]); i++) {
        if (strstr(key, per_period_infixes[i]))
            return rebuild_in_scope(key, from_ms);
    }
    return false;
}
