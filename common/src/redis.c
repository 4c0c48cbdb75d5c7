/* redis.c — hiredis async client on libuv with reconnect. See nq/redis.h. */
#include "nq/redis.h"

#include <hiredis/async.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"
#include "redis_uv.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
/* A connect attempt not answered by then is abandoned and retried. */
#define CONNECT_TIMEOUT_MS 1000
/* Commands pending with no reply for this long: the connection is given up
 * (a server that stopped answering without closing the socket). */
#define REPLY_TIMEOUT_MS 5000
#define WATCHDOG_MS      1000

struct nq_redis {
    uv_loop_t *loop;                    /* the process's loop */
    uv_timer_t retry;                   /* reconnect timer */
    uv_timer_t watchdog;                /* gives up a connection that stopped answering */
    int open_timers;                    /* timers not yet closed */
    uint64_t last_progress;             /* uv_now of the last reply (or first pending command) */
    uint64_t last_tick;                 /* uv_now of the last watchdog run */
    redisAsyncContext *ac;              /* live context, NULL between connections */
    char host[256];                     /* server address, or its Unix socket's path */
    int port;                           /* server port (TCP only) */
    char where[272];                    /* host:port, or the socket's path: for logs */
    char name[64];                      /* CLIENT SETNAME value */
    char user[64];                      /* ACL user to AUTH as ("": default) */
    char password[256];                 /* its password ("": no AUTH); never logged */
    bool connected;                     /* connect callback said yes */
    bool closing;                       /* destroy called */
    uint64_t backoff_ms;                /* next retry delay */
    size_t pending;                     /* commands issued, not answered */
    nq_redis_connected_fn on_connected; /* hook after each connect */
    void *on_connected_data;            /* its argument */
    nq_redis_connected_fn first;        /* hook after each connect, before on_connected */
    void *first_data;                   /* its argument */
};

/* One issued command: the caller's callback and argument. */
typedef struct pending_cmd {
    nq_redis_t *r;
    nq_redis_cb cb;
    void *data;
} pending_cmd_t;

static void start_connect(nq_redis_t *r);
static void drop_connection(nq_redis_t *r);
static void on_auth(redisAsyncContext *ac, void *reply, void *privdata);

static void on_timer_closed(uv_handle_t *h)
{
    nq_redis_t *r = h->data;
    if (--r->open_timers == 0)
        free(r);
}

static void close_timers(nq_redis_t *r)
{
    uv_close((uv_handle_t *)&r->retry, on_timer_closed);
    uv_close((uv_handle_t *)&r->watchdog, on_timer_closed);
}

static void schedule_retry(nq_redis_t *r);

/* The retry timer: start the next attempt, or abandon a stuck one. */
static void on_retry(uv_timer_t *t)
{
    nq_redis_t *r = t->data;
    if (r->ac && !r->connected) {
        nq_log_warn("redis_connect", "%s: no answer within %d ms; retrying in %llu ms", r->where,
                    CONNECT_TIMEOUT_MS, (unsigned long long)r->backoff_ms);
        redisAsyncContext *ac = r->ac;
        r->ac = NULL;
        redisAsyncFree(ac);
        schedule_retry(r);
        return;
    }
    if (!r->ac)
        start_connect(r);
}

static void schedule_retry(nq_redis_t *r)
{
    if (r->closing)
        return;
    uv_timer_start(&r->retry, on_retry, r->backoff_ms, 0);
    r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : r->backoff_ms * 2;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
    nq_redis_t *r = ac->data;
    if (status != REDIS_OK) {
        nq_log_warn("redis_connect", "%s: %s; retrying in %llu ms", r->where, ac->errstr,
                    (unsigned long long)r->backoff_ms);
        r->ac = NULL; /* hiredis frees a context that failed to connect */
        schedule_retry(r);
        return;
    }
    uv_timer_stop(&r->retry);
    r->connected = true;
    r->backoff_ms = BACKOFF_MIN_MS;
    nq_log_info("redis_connected", "%s", r->where);
    if (r->password[0] && r->user[0])
        redisAsyncCommand(r->ac, on_auth, r, "AUTH %s %s", r->user, r->password);
    else if (r->password[0])
        redisAsyncCommand(r->ac, on_auth, r, "AUTH %s", r->password);
    redisAsyncCommand(r->ac, NULL, NULL, "CLIENT SETNAME %s", r->name);
    if (r->first)
        r->first(r, r->first_data);
    if (r->on_connected)
        r->on_connected(r, r->on_connected_data);
}

