/* timergroup.c — where the timers' consumer group starts. See timergroup.h. */
#include "timergroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* "ms-seq" (or "ms", seq 0) into its parts. */
static int id_parse(const char *id, uint64_t *ms, uint64_t *seq)
{
    if (!id || *id < '0' || *id > '9')
        return -1;
    char *end;
    errno = 0;
    *ms = strtoull(id, &end, 10);
    *seq = 0;
    if (errno != 0)
        return -1;
    if (*end == '\0')
        return 0;
    if (*end != '-' || end[1] < '0' || end[1] > '9')
        return -1;
    *seq = strtoull(end + 1, &end, 10);
    return errno != 0 || *end != '\0' ? -1 : 0;
}

int timer_group_before(const char *id, char *out, size_t len)
{
    uint64_t ms, seq;
    if (id_parse(id, &ms, &seq) != 0)
        return -1;
    if (seq > 0)
        seq--;
    else if (ms > 0) {
        ms--;
        seq = UINT64_MAX;
    }
    int n = snprintf(out, len, "%" PRIu64 "-%" PRIu64, ms, seq);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int timer_group_start(const char *last_delivered, const char *oldest_pending, char *out, size_t len)
{
    uint64_t ms, seq;
    if (!last_delivered) {
        int n = snprintf(out, len, "0");
        return n < 0 || (size_t)n >= len ? -1 : 0;
    }
    if (oldest_pending)
        return timer_group_before(oldest_pending, out, len);
    if (id_parse(last_delivered, &ms, &seq) != 0)
        return -1;
    int n = snprintf(out, len, "%s", last_delivered);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}
