/* test_redis_pipe.c — pipelines of formatted commands (nq/redis.h): the
 * bytes Redis receives, where each command ends, and the argument counts. */
#include <limits.h>
#include <string.h>

#include "nq/redis.h"
#include "nq_test.h"
#include "reply_fake.h"

static void noop(nq_redis_t *r, redisReply *reply, void *data)
{
    (void)r, (void)reply, (void)data;
}

/* Two commands in the protocol's encoding, back to back; the second has a
 * callback, the first none. */
static void test_encoding(void)
{
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 4);
    nq_redis_pipe_adds(&p, "HINCRBY");
    nq_redis_pipe_adds(&p, "k");
    nq_redis_pipe_add(&p, "a\0b", 3);
    nq_redis_pipe_addll(&p, -1205);
    int token = 0;
    nq_redis_pipe_cmd(&p, noop, &token, 1);
    nq_redis_pipe_adds(&p, "EXEC");
    CU_ASSERT_FALSE_FATAL(p.failed);
    static const char want[] = "*4\r\n$7\r\nHINCRBY\r\n$1\r\nk\r\n$3\r\na\0b\r\n$5\r\n-1205\r\n"
                               "*1\r\n$4\r\nEXEC\r\n";
    CU_ASSERT_EQUAL_FATAL(p.buf.len, sizeof(want) - 1);
    CU_ASSERT_EQUAL(memcmp(p.buf.buf, want, p.buf.len), 0);
    CU_ASSERT_EQUAL(p.n, 2);
    CU_ASSERT_EQUAL(p.cmds[0].end, sizeof(want) - 1 - strlen("*1\r\n$4\r\nEXEC\r\n"));
    CU_ASSERT_PTR_NULL(p.cmds[0].cb);
    CU_ASSERT_EQUAL(p.cmds[1].end, p.buf.len);
    CU_ASSERT_PTR_EQUAL(p.cmds[1].cb, noop);
    CU_ASSERT_PTR_EQUAL(p.cmds[1].data, &token);
    nq_redis_pipe_free(&p);
    CU_ASSERT_EQUAL(p.buf.alloc, 0);
    CU_ASSERT_EQUAL(p.n, 0);
}

/* hiredis reads the byte after a command of a single argument (EXEC, the
 * last of a transaction) to see whether more arguments follow: the buffer
 * always has that byte, a NUL, also when the commands fill its first 4096
 * bytes exactly. */
static void test_terminated(void)
{
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 1);
    nq_redis_pipe_adds(&p, "EXEC");
    CU_ASSERT_FALSE_FATAL(p.failed);
    CU_ASSERT(p.buf.alloc > p.buf.len);
    CU_ASSERT_EQUAL(p.buf.buf[p.buf.len], '\0');
    nq_redis_pipe_free(&p);

    static char arg[4083 + 1];
    memset(arg, 'x', sizeof(arg) - 1);
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 1); /* "*1\r\n$4083\r\n" + 4083 + "\r\n": 4096 bytes */
    nq_redis_pipe_adds(&p, arg);
    CU_ASSERT_FALSE_FATAL(p.failed);
    CU_ASSERT_EQUAL(p.buf.len, 4096);
    CU_ASSERT_FATAL(p.buf.alloc > p.buf.len);
    CU_ASSERT_EQUAL(p.buf.buf[p.buf.len], '\0');
    nq_redis_pipe_free(&p);
}

/* Integers: zero, the extremes, and what printf writes agree. */
static void test_integers(void)
{
    nq_redis_pipe_t p, q;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_init(&q);
    const long long values[] = {0, 7, -7, 10, 1000000007, LLONG_MAX, LLONG_MIN};
    size_t n = sizeof(values) / sizeof(values[0]);
    nq_redis_pipe_cmd(&p, NULL, NULL, n);
    nq_redis_pipe_cmd(&q, NULL, NULL, n);
    for (size_t i = 0; i < n; i++) {
        char text[32];
        nq_redis_pipe_addll(&p, values[i]);
        nq_redis_pipe_add(&q, text, (size_t)snprintf(text, sizeof(text), "%lld", values[i]));
    }
    CU_ASSERT_FALSE_FATAL(p.failed || q.failed);
    CU_ASSERT_EQUAL_FATAL(p.buf.len, q.buf.len);
    CU_ASSERT_EQUAL(memcmp(p.buf.buf, q.buf.buf, p.buf.len), 0);
    static const char last[] = "$20\r\n-9223372036854775808\r\n";
    CU_ASSERT_EQUAL(memcmp(p.buf.buf + p.buf.len - (sizeof(last) - 1), last, sizeof(last) - 1), 0);
    nq_redis_pipe_free(&p);
    nq_redis_pipe_free(&q);
}