static void on_auth(redisAsyncContext *ac, void *reply, void *privdata)
{
    nq_redis_t *r = privdata;
    redisReply *rep = reply;
    if (rep && rep->type == REDIS_REPLY_ERROR)
        nq_log_error("redis_auth", "%s: AUTH as %s refused: %s", r->where,
                     r->user[0] ? r->user : "default", rep->str);
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    nq_redis_t *r = ac->data;
    r->ac = NULL;
    r->connected = false;
    if (r->closing) {
        close_timers(r);
        return;
    }
    nq_log_warn("redis_disconnected", "%s: %s", r->where,
                status == REDIS_OK ? "closed" : ac->errstr);
    schedule_retry(r);
}

static void start_connect(nq_redis_t *r)
{
    redisAsyncContext *ac = nq_redis_is_socket(r->host) ? redisAsyncConnectUnix(r->host)
                                                        : redisAsyncConnect(r->host, r->port);
    if (!ac || ac->err) {
        nq_log_warn("redis_connect", "%s: %s", r->where, ac ? ac->errstr : "no memory");
        if (ac)
            redisAsyncFree(ac);
        schedule_retry(r);
        return;
    }
    ac->data = r;
    if (nq_redis__attach(ac, r->loop) != 0) {
        redisAsyncFree(ac);
        schedule_retry(r);
        return;
    }
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    r->ac = ac;
    uv_timer_start(&r->retry, on_retry, CONNECT_TIMEOUT_MS, 0);
}

/* Give up a connection whose commands have waited REPLY_TIMEOUT_MS without
 * any reply: pending callbacks run with NULL, and (unless closing) a new
 * connection is made. During a stop this also ends a graceful disconnect
 * that would otherwise wait forever. */
static void on_watchdog(uv_timer_t *t)
{
    nq_redis_t *r = t->data;
    uint64_t now = uv_now(r->loop);
    /* A late tick means this process was stopped or blocked, not Redis: the
     * replies may be waiting unread, so give them a fresh chance. */
    if (now - r->last_tick > 2 * WATCHDOG_MS)
        r->last_progress = now;
    r->last_tick = now;
    if (!r->ac || r->pending == 0 || now - r->last_progress < REPLY_TIMEOUT_MS)
        return;
    nq_log_warn("redis_stalled", "%s: %zu commands without a reply for %d ms; reconnecting",
                r->where, r->pending, REPLY_TIMEOUT_MS);
    drop_connection(r);
}

/* Give up the live connection: pending callbacks run with NULL (before this
 * returns), and (unless closing) a new connection is made. */
static void drop_connection(nq_redis_t *r)
{
    redisAsyncContext *ac = r->ac;
    bool was_connected = r->connected;
    r->ac = NULL; /* callbacks run below must not issue on this context */
    r->connected = false;
    redisAsyncFree(ac); /* NULL replies; on_disconnect runs when it was connected */
    if (!was_connected) {
        if (r->closing)
            close_timers(r);
        else
            schedule_retry(r);
    }
}

bool nq_redis_is_socket(const char *host)
{
    return host[0] == '/';
}

const char *nq_redis_where(const nq_redis_t *r)
{
    return r->where;
}

nq_redis_t *nq_redis_new(uv_loop_t *loop, const char *host, int port, const char *name)
{
    nq_redis_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->loop = loop;
    snprintf(r->host, sizeof(r->host), "%s", host);
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->port = port;
    if (nq_redis_is_socket(host))
        snprintf(r->where, sizeof(r->where), "%s", host);
    else
        snprintf(r->where, sizeof(r->where), "%s:%d", host, port);
    r->backoff_ms = BACKOFF_MIN_MS;
    uv_timer_init(loop, &r->retry);
    uv_timer_init(loop, &r->watchdog);
    r->retry.data = r->watchdog.data = r;
    r->open_timers = 2;
    r->last_tick = uv_now(loop);
    uv_timer_start(&r->watchdog, on_watchdog, WATCHDOG_MS, WATCHDOG_MS);
    start_connect(r);
    return r;
}

int nq_redis_set_auth(nq_redis_t *r, const char *user, const char *password)
{
    if (strlen(user) >= sizeof(r->user) || strlen(password) >= sizeof(r->password))
        return -1;
    snprintf(r->user, sizeof(r->user), "%s", user);
    snprintf(r->password, sizeof(r->password), "%s", password);
    return 0;
}

void nq_redis_on_connected(nq_redis_t *r, nq_redis_connected_fn fn, void *data)
{
    r->on_connected = fn;
    r->on_connected_data = data;
}

void nq_redis_on_connect_first(nq_redis_t *r, nq_redis_connected_fn fn, void *data)
{
    r->first = fn;
    r->first_data = data;
}

