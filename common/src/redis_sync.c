/* redis_sync.c — a blocking Redis connection, for code that may block. See
 * nq/redis.h. */
#include <stdio.h>

#include "nq/redis.h"

redisContext *nq_redis_connect_sync(const char *host, int port, const char *user,
                                    const char *password, int timeout_ms, char *err, size_t errlen)
{
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    redisContext *c = nq_redis_is_socket(host) ? redisConnectUnixWithTimeout(host, tv)
                                               : redisConnectWithTimeout(host, port, tv);
    redisReply *r = NULL;
    if (!c || c->err || redisSetTimeout(c, tv) != REDIS_OK) {
        snprintf(err, errlen, "redis: %s", c ? c->errstr : "out of memory");
        goto out_free;
    }
    if (!password || !*password)
        return c;
    r = user && *user ? redisCommand(c, "AUTH %s %s", user, password)
                      : redisCommand(c, "AUTH %s", password);
    if (r && r->type != REDIS_REPLY_ERROR) {
        freeReplyObject(r);
        return c;
    }
    snprintf(err, errlen, "redis: AUTH refused: %.100s", r ? r->str : c->errstr);
    freeReplyObject(r);
out_free:
    redisFree(c);
    return NULL;
}
