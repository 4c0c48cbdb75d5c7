/* nq/scripts.h — the registry of Redis scripts, and calling them.
 *
 * Every script is a file common/lua/<file>.lua (its header says KEYS, ARGV
 * and what it returns), embedded in libnq at build time with its SHA1
 * (common/lua/embed.cmake) and registered by one row of nq/scripts.def. Code
 * names a script by its row, NQ_SCRIPT(NAME), never by its text.
 *
 * A client that runs scripts loads them all (SCRIPT LOAD) on every connect,
 * before anything else is sent on the connection (nq_scripts_attach); calls
 * then send EVALSHA (EVALSHA_RO for a read-only row). A call that meets
 * NOSCRIPT all the same (the scripts were flushed, or Redis restarted behind
 * a proxy) is sent again at once as EVAL with the text, and the registry is
 * loaded again; its caller sees only the answer. A script in a pipeline
 * (nq_script_pipe_cmd) cannot be sent again alone: its caller handles
 * NOSCRIPT (services/scoring/claims.h).
 *
 * Callbacks follow nq/redis.h: a call that returns 0 runs its callback
 * exactly once, with the reply or NULL when the connection dropped; one that
 * returns -1 (not connected, a wrong number of keys, out of memory) never.
 *
 *   nq_scripts_attach(redis);                                  // once per client
 *   nq_script_callf(redis, NQ_SCRIPT(REBUILD_REQUEST), on_requested, c, 1,
 *                   "%s %lld %lld", NQ_KEY_REBUILD_JOB, from, now);
 *
 *   nq_script_call_t *call = nq_script_call_new(NQ_SCRIPT(INGEST_APPEND), nkeys, nargs);
 *   nq_script_call_adds(call, NQ_KEY_ACTIVITIES); ...          // keys, then arguments
 *   if (nq_script_call_send(redis, &call, on_appended, data) != 0) ...;   // call is taken
 */
#ifndef NQ_SCRIPTS_H
#define NQ_SCRIPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "nq/redis.h"

/* A row's `keys` when the caller says how many. */
#define NQ_SCRIPT_KEYS_VARY (-1)

typedef struct nq_script {
    const char *name; /* its file: common/lua/<name>.lua */
    int nkeys;        /* KEYS it takes, or NQ_SCRIPT_KEYS_VARY */
    bool read_only;   /* only reads: EVALSHA_RO */
    const char *sha;  /* SHA1 of text, 40 hex digits */
    const char *text; /* the Lua source */
    const char *what; /* what it is for */
} nq_script_t;

typedef enum {
#define NQ_SCRIPT_ROW(NAME, file, keys, mode, what) NQ_SCRIPT_ID_##NAME,
#include "nq/scripts.def"
#undef NQ_SCRIPT_ROW
    NQ_SCRIPT_COUNT
} nq_script_id_t;

/* The registry, in the order of nq/scripts.def. */
extern const nq_script_t nq_scripts[NQ_SCRIPT_COUNT];

/* The row of script NAME: NQ_SCRIPT(INGEST_APPEND). */
#define NQ_SCRIPT(NAME) (&nq_scripts[NQ_SCRIPT_ID_##NAME])

/* Load every script on `r` now and after every reconnect, first thing on
 * the connection (a failure is logged: calls then fall back to EVAL). */
void nq_scripts_attach(nq_redis_t *r);

/* SCRIPT LOAD every script on `r` now. Fire and forget; failures logged. */
void nq_scripts_load(nq_redis_t *r);

/* Whether `reply` is Redis's NOSCRIPT error. */
bool nq_script_missing(const redisReply *reply);

/* ---- one call ---------------------------------------------------------- */

typedef struct nq_script_call nq_script_call_t;

/* Start a call of `s` with `nkeys` keys and then `nargs` arguments, added in
 * that order with nq_script_call_add*. NULL when out of memory. A count that
 * does not fit (a key count other than the row's, too few or too many
 * arguments added) makes nq_script_call_send refuse the call. */
nq_script_call_t *nq_script_call_new(const nq_script_t *s, size_t nkeys, size_t nargs);
void nq_script_call_add(nq_script_call_t *c, const void *bytes, size_t len);
void nq_script_call_adds(nq_script_call_t *c, const char *s);
void nq_script_call_addll(nq_script_call_t *c, long long v);

/* Send the call; it is taken (*c set to NULL) whatever happens. 0 when
 * issued, -1 when not (cb never runs). */
int nq_script_call_send(nq_redis_t *r, nq_script_call_t **c, nq_redis_cb cb, void *data);

/* Free a call that was not sent. Safe on NULL. */
void nq_script_call_free(nq_script_call_t **c);

/* A call in one go, its keys then its arguments formatted like
 * nq_redis_command's (hiredis: %s, %b, %lld ...): the first `nkeys` words
 * are the keys. */
int nq_script_callf(nq_redis_t *r, const nq_script_t *s, nq_redis_cb cb, void *data, size_t nkeys,
                    const char *fmt, ...);

/* A call of `s` whose keys (the first nkeys) and arguments are the vector `a`. */
int nq_script_call_args(nq_redis_t *r, const nq_script_t *s, nq_redis_cb cb, void *data,
                        size_t nkeys, const nq_redis_args_t *a);

/* ---- in a pipeline ------------------------------------------------------ */

/* Start a command of pipeline `p` calling `s`: EVALSHA, its SHA and nkeys;
 * the caller adds the nkeys keys and nargs arguments. No fallback: cb sees
 * NOSCRIPT (the pipeline goes on). A wrong key count fails `p`. */
void nq_script_pipe_cmd(nq_redis_pipe_t *p, const nq_script_t *s, nq_redis_cb cb, void *data,
                        size_t nkeys, size_t nargs);

#endif
