/* nq/redis.h — hiredis async on the process's libuv loop, with reconnect.
 *
 * nq_redis_new() starts connecting at once and keeps reconnecting with
 * exponential backoff (100 ms doubling to 5 s) whenever the connection is
 * lost, so a process survives a Redis restart by itself.
 *
 * A command is issued only while connected: otherwise nq_redis_command()
 * returns -1 and its callback never runs (the caller answers "unavailable").
 * Once issued, the callback runs exactly once: with the reply, or with NULL
 * when the connection dropped or the client is being destroyed. A reply is
 * valid only inside its callback.
 *
 *   static void on_pong(nq_redis_t *r, redisReply *reply, void *data) {
 *       if (!reply || reply->type == REDIS_REPLY_ERROR) ...;
 *   }
 *   nq_redis_t *r = nq_redis_new(loop, "127.0.0.1", 6390, "nq-ingest");
 *   nq_redis_command(r, on_pong, NULL, "PING");
 *   ...
 *   nq_redis_destroy(&r);   // pending replies are still read and delivered
 *
 * The client is redis.c (its socket driven through redis_uv.c); argument
 * vectors and pipelines are built in redis_build.c.
 */
#ifndef NQ_REDIS_H
#define NQ_REDIS_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "nq/buf.h"

typedef struct nq_redis nq_redis_t;

typedef void (*nq_redis_cb)(nq_redis_t *r, redisReply *reply, void *data);

/* Runs after every successful (re)connect, before queued work resumes:
 * the place to create consumer groups or load scripts. */
typedef void (*nq_redis_connected_fn)(nq_redis_t *r, void *data);

/* Start a client for host:port, or for the Unix socket at `host` when it is a
 * path (starts with "/"; `port` is then unused): on one machine a socket
 * spares each round trip the TCP stack. `name` is sent as CLIENT SETNAME.
 * Returns NULL only when out of memory (an unreachable server is retried, not
 * an error). */
nq_redis_t *nq_redis_new(uv_loop_t *loop, const char *host, int port, const char *name);

/* Authenticate every connection from now on (the first one included when
 * called right after nq_redis_new) as ACL user `user` ("": the default
 * user) with `password` ("": no AUTH). A refusal is logged, never the
 * password. Returns 0, or -1 when either is too long. */
int nq_redis_set_auth(nq_redis_t *r, const char *user, const char *password);

/* Whether a Redis host setting names a Unix socket (a path: starts with "/"). */
bool nq_redis_is_socket(const char *host);

/* The server as logs name it: "host:port", or the socket's path. */
const char *nq_redis_where(const nq_redis_t *r);

/* Call `fn(r, data)` after every (re)connect. */
void nq_redis_on_connected(nq_redis_t *r, nq_redis_connected_fn fn, void *data);

/* The same, for what every connection of the client needs first (the
 * scripts, nq/scripts.h): runs before the on_connected hook. */
void nq_redis_on_connect_first(nq_redis_t *r, nq_redis_connected_fn fn, void *data);

/* True while connected. A NULL client (already destroyed: replies still
 * arriving during a stop) is never ready, so every command on it returns -1. */
bool nq_redis_ready(const nq_redis_t *r);

/* Issue a printf-style command (hiredis formatting: %s, %b, %lld ...).
 * Returns 0 when issued, -1 when not connected (cb never runs). */
int nq_redis_command(nq_redis_t *r, nq_redis_cb cb, void *data, const char *fmt, ...);

/* Issue a command from an argument vector (binary safe). Same contract. */
int nq_redis_commandv(nq_redis_t *r, nq_redis_cb cb, void *data, int argc, const char **argv,
                      const size_t *argvlen);

/* Close gracefully: commands already issued still get their replies (no new
 * ones are accepted), then the connection and handles close and memory is
 * freed in the close callbacks, so run the loop afterwards. Sets *r to NULL; safe on NULL. */
void nq_redis_destroy(nq_redis_t **r);

/* Create consumer group `group` on `stream` (creating the stream) unless it
 * exists; failures other than "exists" are logged. Fire and forget. */
void nq_redis_ensure_group(nq_redis_t *r, const char *stream, const char *group);

/* The entries of an XREAD/XREADGROUP reply of one stream ([[stream, [entries]]]),
 * or NULL when it is nil, an error or another shape. */
const redisReply *nq_redis_stream_entries(const redisReply *reply);

/* A blocking connection (a hiredis redisContext) for a thread that may block
 * (a worker of libuv's pool, a tool): host:port, or the Unix socket at
 * `host`; `timeout_ms` for the connect and for every command; AUTH as `user`
 * ("" or NULL: the default user) when `password` is given. NULL with the
 * reason in err when it cannot; redisFree() it when done. */
