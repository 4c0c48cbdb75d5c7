/* nqctl_access.c — user and apikey: users and API keys, written to Redis
 * directly (nq/access.h). An operator runs them on the server, with
 * NQ_REDIS_HOST / NQ_REDIS_PORT like the services: that is how the first
 * admin is made, before anyone can sign in (docs/operations.md). See nqctl.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msg.h"
#include "nq/access.h"
#include "nq/audit.h"
#include "nq/redis.h"
#include "nqctl.h"

#define REDIS_TIMEOUT_S 5

/* AUTH as NQ_REDIS_USER (default user when unset) with NQ_REDIS_PASSWORD,
 * when that is set. Returns 0, or -1 with the reason in c->errstr. */
static int authenticate(redisContext *c)
{
    const char *user = getenv("NQ_REDIS_USER"), *pw = getenv("NQ_REDIS_PASSWORD");
    if (!pw || !*pw)
        return 0;
    redisReply *r =
        user && *user ? redisCommand(c, "AUTH %s %s", user, pw) : redisCommand(c, "AUTH %s", pw);
    int rc = r && r->type != REDIS_REPLY_ERROR ? 0 : -1;
    if (rc != 0)
        snprintf(c->errstr, sizeof(c->errstr), "AUTH refused: %.100s", r ? r->str : "no reply");
    freeReplyObject(r);
    return rc;
}

int ctl_redis_connect(ctl_t *ctl)
{
    const char *host = getenv("NQ_REDIS_HOST");
    const char *port = getenv("NQ_REDIS_PORT");
    char where[300];
    struct timeval tv = {REDIS_TIMEOUT_S, 0};
    if (!host || !*host)
        host = "127.0.0.1";
    int p = port && *port ? atoi(port) : 6390;
    bool unix_socket = nq_redis_is_socket(host);
    ctl->redis =
        unix_socket ? redisConnectUnixWithTimeout(host, tv) : redisConnectWithTimeout(host, p, tv);
    if (ctl->redis && !ctl->redis->err && redisSetTimeout(ctl->redis, tv) == REDIS_OK &&
        authenticate(ctl->redis) == 0)
        return CTL_OK;
    snprintf(where, sizeof(where), unix_socket ? "%s" : "%s:%d", host, p);
    fprintf(stderr, "nqctl: ");
    fprintf(stderr, msg_tr(M_REDIS_UNREACHABLE), where,
            ctl->redis ? ctl->redis->errstr : msg_tr(M_OUT_OF_MEMORY));
    fprintf(stderr, "\n");
    return CTL_UNREACHABLE;
}

/* Append the audit entry of a change nqctl made (nq/audit.h): actor
 * nqctl:<login>, the command as method, the subject, and `after` (stolen; no
 * secret in it) as the body. A failure is said but does not undo the change. */
static void audit(const ctl_t *ctl, const char *command, const char *subject, const char *id,
                  json_t *after)
{
    const char *login = getenv("USER");
    const char *days = getenv("NQ_AUDIT_RETENTION_DAYS");
    char actor[96], err[256];
    long long keep = days && atoll(days) > 0 ? atoll(days) : 400;
    char *body = after ? json_dumps(after, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(after);
    snprintf(actor, sizeof(actor), "nqctl:%s", login && *login ? login : "?");
    nq_audit_entry_t e = {.actor = actor,
                          .actor_name = "nqctl",
                          .method = command,
                          .path = "",
                          .subject = subject,
                          .subject_id = id,
                          .status = 200,
                          .client = "",
                          .body = body,
                          .body_len = body ? strlen(body) : 0};
    if (nq_audit_append_sync(ctl->redis, &e, keep, err, sizeof(err)) != 0)
        fprintf(stderr, "nqctl: %s\n", err);
    free(body);
}

/* The exit code for a store result, after saying what went wrong. */
static int store_result(int rc, const char *err)
{
    if (rc == 0)
        return CTL_OK;
    fprintf(stderr, "nqctl: %s\n", msg_tr(err));
    return rc == NQ_ACCESS_EREDIS   ? CTL_UNREACHABLE
           : rc == NQ_ACCESS_EINVAL ? CTL_USAGE
                                    : CTL_REFUSED;
}

/* The password: the first line of standard input, without its line end. */
static int read_password(const ctl_t *ctl, char *buf, size_t len)
{
    if (!ctl->password_stdin) {
        fprintf(stderr, "nqctl: %s\n", msg_tr(M_NEED_PASSWORD));
        return CTL_USAGE;
    }
    if (!fgets(buf, (int)len, stdin) || !*buf) {
        fprintf(stderr, "nqctl: %s\n", msg_tr(M_PASSWORD_UNREADABLE));
        return CTL_INPUT;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return CTL_OK;
}

/* "2026-12-07 08:30" in local time, or "-" for 0. */
static const char *when(long long ms, char *buf, size_t len)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !localtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(buf, len, "-");
    return buf;
}

int cmd_user_add(ctl_t *ctl, char **argv)
{
    char err[256] = "", password[NQ_PASSWORD_MAX + 2];
    nq_user_t u = {0};
    if (!ctl->role) {
        fprintf(stderr, "nqctl: %s\n", msg_tr(M_NEED_ROLE));
        return CTL_USAGE;
    }
    int rc = read_password(ctl, password, sizeof(password));
    if (rc != CTL_OK)
        return rc;
    snprintf(u.id, sizeof(u.id), "%s", argv[0]);
    snprintf(u.name, sizeof(u.name), "%s", ctl->name ? ctl->name : "");
    snprintf(u.role, sizeof(u.role), "%s", ctl->role);
    snprintf(u.teams, sizeof(u.teams), "%s", ctl->teams ? ctl->teams : "");
    snprintf(u.salesperson, sizeof(u.salesperson), "%s", ctl->salesperson ? ctl->salesperson : "");
    rc = store_result(nq_access_user_add(ctl->redis, &u, password, err, sizeof(err)), err);
    memset(password, 0, sizeof(password));
    if (rc == CTL_OK) {
        audit(ctl, "user add", "users", u.id,
              json_pack("{s:s, s:s, s:s, s:s}", "name", u.name, "role", u.role, "teams", u.teams,
                        "salesperson", u.salesperson));
        printf(msg_tr(M_USER_ADDED), u.id, u.role);
    }
    return rc;
}

static void print_user(const nq_user_t *u, void *data)
{
    char last[32];
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u->id, u->name, u->role, u->teams[0] ? u->teams : "-",
           u->salesperson[0] ? u->salesperson : "-", u->disabled ? "disabled" : "active",
           when(u->last_login, last, sizeof(last)));
}

