/* rebuild_scope.c — see rebuild_scope.h. */
#include "rebuild_scope.h"

#include <string.h>

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