redisContext *nq_redis_connect_sync(const char *host, int port, const char *user,
                                    const char *password, int timeout_ms, char *err, size_t errlen);

/* ---- argument vectors ---------------------------------------------------
 * A growable argv for commands with many arguments (EVAL with a batch).
 *
 *   nq_redis_args_t a;
 *   nq_redis_args_init(&a);
 *   nq_redis_args_add(&a, "XADD", 4);
 *   nq_redis_args_addf(&a, "%lld", (long long)n);
 *   nq_redis_commandv(r, cb, data, (int)a.argc, (const char **)a.argv, a.lens);
 *   nq_redis_args_free(&a);
 * Each argument is copied. On allocation failure `failed` is set and later
 * adds do nothing; check it before issuing. */
typedef struct nq_redis_args {
    char **argv;  /* argument bytes, each malloc'd */
    size_t *lens; /* byte length of each argument */
    size_t argc;  /* arguments held */
    size_t cap;   /* slots allocated */
    bool failed;  /* an allocation failed */
} nq_redis_args_t;

void nq_redis_args_init(nq_redis_args_t *a);
void nq_redis_args_add(nq_redis_args_t *a, const void *bytes, size_t len);
void nq_redis_args_adds(nq_redis_args_t *a, const char *s);
void nq_redis_args_addf(nq_redis_args_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void nq_redis_args_free(nq_redis_args_t *a);

/* Issue the vector `a` (does not free it). Same contract as nq_redis_commandv. */
int nq_redis_command_args(nq_redis_t *r, nq_redis_cb cb, void *data, const nq_redis_args_t *a);

/* ---- pipelines ------------------------------------------------------------
 * Many commands formatted back to back and issued together, in order, each
 * with its own callback or none (its reply is read and dropped): a
 * transaction of thousands of small commands (WATCH, MULTI ... EXEC) without
 * an argument vector, a callback or an allocation per command.
 *
 *   nq_redis_pipe_t p;
 *   nq_redis_pipe_init(&p);
 *   nq_redis_pipe_cmd(&p, NULL, NULL, 1);          // MULTI, reply dropped
 *   nq_redis_pipe_adds(&p, "MULTI");
 *   nq_redis_pipe_cmd(&p, NULL, NULL, 4);          // HINCRBY key field 5
 *   nq_redis_pipe_adds(&p, "HINCRBY"); ...; nq_redis_pipe_addll(&p, 5);
 *   nq_redis_pipe_cmd(&p, on_exec, data, 1);
 *   nq_redis_pipe_adds(&p, "EXEC");
 *   if (nq_redis_pipe_send(r, &p) != 0) ...;
 *   nq_redis_pipe_free(&p);                        // hiredis holds its own copy
 * A command must get exactly the arguments its nq_redis_pipe_cmd announced;
 * otherwise, or on allocation failure, `failed` is set, later adds do nothing
 * and nq_redis_pipe_send refuses the pipeline. */
typedef struct nq_redis_piped {
    size_t end;     /* where the command ends in buf */
    nq_redis_cb cb; /* its callback, NULL: reply dropped */
    void *data;     /* the callback's argument */
} nq_redis_piped_t;

typedef struct nq_redis_pipe {
    nq_buf_t buf;           /* the commands in the protocol's encoding; NUL-terminated, as
                               hiredis reads the byte after a command of one argument (EXEC) */
    nq_redis_piped_t *cmds; /* one per command, in order */
    size_t n, cap_cmds;     /* commands, slots allocated */
    size_t args_due;        /* arguments the last command still expects */
    bool failed;            /* an allocation failed, or an argument count was wrong */
} nq_redis_pipe_t;

void nq_redis_pipe_init(nq_redis_pipe_t *p);
/* Start a command of `argc` arguments (the command name included). */
void nq_redis_pipe_cmd(nq_redis_pipe_t *p, nq_redis_cb cb, void *data, size_t argc);
void nq_redis_pipe_add(nq_redis_pipe_t *p, const void *bytes, size_t len);
void nq_redis_pipe_adds(nq_redis_pipe_t *p, const char *s);
/* Add an integer argument (thousands per apply: without printf). */
void nq_redis_pipe_addll(nq_redis_pipe_t *p, long long v);
void nq_redis_pipe_free(nq_redis_pipe_t *p);

/* Issue every command of `p`, in order. Returns 0 when all were issued; -1
 * when not connected or `p` failed (nothing issued, no callback runs), or
 * when issuing failed part way: then the connection is dropped (Redis drops
 * an unfinished transaction with it), the callbacks of the commands already
 * issued run with NULL before this returns, and a new connection is made. */
int nq_redis_pipe_send(nq_redis_t *r, const nq_redis_pipe_t *p);

#endif
