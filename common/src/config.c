/* config.c — the option table and its loader. See nq/config.h.
 *
 * Adding an option is adding a field to nq_config_t and a row to `options`. */
#include "nq/config.h"

#include "nq/feedsig.h"
#include "nq/workdays.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "nq/log.h"
#include "nq/money.h"
#include "nq/period.h"
#include "nq/redis.h"

/* How an option's text becomes a field value. */
typedef enum {
    OPT_STRING,       /* copied as is (char[]) */
    OPT_INT,          /* decimal integer in min..max (int or int64_t) */
    OPT_ENDPOINT,     /* ZeroMQ endpoint tcp:// ipc:// inproc:// (char[]) */
    OPT_MONEY_YUAN,   /* decimal yuan > 0, stored as fen (int64_t) */
    OPT_LOG_LEVEL,    /* debug / info / warn / error (char[]) */
    OPT_ZONE,         /* IANA zone present on this host, or UTC (char[]) */
    OPT_FEED_SECRETS, /* "source=secret,..." (char[]), see nq/feedsig.h */
    OPT_DAYS,         /* "YYYY-MM-DD,a..b,..." (char[]), see nq/workdays.h */
    OPT_REDIS_HOST,   /* host name or address, or a Unix socket's path (char[]) */
    OPT_UNKNOWN,      /* accept / reject (char[]) */
    OPT_ONOFF,        /* on / off (char[]) */
    OPT_SECRET,       /* copied as is, never echoed in an error (char[]) */
} opt_type_t;

/* One configurable setting. */
typedef struct option {
    const char *flag; /* command-line name without "--" */
    const char *env;  /* environment variable */
    opt_type_t type;  /* how the text is parsed */
    size_t offset;    /* field in nq_config_t */
    size_t size;      /* sizeof that field */
    int64_t min, max; /* inclusive bounds, OPT_INT only */
    const char *def;  /* default, as text; parsed like any other value */
    const char *help; /* one line for --help */
} option_t;

#define FIELD(f) offsetof(nq_config_t, f), sizeof(((nq_config_t *)0)->f)

