/* readsize.c — how many stream entries alerting reads at once. See readsize.h. */
#include "readsize.h"

int alert_read_count(int asked, size_t got, int min, int max)
{
    int next = asked;
    if (asked < min)
        next = min;
    else if (got >= (size_t)asked)
        next = asked * 2;
    else if (got < (size_t)asked / 4)
        next = asked / 2;
    if (next > max)
        next = max;
    return next < min ? min : next;
}
