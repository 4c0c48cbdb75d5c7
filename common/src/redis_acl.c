/* redis_acl.c — the suite's Redis ACL users. See nq/redis_acl.h. */
#include "nq/redis_acl.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nq/keys.h"

/* What every service may run: all but administration and what can wipe,
 * scan the whole key space by KEYS or reconfigure Redis. */
#define SERVICE_COMMANDS "resetchannels +@all -@admin -@dangerous"

/* The key families the gateway writes (nq/keys.h): sign-in, users, keys,
 * sessions, the audit log, an alert's lifecycle, a team's settings and alert
 * channels, test messages and redrives of deliveries, its heartbeat.
 * Everything else it only reads: the activity log, the aggregates, the org,
 * targets. */
static const char *const gateway_writes[] = {
    NQ_KEY_SESSION_PREFIX "*",
    NQ_KEY_USER_PREFIX "*",
    NQ_KEY_USERS,
    NQ_KEY_APIKEY_PREFIX "*",
    NQ_KEY_APIKEYS,
    NQ_KEY_AUTH_VERSION,
    NQ_KEY_AUDIT,
    NQ_KEY_LOGIN_FAIL "*",
    NQ_KEY_HEARTBEATS,
    NQ_KEY_ALERTS,
    "nq:alert:*",              /* nq_key_alert; the team rules NQ_KEY_ALERT_RULES */
    "nq:ix:" NQ_IX_ALERTS "*", /* nq_key_index of the alerts' list */
    NQ_KEY_TEAM_SETTINGS,
    "nq:dlv:*", /* NQ_KEY_DLV_QUEUE, nq_key_dlv_alert/_dead/_last */
    /* A team's hash (nq_key_team): alert_rules_write only checks that it
     * exists, but Redis wants write access to every key an EVALSHA names. */
    "nq:team:*",
    NULL,
};

/* Services that own a part of nearly every family (ingest the log and its
 * dedupe, scoring the aggregates and the rebuild's shadows, customers the
 * org and the index, alerting the alerts, reporting targets and plans)
 * write the suite's namespace. */
static const char *const namespace_writes[] = {"nq:*", NULL};

/* One user per row. */
static const struct {
    const char *user;          /* Redis user, also the process name */
    const char *const *writes; /* key patterns it may write (and read) */
} users[] = {
    {"nq-gateway", gateway_writes},    {"nq-ingest", namespace_writes},
    {"nq-scoring", namespace_writes},  {"nq-customers", namespace_writes},
    {"nq-alerting", namespace_writes}, {"nq-reporting", namespace_writes},
};
#define N_USERS (sizeof(users) / sizeof(users[0]))

const char *nq_redis_acl_user_of(const char *name)
{
    for (size_t i = 0; name && i < N_USERS; i++)
        if (strcmp(users[i].user, name) == 0)
            return users[i].user;
    return NULL;
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
        rc = make_password(dir, users[i].user, err, errlen);
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
        if (secret_of(dir, users[i].user, secret, sizeof(secret), err, errlen) != 0)
            return -1;
        fprintf(out, "user %s on %s resetkeys %%R~nq:*", users[i].user, secret);
        for (const char *const *w = users[i].writes; *w; w++)
            fprintf(out, " %%RW~%s", *w);
        fprintf(out, " %s\n", SERVICE_COMMANDS);
    }
    return ferror(out) ? -1 : 0;
}
