/* nq/config.h — configuration of every neiqin process.
 *
 * One table of options (common/src/config.c) describes every setting: its
 * environment variable, its command-line flag, its default, its limits and a
 * one-line help. Values come from the defaults, then the environment, then
 * the flags (flags win). Every value is validated; the first bad one is
 * reported naming the variable or flag and the reason.
 *
 *   nq_config_t cfg;
 *   char err[256];
 *   if (nq_config_load(&cfg, "nq-ingest", argc, argv, getenv, err, sizeof(err)) != 0) {
 *       fprintf(stderr, "%s\n", err);
 *       return 2;
 *   }
 *
 * `--help` makes nq_config_load print the option table to stdout and return 1.
 */
#ifndef NQ_CONFIG_H
#define NQ_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NQ_CONFIG_STR 256

typedef struct nq_config {
    char service[32];                       /* process name, e.g. nq-ingest */
    char instance[64];                      /* unique instance name (default host:pid) */
    char log_level[16];                     /* debug / info / warn / error */
    char zone[64];                          /* period zone, IANA name */
    char redis_host[NQ_CONFIG_STR];         /* Redis address */
    int redis_port;                         /* Redis port */
    char redis_user[64];                    /* Redis ACL user ("": the default user) */
    char redis_password[NQ_CONFIG_STR];     /* its password ("": no AUTH); never logged */
    char curve[8];                          /* "on" / "off": CURVE between the services */
    char curve_dir[NQ_CONFIG_STR];          /* the CURVE keys (nq/curve.h) */
    char http_host[NQ_CONFIG_STR];          /* gateway listen address */
    int http_port;                          /* gateway listen port */
    char ingest_endpoint[NQ_CONFIG_STR];    /* ingest ROUTER (gateway connects) */
    char customers_endpoint[NQ_CONFIG_STR]; /* customers ROUTER */
    char reporting_endpoint[NQ_CONFIG_STR]; /* reporting ROUTER */
    char stored_endpoint[NQ_CONFIG_STR];    /* ingest PUB "activity.stored" (scorers connect) */
    char changes_endpoint[NQ_CONFIG_STR];   /* alerting SUB bind; scorers/customers PUB connect */
    char alerts_endpoint[NQ_CONFIG_STR];    /* alerting PUB bind; gateway SUB connects */
    char web_root[NQ_CONFIG_STR];           /* static files served by the gateway */
    int64_t big_order_fen;                  /* big-order alert threshold, fen */
    char alert_rules_off[NQ_CONFIG_STR];    /* rules off in the company defaults, "a,b" */
    char pool_sweep[8];                     /* "on" / "off": the public pool's reclaim */
    int64_t alert_recency_s;                /* event-time alerts only this recent (0: any age) */
    int64_t alert_escalate_unit_ms;  /* one "minute" of escalate_after_min, ms (tests shorten it) */
    int64_t clock_offset_ms;         /* nq_now_ms() runs this far ahead of the host (tests) */
    int64_t delivery_retry_ms;       /* first retry of a failed delivery after about this, ms */
    int64_t delivery_window_s;       /* a delivery is retried this long, then a dead letter */
    int64_t delivery_timeout_ms;     /* one delivery attempt's deadline, ms */
    char console_url[NQ_CONFIG_STR]; /* prefix of console links in channel messages */
    char unknown_salesperson[16];    /* "accept" / "reject": events of ids not in the directory */
    int64_t max_frame_bytes;         /* largest ZeroMQ frame accepted */
    int64_t max_body_bytes;          /* largest HTTP request body */
    int64_t max_batch_events;        /* most events in one request */
    int64_t request_timeout_ms;      /* gateway -> service reply deadline */
    int64_t dedupe_window_s;         /* how long an event_id is remembered, seconds */
    int64_t future_skew_s;           /* how far in the future occurred_at may be, seconds */
    int64_t scoring_backlog_max;     /* accepted-but-unscored events before ingest holds */
    int64_t ingest_hold_max_ms;      /* longest ingest holds a batch, ms */
    char feed_secrets[2048];         /* webhook secrets "source=secret,..." (nq/feedsig.h) */
    int64_t feed_tolerance_s;        /* webhook timestamp window, seconds */
    char holidays[4096];             /* public holidays, nq/workdays.h */
    char makeup_workdays[1024];      /* make-up working days, nq/workdays.h */
    int64_t session_idle_s;          /* a session ends after this long unused, seconds */
    int64_t session_max_s;           /* and this long after sign-in whatever happens */
    int64_t cookie_secure;           /* 1: cookies carry Secure (TLS terminated in front) */
    char metrics_allow[512];         /* addresses that may GET /metrics without a key */
    int64_t login_max_failures;      /* failed sign-ins of an account or address before lockout */
    int64_t login_window_s;          /* over this many seconds; the lockout lasts as long */
    int64_t rate_key_rps;            /* requests a second per API key (0: no limit), per gateway */
    int64_t rate_key_burst;          /* and the burst a key may send at once */
    int64_t rate_user_rps;           /* requests a second per signed-in user (0: no limit) */
    int64_t rate_user_burst;         /* and their burst */
    char cors_origins[1024];      /* origins browsers may call from, comma-separated ("": none) */
    int64_t audit_retention_days; /* audit entries older than this are trimmed */
} nq_config_t;

/* Fill `cfg` from defaults, then `getenv_fn` (pass getenv, or a stub in tests),
 * then argv flags ("--redis-port 6390" or "--redis-port=6390"). `service`
 * names the process. Returns 0 on success, 1 when --help was printed, or -1
 * with a reason in err ("NQ_REDIS_PORT: must be an integer in 1..65535, got 'x'"). */
int nq_config_load(nq_config_t *cfg, const char *service, int argc, char **argv,
                   char *(*getenv_fn)(const char *), char *err, size_t errlen);

/* Print every option (flag, variable, default, help) to `out`. */
void nq_config_usage(FILE *out, const char *service);

#endif
