/* nqctl_zone.c — the zone nqctl computes periods and reads local times in.
 * See nqctl.h. */
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"
#include "nq/period.h"
#include "nqctl.h"

/* Compute periods and read local times in NQ_ZONE (default Asia/Shanghai).
 * Returns CTL_OK, or CTL_USAGE after saying why. */
int ctl_use_zone(void)
{
    const char *zone = getenv("NQ_ZONE");
    if (nq_zone_set(zone && *zone ? zone : DEFAULT_ZONE) == 0)
        return CTL_OK;
    fprintf(stderr, msg_tr(M_BAD_ZONE), zone);
    return CTL_USAGE;
}