static const option_t options[] = {
    {"instance", "NQ_INSTANCE", OPT_STRING, FIELD(instance), 0, 0, "",
     "unique instance name (empty: host:pid)"},
    {"log-level", "NQ_LOG_LEVEL", OPT_LOG_LEVEL, FIELD(log_level), 0, 0, "info",
     "minimum log level: debug, info, warn, error"},
    {"zone", "NQ_ZONE", OPT_ZONE, FIELD(zone), 0, 0, "Asia/Shanghai",
     "time zone of days, weeks, months (IANA name)"},
    {"redis-host", "NQ_REDIS_HOST", OPT_REDIS_HOST, FIELD(redis_host), 0, 0, "127.0.0.1",
     "Redis host, or the path of its Unix socket (starting with /)"},
    {"redis-port", "NQ_REDIS_PORT", OPT_INT, FIELD(redis_port), 1, 65535, "6390", "Redis port"},
    {"redis-user", "NQ_REDIS_USER", OPT_STRING, FIELD(redis_user), 0, 0, "",
     "Redis ACL user of this process (empty: the default user)"},
    {"redis-password", "NQ_REDIS_PASSWORD", OPT_SECRET, FIELD(redis_password), 0, 0, "",
     "its password (empty: no AUTH)"},
    {"curve", "NQ_CURVE", OPT_ONOFF, FIELD(curve), 0, 0, "on",
     "CURVE authentication and encryption between the services: on, or off (development only)"},
    {"curve-dir", "NQ_CURVE_DIR", OPT_STRING, FIELD(curve_dir), 0, 0, "",
     "directory of the CURVE keys, <service>.key and .pub (required when NQ_CURVE=on)"},
    {"http-host", "NQ_HTTP_HOST", OPT_STRING, FIELD(http_host), 0, 0, "127.0.0.1",
     "gateway HTTP listen address"},
    {"http-port", "NQ_HTTP_PORT", OPT_INT, FIELD(http_port), 1, 65535, "8080",
     "gateway HTTP listen port"},
    {"ingest-endpoint", "NQ_INGEST_ENDPOINT", OPT_ENDPOINT, FIELD(ingest_endpoint), 0, 0,
     "tcp://127.0.0.1:7101", "ingest ROUTER"},
    {"customers-endpoint", "NQ_CUSTOMERS_ENDPOINT", OPT_ENDPOINT, FIELD(customers_endpoint), 0, 0,
     "tcp://127.0.0.1:7102", "customers ROUTER"},
    {"reporting-endpoint", "NQ_REPORTING_ENDPOINT", OPT_ENDPOINT, FIELD(reporting_endpoint), 0, 0,
     "tcp://127.0.0.1:7103", "reporting ROUTER"},
    {"stored-endpoint", "NQ_STORED_ENDPOINT", OPT_ENDPOINT, FIELD(stored_endpoint), 0, 0,
     "tcp://127.0.0.1:7104", "ingest PUB of stored activities"},
    {"changes-endpoint", "NQ_CHANGES_ENDPOINT", OPT_ENDPOINT, FIELD(changes_endpoint), 0, 0,
     "tcp://127.0.0.1:7105", "alerting SUB of state changes"},
    {"alerts-endpoint", "NQ_ALERTS_ENDPOINT", OPT_ENDPOINT, FIELD(alerts_endpoint), 0, 0,
     "tcp://127.0.0.1:7106", "alerting PUB of alerts"},
    {"web-root", "NQ_WEB_ROOT", OPT_STRING, FIELD(web_root), 0, 0, "",
     "the console's files served at / (empty: the build's copy, <build>/web)"},
    {"big-order-yuan", "NQ_BIG_ORDER_YUAN", OPT_MONEY_YUAN, FIELD(big_order_fen), 0, 0, "50000",
     "big-order alert threshold, yuan"},
    {"pool-sweep", "NQ_POOL_SWEEP", OPT_ONOFF, FIELD(pool_sweep), 0, 0, "off",
     "on: customers not contacted for their pool period go back to the public pool"},
    {"alert-rules-off", "NQ_ALERT_RULES_OFF", OPT_STRING, FIELD(alert_rules_off), 0, 0, "",
     "alert rules off in the company defaults, comma-separated keys (teams may turn them on)"},
    {"alert-recency-s", "NQ_ALERT_RECENCY_S", OPT_INT, FIELD(alert_recency_s), 0, 31622400, "86400",
     "event-time alerts fire only for events that occurred within this many seconds (0: any age)"},
    {"alert-escalate-unit-ms", "NQ_ALERT_ESCALATE_UNIT_MS", OPT_INT, FIELD(alert_escalate_unit_ms),
     1, 60000, "60000",
     "test only: the length of one minute of the rules' escalate_after_min, ms (60000 in use)"},
    {"clock-offset-ms", "NQ_CLOCK_OFFSET_MS", OPT_INT, FIELD(clock_offset_ms), 0, 315360000000LL,
     "0", "test only: the process's clock runs this many ms ahead of the host's (0 in use)"},
    {"delivery-retry-ms", "NQ_DELIVERY_RETRY_MS", OPT_INT, FIELD(delivery_retry_ms), 1, 3600000,
     "10000",
     "a failed alert delivery is first retried after about this (doubling, capped at 1 h)"},
    {"delivery-window-s", "NQ_DELIVERY_WINDOW_S", OPT_INT, FIELD(delivery_window_s), 1, 604800,
     "86400", "an alert delivery is retried this long, then kept as a dead letter"},
    {"delivery-timeout-ms", "NQ_DELIVERY_TIMEOUT_MS", OPT_INT, FIELD(delivery_timeout_ms), 100,
     120000, "10000", "one alert delivery attempt's deadline"},
    {"console-url", "NQ_CONSOLE_URL", OPT_STRING, FIELD(console_url), 0, 0, "",
     "the console's address in front of the links channel messages carry (empty: the path alone)"},
    {"unknown-salesperson", "NQ_UNKNOWN_SALESPERSON", OPT_UNKNOWN, FIELD(unknown_salesperson), 0, 0,
     "accept",
     "events of salespeople not in the directory: accept (stored, scored, listed as unknown) or "
     "reject"},
    {"max-frame-bytes", "NQ_MAX_FRAME_BYTES", OPT_INT, FIELD(max_frame_bytes), 1024, 268435456,
     "8388608", "largest ZeroMQ frame accepted"},
    {"max-body-bytes", "NQ_MAX_BODY_BYTES", OPT_INT, FIELD(max_body_bytes), 1024, 268435456,
     "4194304", "largest HTTP request body"},
    {"max-batch-events", "NQ_MAX_BATCH_EVENTS", OPT_INT, FIELD(max_batch_events), 1, 100000, "5000",
     "most events in one request"},
    {"request-timeout-ms", "NQ_REQUEST_TIMEOUT_MS", OPT_INT, FIELD(request_timeout_ms), 10, 600000,
     "5000", "gateway -> service reply deadline, ms"},
    {"dedupe-window-s", "NQ_DEDUPE_WINDOW_S", OPT_INT, FIELD(dedupe_window_s), 60, 31622400,
     "2592000", "how long an event_id is remembered, s"},
    {"future-skew-s", "NQ_FUTURE_SKEW_S", OPT_INT, FIELD(future_skew_s), 0, 86400, "300",
     "how far in the future occurred_at may be, s"},
    {"scoring-backlog-max", "NQ_SCORING_BACKLOG_MAX", OPT_INT, FIELD(scoring_backlog_max), 0,
     1000000000, "25000",
     "events accepted but not yet scored beyond which ingest holds new batches (0: never)"},
    {"ingest-hold-max-ms", "NQ_INGEST_HOLD_MAX_MS", OPT_INT, FIELD(ingest_hold_max_ms), 0, 60000,
     "500", "longest ingest holds a batch while scoring is behind, ms"},
    {"feed-secrets", "NQ_FEED_SECRETS", OPT_FEED_SECRETS, FIELD(feed_secrets), 0, 0, "",
     "webhook secrets per feed source: source=secret,... (secrets of 16-128 chars)"},
    {"feed-tolerance-s", "NQ_FEED_TOLERANCE_S", OPT_INT, FIELD(feed_tolerance_s), 1, 86400, "300",
     "how far a webhook's X-Neiqin-Timestamp may be from now, seconds"},
    {"holidays", "NQ_HOLIDAYS", OPT_DAYS, FIELD(holidays), 0, 0, "",
     "public holidays for pacing: YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD, comma-separated"},
    {"makeup-workdays", "NQ_MAKEUP_WORKDAYS", OPT_DAYS, FIELD(makeup_workdays), 0, 0, "",
     "weekend days that are working days (调休), same format"},
    {"session-idle-s", "NQ_SESSION_IDLE_S", OPT_INT, FIELD(session_idle_s), 60, 2592000, "7200",
     "a signed-in session ends after this many seconds without a request"},
    {"session-max-s", "NQ_SESSION_MAX_S", OPT_INT, FIELD(session_max_s), 60, 31622400, "43200",
     "a signed-in session ends this many seconds after sign-in"},
    {"cookie-secure", "NQ_COOKIE_SECURE", OPT_INT, FIELD(cookie_secure), 0, 1, "0",
     "1: session cookies carry Secure (set it when TLS is terminated in front of the gateway)"},
    {"metrics-allow", "NQ_METRICS_ALLOW", OPT_STRING, FIELD(metrics_allow), 0, 0, "",
     "client addresses that may GET /metrics without an API key, comma-separated (empty: none)"},
    {"login-max-failures", "NQ_LOGIN_MAX_FAILURES", OPT_INT, FIELD(login_max_failures), 1, 1000,
     "10", "failed sign-ins of one account or one address before it is locked out"},
    {"rate-key-rps", "NQ_RATE_KEY_RPS", OPT_INT, FIELD(rate_key_rps), 0, 10000000, "2000",
     "requests a second one API key may send to one gateway (0: no limit)"},
    {"rate-key-burst", "NQ_RATE_KEY_BURST", OPT_INT, FIELD(rate_key_burst), 1, 100000000, "4000",
     "requests one API key may send at once before its rate applies"},
    {"rate-user-rps", "NQ_RATE_USER_RPS", OPT_INT, FIELD(rate_user_rps), 0, 10000000, "50",
     "requests a second one signed-in user may send to one gateway (0: no limit)"},
    {"rate-user-burst", "NQ_RATE_USER_BURST", OPT_INT, FIELD(rate_user_burst), 1, 100000000, "100",
     "requests one user may send at once before their rate applies"},
    {"cors-origins", "NQ_CORS_ORIGINS", OPT_STRING, FIELD(cors_origins), 0, 0, "",
     "origins (https://crm.example.com) browsers may call the API from, comma-separated (empty: "
     "none)"},
    {"audit-retention-days", "NQ_AUDIT_RETENTION_DAYS", OPT_INT, FIELD(audit_retention_days), 1,
     36500, "400", "audit log entries are kept this many days"},
    {"login-window-s", "NQ_LOGIN_WINDOW_S", OPT_INT, FIELD(login_window_s), 1, 86400, "900",
     "the window those failures are counted in, and how long the lockout lasts, seconds"},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* ---- value parsers: 0, or -1 with the reason in why ---------------------- */

typedef int (*setter_fn)(const option_t *opt, void *field, const char *text, char *why,
                         size_t whylen);

static int set_string(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    if (strlen(text) >= opt->size) {
        snprintf(why, whylen, "longer than %zu bytes", opt->size - 1);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(why, whylen, "contains a control character");
            return -1;
        }
    }
    memcpy(field, text, strlen(text) + 1);
    return 0;
}

