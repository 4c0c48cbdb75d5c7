/* tools/nqctl.h — one run of nqctl: its options and gateway client (ctl_t),
 * its exit codes, and the commands of the table in nqctl.c (help is
 * defined there), each defined in the module named beside it.
 *
 *   nqctl.c             the command and option tables, help, main
 *   nqctl_http.c        requests to the gateway, what is said of their answers
 *   nqctl_request.c     get, put, send
 *   nqctl_rebuild.c     rebuild
 *   nqctl_demo.c        seed-demo (and --remove)
 *   nqctl_import.c      import activities / targets / teams / salespeople / customers
 *   nqctl_import_run.c  one import run: input, rejects, progress, retries, summary
 *   nqctl_zone.c        the zone periods are computed in (NQ_ZONE)
 *   nqctl_access.c      user and apikey: users and API keys, written to Redis directly
 */
#ifndef NQ_TOOLS_NQCTL_H
#define NQ_TOOLS_NQCTL_H

#include <stdbool.h>

#include <hiredis/hiredis.h>

#include "import_text.h"
#include "nq/httpc.h"

#define DEFAULT_URL  "http://127.0.0.1:8080"
#define DEFAULT_ZONE "Asia/Shanghai"

/* import: events per request, and the body size at which a batch is sent
 * before it is full (well under the gateway's 4 MiB NQ_MAX_BODY_BYTES). */
#define IMPORT_BATCH_DEFAULT 500
#define IMPORT_BATCH_MAX     5000
#define IMPORT_BATCH_BYTES   (1 << 20)
/* import customers: rows per POST /api/v1/customers:batch by default and at
 * most (the gateway takes 500, and 2 MiB of body), and the body at which one
 * is sent early. 100 rows: the per-request costs shared by many rows, and a
 * request well within the gateway's deadline (NQ_REQUEST_TIMEOUT_MS) even
 * when several imports load nq-customers and Redis at once. */
#define CUSTOMERS_BATCH_PATH    "/api/v1/customers:batch"
#define CUSTOMERS_BATCH_DEFAULT 100
#define CUSTOMERS_BATCH_MAX     500
#define CUSTOMERS_BATCH_BYTES   (1 << 20)

/* Exit codes, shown by `nqctl help`. */
enum {
    CTL_OK = 0,          /* done, the gateway answered 2xx */
    CTL_REFUSED = 1,     /* the gateway answered, but not 2xx (or events were rejected) */
    CTL_USAGE = 2,       /* bad command line */
    CTL_INPUT = 3,       /* an input file could not be read or is not the JSON expected */
    CTL_UNREACHABLE = 4, /* no HTTP answer: refused, timed out, not HTTP */
};

typedef struct ctl {
    const char *url;         /* gateway base URL */
    nq_httpc_t *http;        /* client, one keep-alive connection */
    int timeout_ms;          /* --timeout, 0 = the client's default */
    const char *format;      /* --format: "csv", "ndjson", or NULL (by the file's extension) */
    long batch;              /* --batch: events per request of import activities */
    const char *rejects;     /* --rejects: rejects file of import, NULL = FILE.rejects.ndjson */
    const char *from;        /* --from: rebuild only periods ending after this date */
    import_enc_t encoding;   /* --encoding of import files, IMPORT_ENC_AUTO = detect */
    char headers[96];        /* extra request headers: Accept and Accept-Language */
    bool remove;             /* --remove: seed-demo deletes the demo org instead */
    const char *role;        /* --role of user add */
    const char *teams;       /* --teams of user add / apikey create, NULL = none */
    const char *salesperson; /* --salesperson of user add */
    const char *name;        /* --name: a user's display name, a key's purpose */
    const char *scope;       /* --scope of apikey create */
    const char *sources;     /* --sources of apikey create, NULL = any */
    bool password_stdin;     /* --password-stdin */
    redisContext *redis;     /* Redis, for the user and apikey commands (else NULL) */
} ctl_t;

/* A command of the table: argv holds exactly the command's `nargs` words.
 * Returns the exit code. */
int cmd_get(ctl_t *ctl, char **argv);          /* nqctl_request.c */
int cmd_put(ctl_t *ctl, char **argv);          /* nqctl_request.c */
int cmd_send(ctl_t *ctl, char **argv);         /* nqctl_request.c */
int cmd_rebuild(ctl_t *ctl, char **argv);      /* nqctl_rebuild.c */
int cmd_curve_keygen(ctl_t *ctl, char **argv); /* nqctl_secure.c */
int cmd_redis_acl(ctl_t *ctl, char **argv);
int cmd_seed_demo(ctl_t *ctl, char **argv);         /* nqctl_demo.c */
int cmd_import_activities(ctl_t *ctl, char **argv); /* nqctl_import.c */
int cmd_import_targets(ctl_t *ctl, char **argv);
int cmd_import_teams(ctl_t *ctl, char **argv);
int cmd_import_salespeople(ctl_t *ctl, char **argv);
int cmd_import_customers(ctl_t *ctl, char **argv);
int cmd_user_add(ctl_t *ctl, char **argv); /* nqctl_access.c */
int cmd_user_list(ctl_t *ctl, char **argv);
int cmd_user_disable(ctl_t *ctl, char **argv);
int cmd_user_passwd(ctl_t *ctl, char **argv);
int cmd_apikey_create(ctl_t *ctl, char **argv);
int cmd_apikey_list(ctl_t *ctl, char **argv);
int cmd_apikey_revoke(ctl_t *ctl, char **argv);

/* Connect ctl->redis to NQ_REDIS_HOST / NQ_REDIS_PORT. Returns CTL_OK, or
 * CTL_UNREACHABLE after saying why (nqctl_access.c). */
int ctl_redis_connect(ctl_t *ctl);

/* Compute periods and read local times in NQ_ZONE (default Asia/Shanghai).
 * Returns CTL_OK, or CTL_USAGE after saying why (nqctl_zone.c). */
int ctl_use_zone(void);

#endif
