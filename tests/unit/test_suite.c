/* test_suite.c — nq/suite.h on its own: the environment, free and taken
 * ports, Redis started, paused, killed and started again, a process that
 * exits on its own, the stop's count of failures and the files left in the
 * suite's directory. Neiqin's processes themselves are the integration
 * tests' business; here /bin's `true` and `false` stand in for them. */
#include <hiredis/hiredis.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/suite.h"
#include "nq_test.h"

static char s_dir[64];

/* A fresh suite in a new directory, /bin as its executables. */
static nq_suite_t *new_suite(void)
{
    snprintf(s_dir, sizeof(s_dir), "/tmp/nq-suite-test-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(s_dir));
    nq_suite_opts_t o = {.dir = s_dir,
                         .bin_dir = "/bin",
                         .who = "test_suite",
                         .clean_env = true,
                         .die_with_parent = true,
                         .stop_ms = 5000};
    return nq_suite_new(&o);
}

static bool exists(const char *sub)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", s_dir, sub);
    return access(path, F_OK) == 0;
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", s_dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static const char *env_value(nq_suite_t *s, const char *name)
{
    size_t n = strlen(name);
    for (char *const *e = nq_suite_env(s); *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

/* The caller's NQ_* stay out (clean_env); setenv adds and replaces; free
 * ports are six distinct endpoints, Redis's and HTTP's. */
static void test_environment(void)
{
    setenv("NQ_LOG_LEVEL", "debug", 1);
    setenv("SUITE_TEST_OTHER", "kept", 1);
    nq_suite_t *s = new_suite();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_PTR_NULL(env_value(s, "NQ_LOG_LEVEL"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(env_value(s, "SUITE_TEST_OTHER"));
    CU_ASSERT_STRING_EQUAL(env_value(s, "SUITE_TEST_OTHER"), "kept");
    CU_ASSERT_EQUAL(nq_suite_setenv(s, "NQ_ZONE=UTC"), 0);
    CU_ASSERT_EQUAL(nq_suite_setenv(s, "NQ_ZONE=Asia/Shanghai"), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(env_value(s, "NQ_ZONE"));
    CU_ASSERT_STRING_EQUAL(env_value(s, "NQ_ZONE"), "Asia/Shanghai");
    CU_ASSERT_EQUAL(nq_suite_setenv(s, "no equals sign"), -1);
    CU_ASSERT_EQUAL(nq_suite_use_free_ports(s), 0);
    static const char *const vars[] = {"NQ_REDIS_PORT",         "NQ_HTTP_PORT",
                                       "NQ_INGEST_ENDPOINT",    "NQ_CUSTOMERS_ENDPOINT",
                                       "NQ_REPORTING_ENDPOINT", "NQ_STORED_ENDPOINT",
                                       "NQ_CHANGES_ENDPOINT",   "NQ_ALERTS_ENDPOINT"};
    int ports[8];
    for (int i = 0; i < 8; i++) {
        const char *v = env_value(s, vars[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        const char *colon = strrchr(v, ':');
        ports[i] = atoi(colon ? colon + 1 : v);
        CU_ASSERT(ports[i] > 0 && ports[i] < 65536);
        for (int k = 0; k < i; k++)
            CU_ASSERT_NOT_EQUAL(ports[k], ports[i]);
    }
    /* below the kernel's ephemeral range, where no client's local port is taken */
    int lo = 0;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        if (fscanf(f, "%d", &lo) != 1)
            lo = 0;
        fclose(f);
    }
    for (int i = 0; lo > 11000 && i < 8; i++)
        CU_ASSERT(ports[i] >= 10000 && ports[i] < lo);
    CU_ASSERT_EQUAL(nq_suite_check_ports(s), 0); /* chosen free, still free */
    CU_ASSERT_TRUE(exists("log") && exists("run") && exists("redis"));
    CU_ASSERT_EQUAL(nq_suite_stop(&s), 0);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(nq_suite_stop(&s), 0); /* safe twice */
    unsetenv("NQ_LOG_LEVEL");
    unsetenv("SUITE_TEST_OTHER");
    remove_dir();
}

/* Whether Redis on 127.0.0.1:port answers PING within 5 s. */
static bool pong(int port)
{
    for (int i = 0; i < 100; i++, usleep(50000)) {
        redisContext *c = redisConnect("127.0.0.1", port);
        redisReply *r = c && !c->err ? redisCommand(c, "PING") : NULL;
        bool ok = r && r->type == REDIS_REPLY_STATUS;
        freeReplyObject(r);
        redisFree(c);
        if (ok)
            return true;
    }
    return false;
}

/* Redis: started with its pid file and socket, its port then taken; paused,
 * killed (128 + 9), started again on the same port, stopped last with exit 0. */
static void test_redis(void)
{
    nq_suite_t *s = new_suite();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(nq_suite_use_free_ports(s), 0);
    CU_ASSERT_EQUAL_FATAL(nq_suite_start_redis(s, 10000), 0);
    CU_ASSERT(nq_suite_redis_port(s) > 0);
    CU_ASSERT_TRUE(exists("run/redis.pid"));
    CU_ASSERT_TRUE(exists("redis/redis.sock"));
    CU_ASSERT_TRUE(nq_suite_proc_running(s, "redis"));
    CU_ASSERT_EQUAL(nq_suite_check_ports(s), -1); /* Redis's port is taken now */
    CU_ASSERT_EQUAL(nq_suite_proc_signal(s, "redis", SIGSTOP), 0);
    CU_ASSERT_EQUAL(nq_suite_proc_stop(s, "redis", SIGKILL), 128 + SIGKILL);
    CU_ASSERT_FALSE(nq_suite_proc_running(s, "redis"));
    CU_ASSERT_FALSE(exists("run/redis.pid"));
    CU_ASSERT_EQUAL(nq_suite_proc_signal(s, "redis", SIGCONT), -1); /* not running */
    CU_ASSERT_EQUAL_FATAL(nq_suite_proc_start(s, "redis"), 0);
    CU_ASSERT_EQUAL(nq_suite_proc_start(s, "redis"), -1); /* already running */
    CU_ASSERT_TRUE(pong(nq_suite_redis_port(s))); /* up again (a SIGTERM before would kill it) */
    CU_ASSERT_EQUAL(nq_suite_proc_start(s, "nobody"), -1);
    CU_ASSERT_EQUAL(nq_suite_reap(s), 0); /* asked to stop: not "on its own" */
    CU_ASSERT_EQUAL(nq_suite_stop(&s), 0);
    CU_ASSERT_TRUE(exists("log/redis.log"));
    remove_dir();
}

/* A process that exits 0 on its own is reported once and counted as failed
 * (a service never exits by itself); one that exits 1 too; a name is taken
 * once. */
static void test_exits_on_its_own(void)
{
    nq_suite_t *s = new_suite();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(nq_suite_add(s, "true", "nq-true"), 0);
    CU_ASSERT_EQUAL_FATAL(nq_suite_add(s, "false", "nq-false"), 0);
    CU_ASSERT_EQUAL(nq_suite_add(s, "true", "nq-true"), -1);
    int seen = 0;
    for (int i = 0; i < 100 && seen < 2; i++) {
        seen += nq_suite_reap(s);
        usleep(20000);
    }
    CU_ASSERT_EQUAL(seen, 2);
    CU_ASSERT_EQUAL(nq_suite_reap(s), 0); /* once */
    CU_ASSERT_EQUAL(nq_suite_proc_stop(s, "nq-true", SIGTERM), -1);
    CU_ASSERT_EQUAL(nq_suite_stop(&s), 2);
    remove_dir();
}

static CU_TestInfo tests[] = {
    {"environment and ports", test_environment},
    {"Redis: start, pause, kill, start again, stop", test_redis},
    {"a process that exits on its own", test_exits_on_its_own},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"suite", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
