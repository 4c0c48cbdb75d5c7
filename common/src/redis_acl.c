/* redis_acl.c — the suite's Redis ACL users. See nq/redis_acl.h. */
#include "nq/redis_acl.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nq/keys.h"

/* What every service may run: all but administration and what can wipe,
 * scan the whole key space by KEYS or reconfigure Redis. */
#define SERVICE_COMMANDS "resetchannels +@all -@admin -@dangerous"

#define GATEWAY   "nq-gateway"
#define INGEST    "nq-ingest"
#define SCORING   "nq-scoring"
#define CUSTOMERS "nq-customers"
#define ALERTING  "nq-alerting"
#define REPORTING "nq-reporting"

/* The users, one per service; each is also its process's name. */
static const char *const users[] = {GATEWAY, INGEST, SCORING, CUSTOMERS, ALERTING, REPORTING};
#define N_USERS (sizeof(users) / sizeof(users[0]))

#define RW       true                 /* read and write: "%RW~<pattern>" */
#define RO       false                /* read only: "%R~<pattern>" */
#define ANY_SP   NQ_KEY_SP_PREFIX "*" /* a salesperson's keys, up to the "}" of the tag */
#define ANY_TEAM NQ_KEY_TEAM_PREFIX "*"

/* What each user may touch, one key pattern (families of nq/keys.h) a row.
 * Redis asks write access for every key an EVALSHA names (a script that
 * writes may do anything with its KEYS); a key a service only reads but
 * passes to such a script is therefore granted RW. Consumer groups (XGROUP,
 * XREADGROUP, XACK, XAUTOCLAIM) write their stream. */