bool nq_redis_ready(const nq_redis_t *r)
{
    return r && r->connected && !r->closing;
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    pending_cmd_t *cmd = privdata;
    nq_redis_t *r = cmd->r;
    r->pending--;
    r->last_progress = uv_now(r->loop);
    if (cmd->cb)
        cmd->cb(r, reply, cmd->data);
    free(cmd);
}

static pending_cmd_t *new_cmd(nq_redis_t *r, nq_redis_cb cb, void *data)
{
    if (!nq_redis_ready(r) || !r->ac)
        return NULL;
    pending_cmd_t *cmd = malloc(sizeof(*cmd));
    if (!cmd)
        return NULL;
    cmd->r = r;
    cmd->cb = cb;
    cmd->data = data;
    return cmd;
}

static int issued(nq_redis_t *r, pending_cmd_t *cmd, int rc)
{
    if (rc != REDIS_OK) {
        free(cmd);
        return -1;
    }
    if (r->pending++ == 0)
        r->last_progress = uv_now(r->loop);
    return 0;
}

int nq_redis_command(nq_redis_t *r, nq_redis_cb cb, void *data, const char *fmt, ...)
{
    pending_cmd_t *cmd = new_cmd(r, cb, data);
    if (!cmd)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int rc = redisvAsyncCommand(r->ac, on_reply, cmd, fmt, ap);
    va_end(ap);
    return issued(r, cmd, rc);
}

int nq_redis_commandv(nq_redis_t *r, nq_redis_cb cb, void *data, int argc, const char **argv,
                      const size_t *argvlen)
{
    pending_cmd_t *cmd = new_cmd(r, cb, data);
    if (!cmd)
        return -1;
    return issued(r, cmd, redisAsyncCommandArgv(r->ac, on_reply, cmd, argc, argv, argvlen));
}

int nq_redis_command_args(nq_redis_t *r, nq_redis_cb cb, void *data, const nq_redis_args_t *a)
{
    if (a->failed)
        return -1;
    return nq_redis_commandv(r, cb, data, (int)a->argc, (const char **)a->argv, a->lens);
}

void nq_redis_destroy(nq_redis_t **rp)
{
    if (!rp || !*rp)
        return;
    nq_redis_t *r = *rp;
    *rp = NULL;
    r->closing = true;
    uv_timer_stop(&r->retry);
    if (r->ac && r->connected) {
        /* Graceful: pending replies are read first (the watchdog bounds the wait);
         * on_disconnect then closes the timers. */
        redisAsyncDisconnect(r->ac);
        return;
    }
    if (r->ac) {
        redisAsyncContext *ac = r->ac;
        r->ac = NULL;
        redisAsyncFree(ac); /* still connecting: nothing was issued */
    }
    close_timers(r);
}

static void on_group(nq_redis_t *r, redisReply *reply, void *data)
{
    if (reply && reply->type == REDIS_REPLY_ERROR && strncmp(reply->str, "BUSYGROUP", 9) != 0)
        nq_log_error("group_create", "%s", reply->str);
}

const redisReply *nq_redis_stream_entries(const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 1 ||
        reply->element[0]->type != REDIS_REPLY_ARRAY || reply->element[0]->elements != 2 ||
        reply->element[0]->element[1]->type != REDIS_REPLY_ARRAY)
        return NULL;
    return reply->element[0]->element[1];
}

void nq_redis_ensure_group(nq_redis_t *r, const char *stream, const char *group)
{
    nq_redis_command(r, on_group, NULL, "XGROUP CREATE %s %s 0 MKSTREAM", stream, group);
}

int nq_redis_pipe_send(nq_redis_t *r, const nq_redis_pipe_t *p)
{
    if (p->failed || p->args_due != 0 || !nq_redis_ready(r) || !r->ac)
        return -1;
    size_t start = 0;
    for (size_t i = 0; i < p->n; i++) {
        const nq_redis_piped_t *c = &p->cmds[i];
        int rc = REDIS_ERR;
        if (!c->cb) {
            rc = redisAsyncFormattedCommand(r->ac, NULL, NULL, p->buf.buf + start, c->end - start);
        } else {
            pending_cmd_t *cmd = new_cmd(r, c->cb, c->data);
            if (cmd)
                rc = issued(r, cmd,
                            redisAsyncFormattedCommand(r->ac, on_reply, cmd, p->buf.buf + start,
                                                       c->end - start)) == 0
                         ? REDIS_OK
                         : REDIS_ERR;
        }
        if (rc != REDIS_OK) {
            if (i > 0) {
                nq_log_warn("redis_pipe_broken", "%s: %zu of %zu commands issued; reconnecting",
                            r->where, i, p->n);
                drop_connection(r);
            }
            return -1;
        }
        start = c->end;
    }
    return 0;
}
