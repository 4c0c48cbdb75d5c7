/* scripts.c — the script registry and its calls. See nq/scripts.h. */
#include "nq/scripts.h"

#include <hiredis/hiredis.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nq/log.h"

/* The texts and SHA1s, generated from common/lua/ (embed.cmake). */
#define NQ_SCRIPT_ROW(NAME, file, keys, mode, what)                                                \
    extern const char nq_lua_##file[], nq_lua_##file##_sha[];
#include "nq/scripts.def"
#undef NQ_SCRIPT_ROW

#define VARY NQ_SCRIPT_KEYS_VARY
#define RW   false
#define RO   true
const nq_script_t nq_scripts[NQ_SCRIPT_COUNT] = {
#define NQ_SCRIPT_ROW(NAME, file, keys, mode, what)                                                \
    {#file, keys, mode, nq_lua_##file##_sha, nq_lua_##file, what},
#include "nq/scripts.def"
#undef NQ_SCRIPT_ROW
};
#undef VARY
#undef RW
#undef RO

struct nq_script_call {
    const nq_script_t *script; /* what is called */
    nq_redis_pipe_t pipe;      /* the one command: EVALSHA sha nkeys keys... args... */
    bool fell_back;            /* sent again as EVAL */
    nq_redis_cb cb;            /* the caller's callback */
    void *data;                /* its argument */
};

/* ---- loading --------------------------------------------------------------- */

static void on_loaded(nq_redis_t *r, redisReply *reply, void *data)
{
    const nq_script_t *s = data;
    if (!reply)
        return; /* the connection dropped: the next connect loads again */
    if (reply->type != REDIS_REPLY_STRING || strcmp(reply->str, s->sha) != 0)
        nq_log_error("script_load", "%s: %s", s->name,
                     reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis answered another SHA1");
}

void nq_scripts_load(nq_redis_t *r)
{
    for (size_t i = 0; i < NQ_SCRIPT_COUNT; i++)
        nq_redis_command(r, on_loaded, (void *)&nq_scripts[i], "SCRIPT LOAD %s",
                         nq_scripts[i].text);
}

static void load_on_connect(nq_redis_t *r, void *data)
{
    nq_scripts_load(r);
}

void nq_scripts_attach(nq_redis_t *r)
{
    nq_redis_on_connect_first(r, load_on_connect, NULL);
}

bool nq_script_missing(const redisReply *reply)
{
    return reply && reply->type == REDIS_REPLY_ERROR && strncmp(reply->str, "NOSCRIPT", 8) == 0;
}

/* ---- the protocol's encoding ----------------------------------------------- */

typedef void (*arg_fn)(const char *bytes, size_t len, void *ctx);

/* Call fn for each argument of one command encoded in `buf` (as hiredis and
 * nq_redis_pipe write it: "*<n>\r\n" then "$<len>\r\n<bytes>\r\n" each),
 * skipping the first `skip`. Returns how many it has, or -1 when `buf` is not
 * one command. */
static long each_arg(const char *buf, size_t len, size_t skip, arg_fn fn, void *ctx)
{
    char *end;
    if (len < 4 || buf[0] != '*')
        return -1;
    long n = strtol(buf + 1, &end, 10);
    size_t at = (size_t)(end - buf) + 2;
    for (long i = 0; i < n; i++) {
        if (at >= len || buf[at] != '$')
            return -1;
        size_t arg_len = strtoul(buf + at + 1, &end, 10);
        at = (size_t)(end - buf) + 2;
        if (at + arg_len + 2 > len)
            return -1;
        if ((size_t)i >= skip && fn)
            fn(buf + at, arg_len, ctx);
        at += arg_len + 2;
    }
    return n;
}

static void add_to_call(const char *bytes, size_t len, void *ctx)
{
    nq_script_call_add(ctx, bytes, len);
}

static void add_to_pipe(const char *bytes, size_t len, void *ctx)
{
    nq_redis_pipe_add(ctx, bytes, len);
}

/* ---- calls ---------------------------------------------------------------- */

static bool keys_fit(const nq_script_t *s, size_t nkeys)
{
    return s->nkeys == NQ_SCRIPT_KEYS_VARY || (size_t)s->nkeys == nkeys;
}

void nq_script_pipe_cmd(nq_redis_pipe_t *p, const nq_script_t *s, nq_redis_cb cb, void *data,
                        size_t nkeys, size_t nargs)
{
    if (!keys_fit(s, nkeys)) {
        nq_log_error("script_call", "%s takes %d keys, not %zu", s->name, s->nkeys, nkeys);
        p->failed = true;
        return;
    }
    nq_redis_pipe_cmd(p, cb, data, 3 + nkeys + nargs);
    nq_redis_pipe_adds(p, s->read_only ? "EVALSHA_RO" : "EVALSHA");
    nq_redis_pipe_adds(p, s->sha);
    nq_redis_pipe_addll(p, (long long)nkeys);
}

static void on_reply(nq_redis_t *r, redisReply *reply, void *data);

/* Send the call again as EVAL with its text (after NOSCRIPT). 0 or -1. */
static int send_text(nq_redis_t *r, nq_script_call_t *c)
{
    const nq_redis_pipe_t *sent = &c->pipe;
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    long argc = each_arg(sent->buf.buf, sent->buf.len, 0, NULL, NULL);
    int rc = -1;
    if (argc >= 3) {
        nq_redis_pipe_cmd(&p, on_reply, c, (size_t)argc);
        nq_redis_pipe_adds(&p, c->script->read_only ? "EVAL_RO" : "EVAL");
        nq_redis_pipe_adds(&p, c->script->text);
        each_arg(sent->buf.buf, sent->buf.len, 2, add_to_pipe, &p);
        rc = nq_redis_pipe_send(r, &p);
    }
    nq_redis_pipe_free(&p);
    return rc;
}

static void call_free(nq_script_call_t *c)
{
    nq_redis_pipe_free(&c->pipe);
    free(c);
}

static void on_reply(nq_redis_t *r, redisReply *reply, void *data)
{
    nq_script_call_t *c = data;
    if (nq_script_missing(reply) && !c->fell_back) {
        nq_log_warn("script_missing", "%s was not loaded in Redis: sent as EVAL; loading all again",
                    c->script->name);
        c->fell_back = true;
        nq_scripts_load(r);
        if (send_text(r, c) == 0)
            return; /* on_reply runs again with its answer */
        reply = NULL;
    }
    c->cb(r, reply, c->data);
    call_free(c);
}

nq_script_call_t *nq_script_call_new(const nq_script_t *s, size_t nkeys, size_t nargs)
{
    nq_script_call_t *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->script = s;
    nq_redis_pipe_init(&c->pipe);
    nq_script_pipe_cmd(&c->pipe, s, on_reply, c, nkeys, nargs);
    return c;
}

void nq_script_call_add(nq_script_call_t *c, const void *bytes, size_t len)
{
    nq_redis_pipe_add(&c->pipe, bytes, len);
}

void nq_script_call_adds(nq_script_call_t *c, const char *s)
{
    nq_redis_pipe_adds(&c->pipe, s);
}

void nq_script_call_addll(nq_script_call_t *c, long long v)
{
    nq_redis_pipe_addll(&c->pipe, v);
}

void nq_script_call_free(nq_script_call_t **c)
{
    if (!c || !*c)
        return;
    call_free(*c);
    *c = NULL;
}

int nq_script_call_send(nq_redis_t *r, nq_script_call_t **cp, nq_redis_cb cb, void *data)
{
    nq_script_call_t *c = cp ? *cp : NULL;
    if (!c)
        return -1;
    *cp = NULL;
    c->cb = cb;
    c->data = data;
    if (nq_redis_pipe_send(r, &c->pipe) != 0) {
        call_free(c);
        return -1;
    }
    return 0;
}

int nq_script_call_args(nq_redis_t *r, const nq_script_t *s, nq_redis_cb cb, void *data,
                        size_t nkeys, const nq_redis_args_t *a)
{
    if (a->failed || a->argc < nkeys)
        return -1;
    nq_script_call_t *c = nq_script_call_new(s, nkeys, a->argc - nkeys);
    for (size_t i = 0; c && i < a->argc; i++)
        nq_script_call_add(c, a->argv[i], a->lens[i]);
    return nq_script_call_send(r, &c, cb, data);
}

int nq_script_callf(nq_redis_t *r, const nq_script_t *s, nq_redis_cb cb, void *data, size_t nkeys,
                    const char *fmt, ...)
{
    char *cmd = NULL;
    va_list ap;
    va_start(ap, fmt);
    int len = redisvFormatCommand(&cmd, fmt, ap);
    va_end(ap);
    long argc = len > 0 ? each_arg(cmd, (size_t)len, 0, NULL, NULL) : -1;
    nq_script_call_t *c =
        argc >= (long)nkeys ? nq_script_call_new(s, nkeys, (size_t)argc - nkeys) : NULL;
    if (c)
        each_arg(cmd, (size_t)len, 0, add_to_call, c);
    redisFreeCommand(cmd);
    return nq_script_call_send(r, &c, cb, data);
}