static const struct {
    const char *user;    /* one of users[] */
    bool write;          /* RW or RO */
    const char *pattern; /* Redis glob over key names */
} grants[] = {
    {GATEWAY, RO, "nq:*"},                               /* the API shows every family */
    {GATEWAY, RW, NQ_KEY_SESSION_PREFIX "*"},            /* sign-in sessions */
    {GATEWAY, RW, NQ_KEY_USER_PREFIX "*"},               /* last_login, passwords */
    {GATEWAY, RW, NQ_KEY_USERS},                         /* users' directory (user admin routes) */
    {GATEWAY, RW, NQ_KEY_APIKEY_PREFIX "*"},             /* last_used of an API key */
    {GATEWAY, RW, NQ_KEY_APIKEYS},                       /* keys' directory */
    {GATEWAY, RW, NQ_KEY_AUTH_VERSION},                  /* bumped by logout and revokes */
    {GATEWAY, RW, NQ_KEY_AUDIT},                         /* every write it answers */
    {GATEWAY, RW, NQ_KEY_LOGIN_FAIL "*"},                /* lockout counters */
    {GATEWAY, RW, NQ_KEY_HEARTBEATS},                    /* its heartbeat */
    {GATEWAY, RW, NQ_KEY_ALERTS},                        /* an alert's change, onto the stream */
    {GATEWAY, RW, NQ_KEY_ALERT_PREFIX "*"},              /* alerts, rules, quiet hours, channels */
    {GATEWAY, RW, NQ_KEY_INDEX_PREFIX NQ_IX_ALERTS "*"}, /* alerts' state indexes on a change */
    {GATEWAY, RW, NQ_KEY_TEAM_SETTINGS},                 /* a team's settings */
    {GATEWAY, RW, NQ_KEY_DLV_PREFIX "*"}, /* test messages and redrives into the queue */
    {GATEWAY, RW, ANY_TEAM},              /* a team's hash: a KEY of alert_rules_write */

    {INGEST, RW, NQ_KEY_ACTIVITIES},               /* appends the log, makes the scorers' group */
    {INGEST, RW, NQ_KEY_DEDUPE_BUCKETS},           /* the live dedupe buckets */
    {INGEST, RW, NQ_KEY_DEDUPE_BUCKET_PREFIX "*"}, /* the buckets */
    {INGEST, RW, NQ_KEY_FEED_SEEN_PREFIX "*"},     /* a signed delivery's replay key */
    {INGEST, RW, NQ_KEY_STATS_ACCEPTED},           /* its counter */
    {INGEST, RW, NQ_KEY_STATS_SCORED},         /* read for the backlog, a KEY of ingest_append */
    {INGEST, RW, NQ_KEY_SALESPEOPLE},          /* the directory is read by ingest_append (KEYS) */
    {INGEST, RW, NQ_KEY_SALESPEOPLE_ARCHIVED}, /* likewise */
    {INGEST, RW, NQ_KEY_CUSTOMERS},            /* likewise */
    {INGEST, RW, NQ_KEY_UNKNOWN_SALESPEOPLE},  /* ids seen, not in the directory */
    {INGEST, RW, NQ_KEY_UNKNOWN_CUSTOMERS},    /* likewise */
    {INGEST, RW, NQ_KEY_REBUILD_JOB},          /* POST /admin/rebuild requests one */
    {INGEST, RW, NQ_KEY_HEARTBEATS},           /* its heartbeat */

    {SCORING, RW, NQ_KEY_ACTIVITIES},               /* group "scoring"; the rebuild reads the log */
    {SCORING, RW, NQ_KEY_SCORING_PAUSED},           /* the rebuild's pause */
    {SCORING, RW, NQ_KEY_SCORING_CLAIMS},           /* the claims counter */
    {SCORING, RW, NQ_KEY_SCORING_UNCHECKED "*"},    /* an apply's guard flag */
    {SCORING, RW, NQ_KEY_STATS_SCORED},             /* its counter */
    {SCORING, RW, NQ_KEY_KPI_VERSION},              /* bumped by every apply and swap */
    {SCORING, RW, NQ_KEY_REBUILD_JOB},              /* the rebuild's claim and progress */
    {SCORING, RW, NQ_KEY_SHADOW_PREFIX "*"},        /* the rebuild's shadows, renamed by the swap */
    {SCORING, RW, ANY_SP NQ_KEY_KPI_INFIX "*"},     /* the aggregates it applies and rebuilds */
    {SCORING, RW, ANY_SP NQ_KEY_VISITED_INFIX "*"}, /* likewise */
    {SCORING, RW, ANY_SP NQ_KEY_DUE_INFIX "*"},     /* likewise */
    {SCORING, RW, ANY_SP NQ_KEY_ON_TIME_SUFFIX},    /* likewise */
    {SCORING, RW, NQ_KEY_HEARTBEATS},               /* its heartbeat */

    {CUSTOMERS, RW, ANY_SP NQ_KEY_PROFILE_SUFFIX},       /* a salesperson's record */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_TEAMS_SUFFIX},      /* its team history */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_STATUS_SUFFIX},     /* its status history */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_KEY_CUSTOMERS_SUFFIX}, /* its key customers */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_KEY_LOG_SUFFIX},       /* and their log */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_ACTS_SUFFIX},          /* the activity index */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_TIMELINE_SUFFIX},      /* likewise */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_AR_SUFFIX},         /* customers with receivables */
    {CUSTOMERS, RW, NQ_KEY_AR_CUSTOMERS},                /* likewise, company-wide */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_INTEL_SUFFIX "*"},  /* competitor intel (nq/intel.h) */
    {CUSTOMERS, RW, NQ_KEY_INTEL_SALESPEOPLE},           /* likewise: who has any */
    {CUSTOMERS, RW, NQ_KEY_AR_DUE},                      /* overdue-receivable looks */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_TICKETS_SUFFIX},    /* a salesperson's ticket times */
    /* A team's hash and members; no glob tells the hash "nq:team:<id>"
     * from the targets and plans reporting keeps under it. */
    {CUSTOMERS, RW, ANY_TEAM},
    {CUSTOMERS, RW, NQ_KEY_CUSTOMER_PREFIX "*"}, /* customers: record, owners, timeline, sums */
    {CUSTOMERS, RW, NQ_KEY_FOLLOWUP_LAST},       /* follow-ups */
    {CUSTOMERS, RW, NQ_KEY_FOLLOWUP_DUE},        /* likewise */
    {CUSTOMERS, RW, NQ_KEY_FOLLOWUP_SWEPT},      /* likewise */
    {CUSTOMERS, RW, NQ_KEY_CADENCE},             /* a team's cadences */
    {CUSTOMERS, RW, NQ_KEY_POOL_DUE},            /* the public pool: when each customer falls due */
    {CUSTOMERS, RW, NQ_KEY_POOL_SCANNED},        /* likewise: the sweep's lease */
    {CUSTOMERS, RW, NQ_KEY_POOL_RR},             /* round-robin positions of assignment rules */
    {CUSTOMERS, RW, NQ_KEY_CUSTOMER_SIGNALS},    /* pool warnings, credit flags: for alerting */
    {CUSTOMERS, RW, NQ_KEY_TEAMS},               /* the directory */
    {CUSTOMERS, RW, NQ_KEY_TEAMS_ARCHIVED},      /* likewise */
    {CUSTOMERS, RW, NQ_KEY_SALESPEOPLE},         /* likewise */
    {CUSTOMERS, RW, NQ_KEY_SALESPEOPLE_ARCHIVED},               /* likewise */
    {CUSTOMERS, RW, NQ_KEY_SALESPEOPLE_NAMES},                  /* likewise */
    {CUSTOMERS, RW, NQ_KEY_CUSTOMERS},                          /* likewise */
    {CUSTOMERS, RW, NQ_KEY_ORG_LAYOUT},                         /* the first layout's migration */
    {CUSTOMERS, RW, NQ_KEY_ORG_VERSION},                        /* bumped by every org write */
    {CUSTOMERS, RW, NQ_KEY_INDEX_PREFIX NQ_IX_TEAMS "*"},       /* the org's list indexes */
    {CUSTOMERS, RW, NQ_KEY_INDEX_PREFIX NQ_IX_SALESPEOPLE "*"}, /* likewise */
    {CUSTOMERS, RW, NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS "*"},   /* likewise */
    {CUSTOMERS, RW, NQ_KEY_INDEX_LAYOUT},                       /* the indexes were built */
    {CUSTOMERS, RW, NQ_KEY_AR_TOTALS},                          /* receivables totals: complete? */
    {CUSTOMERS, RW, ANY_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "*"},     /* and the totals for now */
    {CUSTOMERS, RW, NQ_KEY_AR_COMPANY_PREFIX "*"},              /* likewise, the company's */
    {CUSTOMERS, RW, NQ_KEY_ACTIVITIES},        /* group "index" of the activity indexer */
    {CUSTOMERS, RW, NQ_KEY_ACTINDEX_REPLAYED}, /* the request the index was replayed for */
    {CUSTOMERS, RW, NQ_KEY_REBUILD_JOB},       /* read by actindex_replay (KEYS) */
    {CUSTOMERS, RW, NQ_KEY_HEARTBEATS},        /* its heartbeat */

    {ALERTING, RW, NQ_KEY_ACTIVITIES},            /* group "alerting" */
    {ALERTING, RW, NQ_KEY_ALERTS},                /* raises onto the stream; group "delivery" */
    {ALERTING, RW, NQ_KEY_ALERT_PREFIX "[0-9]*"}, /* alert hashes: ids start with the raise time */
    {ALERTING, RW, NQ_KEY_ALERT_SEEN_PREFIX "*"}, /* raised once per (rule, subject, window) */
    {ALERTING, RW, NQ_KEY_ALERT_PRICES},          /* the last competitor prices */
    {ALERTING, RW, NQ_KEY_ALERT_ESCALATE},        /* escalation clock and leases */
    {ALERTING, RW, NQ_KEY_ALERT_TIMERS},          /* the timer rules' deadlines */
    {ALERTING, RW, NQ_KEY_ALERT_TIMER_DATA},      /* what each deadline is for */
    {ALERTING, RW, NQ_KEY_ALERT_TIMER_OPEN},      /* timer alerts open, for auto-resolve */
    {ALERTING, RW, NQ_KEY_INDEX_PREFIX NQ_IX_ALERTS "*"}, /* the alerts' lists */
    {ALERTING, RW, NQ_KEY_DLV_PREFIX "*"},   /* the delivery queue, records, dead letters, rates */
    {ALERTING, RW, NQ_KEY_HEARTBEATS},       /* its heartbeat */
    {ALERTING, RW, NQ_KEY_CUSTOMER_SIGNALS}, /* group "alerting": pool warnings, credit flags */
    {ALERTING, RO, NQ_KEY_ALERT_PREFIX "*"}, /* team rules, quiet hours, channels, a test's alert */
    /* the schedule rules read figures, targets and the roster as the overview does */
    {ALERTING, RO, ANY_SP},                                    /* teams, aggregates, activity */
    {ALERTING, RO, NQ_KEY_COMPANY NQ_KEY_TARGET_INFIX "*"},    /* company targets */
    {ALERTING, RO, NQ_KEY_INDEX_PREFIX NQ_IX_TEAMS "*"},       /* the teams in use */
    {ALERTING, RO, NQ_KEY_INDEX_PREFIX NQ_IX_SALESPEOPLE "*"}, /* the roster */
    {ALERTING, RO, NQ_KEY_SALESPEOPLE},                        /* likewise */
    {ALERTING, RO, NQ_KEY_SALESPEOPLE_NAMES},                  /* names in titles */
    {ALERTING, RO, NQ_KEY_TEAMS},                              /* likewise */
    {ALERTING, RO, NQ_KEY_CUSTOMER_PREFIX "*"}, /* names in titles; class, owner, last contact */
    {ALERTING, RO, NQ_KEY_CADENCE},             /* follow-up cadences of the timer rules */
    {ALERTING, RO, NQ_KEY_FOLLOWUP_DUE},        /* follow-ups due */
    {ALERTING, RO, ANY_TEAM},                   /* likewise */

    {REPORTING, RW, ANY_SP "}" NQ_KEY_TARGET_INFIX "*"},     /* targets */
    {REPORTING, RW, ANY_TEAM NQ_KEY_TARGET_INFIX "*"},       /* likewise */
    {REPORTING, RW, NQ_KEY_COMPANY NQ_KEY_TARGET_INFIX "*"}, /* likewise */
    {REPORTING, RW, ANY_TEAM NQ_KEY_PLANS_INFIX "*"},        /* plan versions */
    {REPORTING, RW, NQ_KEY_TARGET_VERSION},                  /* bumped by every target write */
    {REPORTING, RW, NQ_KEY_HEARTBEATS},                      /* its heartbeat */
    {REPORTING, RO, ANY_SP},             /* aggregates, key customers, profiles, histories */
    {REPORTING, RO, ANY_TEAM},           /* teams and members */
    {REPORTING, RO, NQ_KEY_SALESPEOPLE}, /* the roster */
    {REPORTING, RO, NQ_KEY_SALESPEOPLE_ARCHIVED},   /* likewise */
    {REPORTING, RO, NQ_KEY_SALESPEOPLE_NAMES},      /* names on boards */
    {REPORTING, RO, NQ_KEY_UNKNOWN_SALESPEOPLE},    /* ids not in the directory count too */
    {REPORTING, RO, NQ_KEY_CUSTOMER_PREFIX "*:ar"}, /* receivables facts: the KPI state counters */
    {GATEWAY, RW, NQ_KEY_TRAINING_REQUIRED},        /* required courses (config routes) */
    {CUSTOMERS, RW, NQ_KEY_CUSTSUMS_LAYOUT},        /* the customer figures' migration mark */
    {CUSTOMERS, RW, NQ_KEY_FOLLOWUP_DIRTY},         /* contacts to refresh follow-ups of */
};
#define N_GRANTS (sizeof(grants) / sizeof(grants[0]))