/* Too few or too many arguments, or a command of none, fail the pipeline;
 * later adds do nothing and it is never sent. */
static void test_argument_counts(void)
{
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    nq_redis_pipe_cmd(&p, NULL, NULL, 2);
    nq_redis_pipe_adds(&p, "GET");
    nq_redis_pipe_cmd(&p, NULL, NULL, 1); /* GET still wants its key */
    CU_ASSERT_TRUE(p.failed);
    size_t len = p.buf.len;
    nq_redis_pipe_adds(&p, "PING");
    CU_ASSERT_EQUAL(p.buf.len, len);
    CU_ASSERT_EQUAL(nq_redis_pipe_send(NULL, &p), -1);
    nq_redis_pipe_free(&p);

    nq_redis_pipe_cmd(&p, NULL, NULL, 1);
    nq_redis_pipe_adds(&p, "PING");
    nq_redis_pipe_adds(&p, "extra");
    CU_ASSERT_TRUE(p.failed);
    nq_redis_pipe_free(&p);

    nq_redis_pipe_cmd(&p, NULL, NULL, 0);
    CU_ASSERT_TRUE(p.failed);
    nq_redis_pipe_free(&p);

    nq_redis_pipe_adds(&p, "PING"); /* no command started */
    CU_ASSERT_TRUE(p.failed);
    nq_redis_pipe_free(&p);

    nq_redis_pipe_cmd(&p, NULL, NULL, 2); /* a command left short is not sent */
    nq_redis_pipe_adds(&p, "GET");
    CU_ASSERT_FALSE(p.failed);
    CU_ASSERT_EQUAL(nq_redis_pipe_send(NULL, &p), -1);
    nq_redis_pipe_free(&p);
}

/* Thousands of commands: the buffer grows and every end is right. */
static void test_growth(void)
{
    nq_redis_pipe_t p;
    nq_redis_pipe_init(&p);
    for (int i = 0; i < 5000; i++) {
        nq_redis_pipe_cmd(&p, NULL, NULL, 2);
        nq_redis_pipe_adds(&p, "INCR");
        nq_redis_pipe_addll(&p, i);
    }
    CU_ASSERT_FALSE_FATAL(p.failed);
    CU_ASSERT_EQUAL_FATAL(p.n, 5000);
    size_t start = 0;
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        char want[64];
        int n = snprintf(want, sizeof(want), "*2\r\n$4\r\nINCR\r\n$%d\r\n%d\r\n",
                         snprintf(NULL, 0, "%d", i), i);
        bad +=
            p.cmds[i].end - start != (size_t)n || memcmp(p.buf.buf + start, want, (size_t)n) != 0;
        start = p.cmds[i].end;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(start, p.buf.len);
    nq_redis_pipe_free(&p);
}

/* [[stream, [entries]]] gives the entries; nil, an error or another shape gives NULL. */
static void test_stream_entries(void)
{
    redisReply id = fake_string("1-0"), *one[] = {&id};
    redisReply entries = fake_array(one, 1), name = fake_string("nq:log");
    redisReply *pair[] = {&name, &entries};
    redisReply stream = fake_array(pair, 2), *streams[] = {&stream};
    redisReply ok = fake_array(streams, 1);
    CU_ASSERT_PTR_EQUAL(nq_redis_stream_entries(&ok), &entries);
    redisReply nil = {.type = REDIS_REPLY_NIL}, err = fake_string("ERR x");
    err.type = REDIS_REPLY_ERROR;
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(NULL));
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(&nil));
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(&err));
    redisReply *two[] = {&stream, &stream};
    redisReply two_streams = fake_array(two, 2);
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(&two_streams));
    redisReply *half[] = {&name};
    redisReply short_stream = fake_array(half, 1), *wrapped[] = {&short_stream};
    redisReply bad = fake_array(wrapped, 1);
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(&bad));
    redisReply *not_list[] = {&name, &name};
    redisReply flat = fake_array(not_list, 2), *wrapped2[] = {&flat};
    redisReply bad2 = fake_array(wrapped2, 1);
    CU_ASSERT_PTR_NULL(nq_redis_stream_entries(&bad2));
}

static CU_TestInfo pipe_tests[] = {
    {"two commands, binary argument, callbacks", test_encoding},
    {"the buffer is NUL-terminated, also when exactly full", test_terminated},
    {"integers without printf agree with printf", test_integers},
    {"wrong argument counts fail the pipeline", test_argument_counts},
    {"5,000 commands: every end", test_growth},
    {"a stream read's entries, or NULL", test_stream_entries},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"redis pipelines", NULL, NULL, NULL, NULL, pipe_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