int cmd_user_list(ctl_t *ctl, char **argv)
{
    char err[256] = "";
    printf("%s", msg_tr(M_USER_HEAD));
    return store_result(nq_access_user_list(ctl->redis, print_user, NULL, err, sizeof(err)), err);
}

int cmd_user_disable(ctl_t *ctl, char **argv)
{
    char err[256] = "";
    int rc = store_result(nq_access_user_disable(ctl->redis, argv[0], err, sizeof(err)), err);
    if (rc == CTL_OK) {
        audit(ctl, "user disable", "users", argv[0], json_pack("{s:s}", "status", "disabled"));
        printf(msg_tr(M_USER_DISABLED), argv[0]);
    }
    return rc;
}

int cmd_user_passwd(ctl_t *ctl, char **argv)
{
    char err[256] = "", password[NQ_PASSWORD_MAX + 2];
    int rc = read_password(ctl, password, sizeof(password));
    if (rc != CTL_OK)
        return rc;
    rc = store_result(nq_access_user_passwd(ctl->redis, argv[0], password, err, sizeof(err)), err);
    memset(password, 0, sizeof(password));
    if (rc == CTL_OK) {
        audit(ctl, "user passwd", "users", argv[0], NULL);
        printf(msg_tr(M_USER_PASSWD), argv[0]);
    }
    return rc;
}

int cmd_apikey_create(ctl_t *ctl, char **argv)
{
    char err[256] = "", key[NQ_APIKEY_LEN + 1];
    nq_apikey_t k;
    if (!ctl->scope) {
        fprintf(stderr, "nqctl: %s\n", msg_tr(M_NEED_SCOPE));
        return CTL_USAGE;
    }
    int rc =
        store_result(nq_access_key_create(ctl->redis, ctl->scope, ctl->teams ? ctl->teams : "",
                                          ctl->name ? ctl->name : "key", key, &k, err, sizeof(err)),
                     err);
    if (rc != CTL_OK)
        return rc;
    if (ctl->sources) {
        rc = store_result(nq_access_key_sources(ctl->redis, k.id, ctl->sources, err, sizeof(err)),
                          err);
        if (rc != CTL_OK) { /* never leave the key without the limit asked for */
            nq_access_key_revoke(ctl->redis, k.id, err, sizeof(err));
            return rc;
        }
    }
    audit(ctl, "apikey create", "apikeys", k.id,
          json_pack("{s:s, s:s, s:s, s:s}", "name", k.name, "scope", k.scope, "teams", k.teams,
                    "sources", ctl->sources ? ctl->sources : ""));
    fprintf(stderr, msg_tr(M_KEY_CREATED), k.id, k.name, k.scope);
    printf("%s\n", key);
    return CTL_OK;
}

static void print_key(const nq_apikey_t *k, void *data)
{
    char created[32], used[32];
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k->id, k->name, k->scope,
           k->teams[0] ? k->teams : "-", k->sources[0] ? k->sources : "-",
           when(k->created, created, sizeof(created)), when(k->last_used, used, sizeof(used)),
           k->revoked ? "revoked" : "active");
}

int cmd_apikey_list(ctl_t *ctl, char **argv)
{
    char err[256] = "";
    printf("%s", msg_tr(M_KEY_HEAD));
    return store_result(nq_access_key_list(ctl->redis, print_key, NULL, err, sizeof(err)), err);
}

int cmd_apikey_revoke(ctl_t *ctl, char **argv)
{
    char err[256] = "";
    int rc = store_result(nq_access_key_revoke(ctl->redis, argv[0], err, sizeof(err)), err);
    if (rc == CTL_OK) {
        audit(ctl, "apikey revoke", "apikeys", argv[0], json_pack("{s:b}", "revoked", 1));
        printf(msg_tr(M_KEY_REVOKED), argv[0]);
    }
    return rc;
}