const char *nq_redis_acl_user_of(const char *name)
{
    for (size_t i = 0; name && i < N_USERS; i++)
        if (strcmp(users[i], name) == 0)
            return users[i];
    return NULL;
}

bool nq_redis_acl_may(const char *user, const char *key, bool write)
{
    for (size_t g = 0; user && key && g < N_GRANTS; g++)
        if (strcmp(grants[g].user, user) == 0 && (!write || grants[g].write) &&
            fnmatch(grants[g].pattern, key, 0) == 0)
            return true;
    return false;
}

static void path_of(char *buf, size_t len, const char *dir, const char *user)
{
    snprintf(buf, len, "%s/%s.password", dir, user);
}

/* A new password for `user` in dir unless there is one. 1 made, 0 kept, -1. */
static int make_password(const char *dir, const char *user, char *err, size_t errlen)
{
    char path[512], hex[NQ_REDIS_PASSWORD_LEN + 2];
    unsigned char raw[NQ_REDIS_PASSWORD_LEN / 2];
    path_of(path, sizeof(path), dir, user);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return 0;
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
    strcat(hex, "\n");
    bool ok = fd >= 0 && write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex);
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    sodium_memzero(hex, sizeof(hex));
    sodium_memzero(raw, sizeof(raw));
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    return 1;
}

