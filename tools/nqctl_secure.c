/* nqctl_secure.c — the suite's own secrets: CURVE keys (nq/curve.h). */
#include <stdio.h>

#include "msg.h"
#include "nq/curve.h"
#include "nqctl.h"

/* nqctl curve-keygen DIR: a key pair per service where none is yet. */
int cmd_curve_keygen(ctl_t *ctl, char **argv)
{
    char err[600];
    (void)ctl;
    int made = nq_curve_keygen(argv[0], err, sizeof(err));
    if (made < 0) {
        fprintf(stderr, "nqctl: %s\n", err);
        return CTL_INPUT;
    }
    printf(msg_tr(M_CURVE_MADE), made, argv[0]);
    return CTL_OK;
}
