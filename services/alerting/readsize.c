/* readsize.c — how many log entries alerting reads at once. See readsize.h. */
#include "readsize.h"

int alert_read_count(int asked, size_t got)
{
    int next = asked;
    if (asked < ALERTING_PULL_ENTRIES)
        next = ALERTING_PULL_ENTRIES;
    else if (got >= (size_t)asked)
        next = asked * 2;
    else if (got < (size_t)asked / 4)
        next = asked / 2;
    if (next > ALERTING_PULL_MAX)
        next = ALERTING_PULL_MAX;
    return next < ALERTING_PULL_ENTRIES ? ALERTING_PULL_ENTRIES : next;
}