/* Strict decimal: optional '-', digits only, no overflow. */
static bool parse_int64(const char *s, int64_t *out)
{
    bool negative = (*s == '-');
    s += negative;
    if (!*s)
        return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
            return false;
        v = v * 10 + (*s - '0');
    }
    *out = negative ? -v : v;
    return true;
}

static int set_int(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    int64_t v;
    if (!parse_int64(text, &v) || v < opt->min || v > opt->max) {
        snprintf(why, whylen, "must be an integer in %lld..%lld", (long long)opt->min,
                 (long long)opt->max);
        return -1;
    }
    if (opt->size == sizeof(int)) {
        int narrow = (int)v; /* min..max of every int row fits an int */
        memcpy(field, &narrow, sizeof(narrow));
    } else {
        memcpy(field, &v, sizeof(v));
    }
    return 0;
}

static int set_endpoint(const option_t *opt, void *field, const char *text, char *why,
                        size_t whylen)
{
    static const char *const schemes[] = {"tcp://", "ipc://", "inproc://"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t n = strlen(schemes[i]);
        if (strncmp(text, schemes[i], n) == 0 && text[n] != '\0')
            return set_string(opt, field, text, why, whylen);
    }
    snprintf(why, whylen, "must be a ZeroMQ endpoint tcp://, ipc:// or inproc://");
    return -1;
}

