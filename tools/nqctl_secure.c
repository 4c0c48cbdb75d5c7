/* nqctl_secure.c — the suite's own secrets: CURVE keys (nq/curve.h), Redis
 * ACL users (nq/redis_acl.h). */
#include <stdio.h>

#include "msg.h"
#include "nq/curve.h"
#include "nq/redis_acl.h"
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

/* nqctl redis-acl DIR: a password per Redis user where none is yet (in DIR,
 * 0600), then the ACL file's lines on stdout (passwords as SHA-256 only). */
int cmd_redis_acl(ctl_t *ctl, char **argv)
{
    char err[600];
    (void)ctl;
    if (nq_redis_acl_passwords(argv[0], err, sizeof(err)) < 0 ||
        nq_redis_acl_write(stdout, argv[0], err, sizeof(err)) != 0) {
        fprintf(stderr, "nqctl: %s\n", err);
        return CTL_INPUT;
    }
    return CTL_OK;
}