int nq_redis_acl_passwords(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot make %s: %s", dir, strerror(errno));
        return -1;
    }
    int made = 0, rc = make_password(dir, NQ_REDIS_ACL_ADMIN, err, errlen);
    for (size_t i = 0; rc >= 0 && i < N_USERS; i++) {
        made += rc;
        rc = make_password(dir, users[i], err, errlen);
    }
    return rc < 0 ? -1 : made + rc;
}

int nq_redis_acl_password(const char *dir, const char *user, char *buf, size_t len, char *err,
                          size_t errlen)
{
    char path[512];
    path_of(path, sizeof(path), dir, user);
    FILE *f = fopen(path, "r");
    size_t n = f && len > NQ_REDIS_PASSWORD_LEN ? fread(buf, 1, NQ_REDIS_PASSWORD_LEN, f) : 0;
    if (f)
        fclose(f);
    if (n != NQ_REDIS_PASSWORD_LEN) {
        snprintf(err, errlen, "cannot read the Redis password of %s from %s", user, path);
        return -1;
    }
    buf[n] = '\0';
    return 0;
}

/* "#<sha256 hex>" of user's password, or "><password>" as a placeholder. */
static int secret_of(const char *dir, const char *user, char *out, size_t len, char *err,
                     size_t errlen)
{
    char pw[NQ_REDIS_PASSWORD_LEN + 1];
    unsigned char hash[crypto_hash_sha256_BYTES];
    if (!dir) {
        snprintf(out, len, "><password of %s>", user);
        return 0;
    }
    if (nq_redis_acl_password(dir, user, pw, sizeof(pw), err, errlen) != 0)
        return -1;
    crypto_hash_sha256(hash, (const unsigned char *)pw, strlen(pw));
    out[0] = '#';
    sodium_bin2hex(out + 1, len - 1, hash, sizeof(hash));
    sodium_memzero(pw, sizeof(pw));
    return 0;
}

int nq_redis_acl_write(FILE *out, const char *dir, char *err, size_t errlen)
{
    char secret[2 * crypto_hash_sha256_BYTES + 64];
    if (secret_of(dir, NQ_REDIS_ACL_ADMIN, secret, sizeof(secret), err, errlen) != 0)
        return -1;
    fprintf(out, "user %s on %s ~* &* +@all\n", NQ_REDIS_ACL_ADMIN, secret);
    for (size_t i = 0; i < N_USERS; i++) {
        if (secret_of(dir, users[i], secret, sizeof(secret), err, errlen) != 0)
            return -1;
        fprintf(out, "user %s on %s resetkeys", users[i], secret);
        for (size_t g = 0; g < N_GRANTS; g++)
            if (strcmp(grants[g].user, users[i]) == 0)
                fprintf(out, " %s~%s", grants[g].write ? "%RW" : "%R", grants[g].pattern);
        fprintf(out, " %s\n", SERVICE_COMMANDS);
    }
    return ferror(out) ? -1 : 0;
}