/* A path names a Unix socket (nq/redis.h), which must fit in sun_path. */
static int set_redis_host(const option_t *opt, void *field, const char *text, char *why,
                          size_t whylen)
{
    const size_t path_max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
    if (text[0] == '\0') {
        snprintf(why, whylen, "must be a host name or address, or the path of a Unix socket");
        return -1;
    }
    if (nq_redis_is_socket(text) && strlen(text) > path_max) {
        snprintf(why, whylen, "a Unix socket's path is at most %zu bytes", path_max);
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_money_yuan(const option_t *opt, void *field, const char *text, char *why,
                          size_t whylen)
{
    int64_t fen;
    const char *reason = "must be more than 0";
    if (nq_money_parse(text, &fen, &reason) != 0 || fen <= 0) {
        snprintf(why, whylen, "must be an amount of yuan > 0 (%s)", reason);
        return -1;
    }
    memcpy(field, &fen, sizeof(fen));
    return 0;
}

static int set_log_level(const option_t *opt, void *field, const char *text, char *why,
                         size_t whylen)
{
    nq_log_level_t level;
    if (nq_log_level_parse(text, &level) != 0) {
        snprintf(why, whylen, "must be debug, info, warn or error");
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_unknown(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    if (strcmp(text, "accept") != 0 && strcmp(text, "reject") != 0) {
        snprintf(why, whylen, "must be accept or reject");
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_onoff(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    if (strcmp(text, "on") != 0 && strcmp(text, "off") != 0) {
        snprintf(why, whylen, "must be on or off");
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_zone(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    if (!nq_zone_exists(text)) {
        snprintf(why, whylen, "unknown time zone (not UTC nor under /usr/share/zoneinfo)");
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_feed_secrets(const option_t *opt, void *field, const char *text, char *why,
                            size_t whylen)
{
    const char *reason = "invalid";
    if (nq_feed_secrets_check(text, &reason) != 0) {
        snprintf(why, whylen, "%s", reason);
        return -1;
    }
    return set_string(opt, field, text, why, whylen);
}

static int set_days(const option_t *opt, void *field, const char *text, char *why, size_t whylen)
{
    nq_calendar_t cal;
    const char *reason = "invalid";
    if (nq_calendar_parse(&cal, text, NULL, &reason) != 0) {
        snprintf(why, whylen, "%s", reason);
        return -1;
    }
    nq_calendar_free(&cal);
    return set_string(opt, field, text, why, whylen);
}

static const setter_fn setters[] = {
    [OPT_STRING] = set_string,
    [OPT_INT] = set_int,
    [OPT_ENDPOINT] = set_endpoint,
    [OPT_MONEY_YUAN] = set_money_yuan,
    [OPT_LOG_LEVEL] = set_log_level,
    [OPT_ZONE] = set_zone,
    [OPT_FEED_SECRETS] = set_feed_secrets,
    [OPT_DAYS] = set_days,
    [OPT_REDIS_HOST] = set_redis_host,
    [OPT_UNKNOWN] = set_unknown,
    [OPT_ONOFF] = set_onoff,
    [OPT_SECRET] = set_string,
};

/* ---- loader -------------------------------------------------------------- */

/* Where a value came from, for error messages. */
typedef enum { SRC_DEFAULT, SRC_ENV, SRC_FLAG } source_t;

/* Parse `text` into opt's field of cfg. On failure err reads
 * "<source>: <reason>, got '<text>'", naming the variable or the --flag. */
static int apply(nq_config_t *cfg, const option_t *opt, const char *text, source_t src, char *err,
                 size_t errlen)
{
    char why[160];
    if (setters[opt->type](opt, (char *)cfg + opt->offset, text, why, sizeof(why)) == 0)
        return 0;
    /* Secrets are never echoed back. */
    bool secret = opt->type == OPT_FEED_SECRETS || opt->type == OPT_SECRET;
    snprintf(err, errlen, "%s%s: %s, got '%s'",
             src == SRC_DEFAULT ? "default of --"
             : src == SRC_FLAG  ? "--"
                                : "",
             src == SRC_ENV ? opt->env : opt->flag, why, secret ? "(hidden)" : text);
    return -1;
}

static const option_t *find_flag(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].flag) == len && strncmp(options[i].flag, name, len) == 0)
            return &options[i];
    return NULL;
}

/* Apply argv[1..]: "--name value" or "--name=value"; "--help" prints usage. */
static int apply_flags(nq_config_t *cfg, int argc, char **argv, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0) {
            nq_config_usage(stdout, cfg->service);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument '%s' (see --help)", arg);
            return -1;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        const option_t *opt = find_flag(name, name_len);
        if (!opt) {
            snprintf(err, errlen, "unknown option --%.*s (see --help)", (int)name_len, name);
            return -1;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0) {
                snprintf(err, errlen, "--%s: missing value", opt->flag);
                return -1;
            }
            value = argv[++i];
        }
        if (apply(cfg, opt, value, SRC_FLAG, err, errlen) != 0)
            return -1;
    }
    return 0;
}

/* Defaults, then every variable that is set and not empty. */
static int apply_defaults_and_env(nq_config_t *cfg, char *(*getenv_fn)(const char *), char *err,
                                  size_t errlen)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_t *opt = &options[i];
        if (apply(cfg, opt, opt->def, SRC_DEFAULT, err, errlen) != 0)
            return -1;
        const char *env = getenv_fn ? getenv_fn(opt->env) : NULL;
        if (env && *env && apply(cfg, opt, env, SRC_ENV, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void default_instance(nq_config_t *cfg)
{
    char host[64] = "localhost";
    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    snprintf(cfg->instance, sizeof(cfg->instance), "%.40s:%ld", host, (long)getpid());
}

int nq_config_load(nq_config_t *cfg, const char *service, int argc, char **argv,
                   char *(*getenv_fn)(const char *), char *err, size_t errlen)
{
    /* Built aside and copied at the end: a failed load leaves cfg untouched. */
    nq_config_t c;
    memset(&c, 0, sizeof(c));
    if (!service || strlen(service) >= sizeof(c.service)) {
        snprintf(err, errlen, "service name missing or longer than %zu bytes",
                 sizeof(c.service) - 1);
        return -1;
    }
    memcpy(c.service, service, strlen(service) + 1);

    if (apply_defaults_and_env(&c, getenv_fn, err, errlen) != 0)
        return -1;
    int rc = apply_flags(&c, argc, argv, err, errlen);
    if (rc != 0)
        return rc;
    if (c.instance[0] == '\0')
        default_instance(&c);
    *cfg = c;
    return 0;
}

void nq_config_usage(FILE *out, const char *service)
{
    fprintf(out, "Usage: %s [--option value | --option=value]...\n\n", service ? service : "nq");
    fprintf(out, "Each option can also be set by its environment variable; flags win.\n\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_t *opt = &options[i];
        fprintf(out, "  --%-20s %-23s %s (default: %s)\n", opt->flag, opt->env, opt->help,
                opt->def[0] ? opt->def : "\"\"");
    }
    fprintf(out, "  --%-20s %-23s %s\n", "help", "", "print this help and exit");
}
