/* tests/unit/reply_fake.h — hiredis replies built by hand, for testing the
 * pure parsers of Redis replies. Nothing is allocated: the items of an
 * array and the bytes of a string stay the caller's. */
#ifndef NQ_TEST_REPLY_FAKE_H
#define NQ_TEST_REPLY_FAKE_H

#include <hiredis/hiredis.h>
#include <string.h>

static inline redisReply fake_integer(long long v)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_INTEGER;
    r.integer = v;
    return r;
}

static inline redisReply fake_bytes(const char *s, size_t len)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_STRING;
    r.str = (char *)s;
    r.len = len;
    return r;
}

static inline redisReply fake_string(const char *s)
{
    return fake_bytes(s, strlen(s));
}

static inline redisReply fake_array(redisReply **items, size_t n)
{
    redisReply r = {0};
    r.type = REDIS_REPLY_ARRAY;
    r.element = items;
    r.elements = n;
    return r;
}

#endif
