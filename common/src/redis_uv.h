/* common/src/redis_uv.h — hiredis's event hooks on libuv, for redis.c; not for callers.
 *
 * hiredis drives its socket through a small hook table. Ours differs from the
 * libuv adapter hiredis 0.14 ships in one point: when libuv reports a poll
 * error (connection refused or reset), hiredis is told to read and write, so
 * it sees the error and disconnects, instead of the socket going quiet.
 */
#ifndef NQ_REDIS_UV_H
#define NQ_REDIS_UV_H

#include <hiredis/async.h>
#include <uv.h>

/* Drive ac's socket from `loop`: 0, or -1 (out of memory, a bad socket).
 * hiredis's cleanup hook closes the poll handle and frees what this made. */
int nq_redis__attach(redisAsyncContext *ac, uv_loop_t *loop);

#endif
