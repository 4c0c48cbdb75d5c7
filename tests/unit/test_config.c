/* test_config.c — nq/config.h: defaults, environment, flags, validation. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nq/config.h"
#include "nq_test.h"

/* ---- a fake environment --------------------------------------------------- */

#define ENV_MAX 16

/* Variables visible to stub_getenv, set per test with env_set. */
static struct {
    const char *name;  /* variable */
    const char *value; /* its value */
} g_env[ENV_MAX];
static int g_env_count;

static void env_clear(void)
{
    g_env_count = 0;
}

static void env_set(const char *name, const char *value)
{
    CU_ASSERT_FATAL(g_env_count < ENV_MAX);
    g_env[g_env_count].name = name;
    g_env[g_env_count].value = value;
    g_env_count++;
}

static char *stub_getenv(const char *name)
{
    for (int i = 0; i < g_env_count; i++)
        if (strcmp(g_env[i].name, name) == 0)
            return (char *)g_env[i].value;
    return NULL;
}

/* ---- helpers ---------------------------------------------------------------- */

static nq_config_t g_cfg;
static char g_err[256];

/* Load with the fake environment and argv = {"nq-test", args..., NULL}. */
static int load(const char *const *args)
{
    char *argv[16] = {"nq-test"};
    int argc = 1;
    for (; args && args[argc - 1]; argc++)
        argv[argc] = (char *)args[argc - 1];
    g_err[0] = '\0';
    return nq_config_load(&g_cfg, "nq-test", argc, argv, stub_getenv, g_err, sizeof(g_err));
}

/* Loading must fail with exactly `want` in err and leave the config as it was. */
static void load_fails(const char *const *args, const char *want)
{
    nq_config_t before;
    memset(&g_cfg, 0xAB, sizeof(g_cfg));
    memcpy(&before, &g_cfg, sizeof(before));
    CU_ASSERT_EQUAL(load(args), -1);
    CU_ASSERT_STRING_EQUAL(g_err, want);
    CU_ASSERT_EQUAL(memcmp(&before, &g_cfg, sizeof(before)), 0);
}

/* One environment variable set to `value` must be rejected with `want`. */
static void env_fails(const char *name, const char *value, const char *want)
{
    env_clear();
    env_set(name, value);
    load_fails(NULL, want);
    env_clear();
}

/* Run `fn` with stdout captured into buf. */
static void capture_stdout(void (*fn)(void), char *buf, size_t len)
{
    FILE *tmp = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    dup2(fileno(tmp), STDOUT_FILENO);
    fn();
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    rewind(tmp);
    size_t n = fread(buf, 1, len - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

static void reset(void)
{
    env_clear();
    memset(&g_cfg, 0, sizeof(g_cfg));
}

/* ---- tests ------------------------------------------------------------------ */

static void test_defaults(void)
{
    CU_ASSERT_EQUAL_FATAL(load(NULL), 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.service, "nq-test");
    CU_ASSERT_STRING_EQUAL(g_cfg.log_level, "info");
    CU_ASSERT_STRING_EQUAL(g_cfg.zone, "Asia/Shanghai");
    CU_ASSERT_STRING_EQUAL(g_cfg.redis_host, "127.0.0.1");
    CU_ASSERT_EQUAL(g_cfg.redis_port, 6390);
    CU_ASSERT_STRING_EQUAL(g_cfg.http_host, "127.0.0.1");
    CU_ASSERT_EQUAL(g_cfg.http_port, 8080);
    CU_ASSERT_STRING_EQUAL(g_cfg.ingest_endpoint, "tcp://127.0.0.1:7101");
    CU_ASSERT_STRING_EQUAL(g_cfg.customers_endpoint, "tcp://127.0.0.1:7102");
    CU_ASSERT_STRING_EQUAL(g_cfg.reporting_endpoint, "tcp://127.0.0.1:7103");
    CU_ASSERT_STRING_EQUAL(g_cfg.stored_endpoint, "tcp://127.0.0.1:7104");
    CU_ASSERT_STRING_EQUAL(g_cfg.changes_endpoint, "tcp://127.0.0.1:7105");
    CU_ASSERT_STRING_EQUAL(g_cfg.alerts_endpoint, "tcp://127.0.0.1:7106");
    CU_ASSERT_STRING_EQUAL(g_cfg.web_root, "");
    CU_ASSERT_EQUAL(g_cfg.big_order_fen, 5000000);
    CU_ASSERT_EQUAL(g_cfg.alert_recency_s, 86400);
    CU_ASSERT_EQUAL(g_cfg.max_frame_bytes, 8388608);
    CU_ASSERT_EQUAL(g_cfg.max_body_bytes, 4194304);
    CU_ASSERT_EQUAL(g_cfg.max_batch_events, 5000);
    CU_ASSERT_EQUAL(g_cfg.request_timeout_ms, 5000);
    CU_ASSERT_EQUAL(g_cfg.dedupe_window_s, 2592000);
    CU_ASSERT_EQUAL(g_cfg.future_skew_s, 300);
}

static void test_default_instance(void)
{
    char host[256] = "";
    char want[64];
    CU_ASSERT_EQUAL_FATAL(gethostname(host, sizeof(host)), 0);
    snprintf(want, sizeof(want), "%.40s:%ld", host, (long)getpid());
    CU_ASSERT_EQUAL_FATAL(load(NULL), 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.instance, want);
    /* An empty variable counts as unset. */
    env_set("NQ_INSTANCE", "");
    CU_ASSERT_EQUAL_FATAL(load(NULL), 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.instance, want);
    CU_ASSERT_EQUAL_FATAL(load((const char *[]){"--instance=", NULL}), 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.instance, want);
}

static void test_environment(void)
{
    env_set("NQ_REDIS_PORT", "6391");
    env_set("NQ_ZONE", "UTC");
    env_set("NQ_BIG_ORDER_YUAN", "1234.5");
    env_set("NQ_INSTANCE", "ingest-1");
    env_set("NQ_LOG_LEVEL", "debug");
    env_set("NQ_WEB_ROOT", "/srv/neiqin/web");
    env_set("NQ_STORED_ENDPOINT", "ipc:///tmp/nq-stored");
    env_set("NQ_MAX_FRAME_BYTES", "268435456");
    env_set("NQ_REDIS_HOST", "/run/neiqin/redis.sock");
    env_set("NQ_ALERT_RECENCY_S", "0");
    env_set("NQ_CLOCK_OFFSET_MS", "86400000");
    CU_ASSERT_EQUAL_FATAL(load(NULL), 0);
    CU_ASSERT_EQUAL(g_cfg.clock_offset_ms, 86400000);
    CU_ASSERT_EQUAL(g_cfg.alert_recency_s, 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.redis_host, "/run/neiqin/redis.sock");
    CU_ASSERT_EQUAL(g_cfg.redis_port, 6391);
    CU_ASSERT_STRING_EQUAL(g_cfg.zone, "UTC");
    CU_ASSERT_EQUAL(g_cfg.big_order_fen, 123450);
    CU_ASSERT_STRING_EQUAL(g_cfg.instance, "ingest-1");
    CU_ASSERT_STRING_EQUAL(g_cfg.log_level, "debug");
    CU_ASSERT_STRING_EQUAL(g_cfg.web_root, "/srv/neiqin/web");
    CU_ASSERT_STRING_EQUAL(g_cfg.stored_endpoint, "ipc:///tmp/nq-stored");
    CU_ASSERT_EQUAL(g_cfg.max_frame_bytes, 268435456);
}

static void test_flags_win(void)
{
    env_set("NQ_REDIS_PORT", "6391");
    env_set("NQ_HTTP_PORT", "8081");
    const char *args[] = {"--redis-port",
                          "6392",
                          "--http-port=9000",
                          "--zone",
                          "Europe/Paris",
                          "--future-skew-s=0",
                          "--alerts-endpoint",
                          "inproc://alerts",
                          NULL};
    CU_ASSERT_EQUAL_FATAL(load(args), 0);
    CU_ASSERT_EQUAL(g_cfg.redis_port, 6392);
    CU_ASSERT_EQUAL(g_cfg.http_port, 9000);
    CU_ASSERT_STRING_EQUAL(g_cfg.zone, "Europe/Paris");
    CU_ASSERT_EQUAL(g_cfg.future_skew_s, 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.alerts_endpoint, "inproc://alerts");
    /* The last occurrence wins. */
    CU_ASSERT_EQUAL_FATAL(load((const char *[]){"--redis-port=1", "--redis-port=65535", NULL}), 0);
    CU_ASSERT_EQUAL(g_cfg.redis_port, 65535);
}

static void test_bad_integers(void)
{
    static const char *const bad[] = {"abc",
                                      "12x",
                                      " 1",
                                      "1 ",
                                      "+1",
                                      "-",
                                      "0x10",
                                      "1e3",
                                      "1.0",
                                      "0",
                                      "-1",
                                      "65536",
                                      "99999999999999999999",
                                      "-99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[256];
        snprintf(want, sizeof(want), "NQ_REDIS_PORT: must be an integer in 1..65535, got '%s'",
                 bad[i]);
        env_fails("NQ_REDIS_PORT", bad[i], want);
        snprintf(want, sizeof(want), "--redis-port: must be an integer in 1..65535, got '%s'",
                 bad[i]);
        load_fails((const char *[]){"--redis-port", bad[i], NULL}, want);
    }
    env_fails("NQ_MAX_FRAME_BYTES", "268435457",
              "NQ_MAX_FRAME_BYTES: must be an integer in 1024..268435456, got '268435457'");
    env_fails("NQ_MAX_BODY_BYTES", "1023",
              "NQ_MAX_BODY_BYTES: must be an integer in 1024..268435456, got '1023'");
    env_fails("NQ_DEDUPE_WINDOW_S", "59",
              "NQ_DEDUPE_WINDOW_S: must be an integer in 60..31622400, got '59'");
    env_fails("NQ_FUTURE_SKEW_S", "-1",
              "NQ_FUTURE_SKEW_S: must be an integer in 0..86400, got '-1'");
    env_fails("NQ_ALERT_RECENCY_S", "-1",
              "NQ_ALERT_RECENCY_S: must be an integer in 0..31622400, got '-1'");
    env_fails("NQ_CLOCK_OFFSET_MS", "-1",
              "NQ_CLOCK_OFFSET_MS: must be an integer in 0..315360000000, got '-1'");
    load_fails((const char *[]){"--max-batch-events=100001", NULL},
               "--max-batch-events: must be an integer in 1..100000, got '100001'");
    load_fails((const char *[]){"--request-timeout-ms=9", NULL},
               "--request-timeout-ms: must be an integer in 10..600000, got '9'");
}

static void test_bad_endpoints(void)
{
    static const char *const bad[] = {"http://127.0.0.1:7101", "127.0.0.1:7101", "tcp://",
                                      "TCP://127.0.0.1:1", " tcp://127.0.0.1:1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[256];
        snprintf(want, sizeof(want),
                 "NQ_INGEST_ENDPOINT: must be a ZeroMQ endpoint tcp://, ipc:// or inproc://, "
                 "got '%s'",
                 bad[i]);
        env_fails("NQ_INGEST_ENDPOINT", bad[i], want);
    }
    char long_ep[NQ_CONFIG_STR + 1];
    memset(long_ep, 'a', sizeof(long_ep) - 1);
    memcpy(long_ep, "tcp://", 6);
    long_ep[NQ_CONFIG_STR] = '\0';
    env_clear();
    env_set("NQ_CHANGES_ENDPOINT", long_ep);
    CU_ASSERT_EQUAL(load(NULL), -1);
    CU_ASSERT_EQUAL(strncmp(g_err, "NQ_CHANGES_ENDPOINT: longer than 255 bytes", 42), 0);
    long_ep[NQ_CONFIG_STR - 1] = '\0'; /* 255 bytes fit */
    CU_ASSERT_EQUAL(load(NULL), 0);
}

static void test_bad_other_values(void)
{
    env_fails("NQ_BIG_ORDER_YUAN", "0",
              "NQ_BIG_ORDER_YUAN: must be an amount of yuan > 0 (must be more than 0), got '0'");
    env_fails("NQ_BIG_ORDER_YUAN", "-5",
              "NQ_BIG_ORDER_YUAN: must be an amount of yuan > 0 (must be more than 0), got '-5'");
    env_fails("NQ_BIG_ORDER_YUAN", "1.234",
              "NQ_BIG_ORDER_YUAN: must be an amount of yuan > 0 (more than two decimals), "
              "got '1.234'");
    env_fails("NQ_BIG_ORDER_YUAN", "abc",
              "NQ_BIG_ORDER_YUAN: must be an amount of yuan > 0 (not a decimal number), "
              "got 'abc'");
    env_fails("NQ_LOG_LEVEL", "verbose",
              "NQ_LOG_LEVEL: must be debug, info, warn or error, got 'verbose'");
    env_fails("NQ_ZONE", "Mars/Olympus_Mons",
              "NQ_ZONE: unknown time zone (not UTC nor under /usr/share/zoneinfo), "
              "got 'Mars/Olympus_Mons'");
    load_fails((const char *[]){"--zone=../../etc/passwd", NULL},
               "--zone: unknown time zone (not UTC nor under /usr/share/zoneinfo), "
               "got '../../etc/passwd'");

    load_fails((const char *[]){"--redis-host=", NULL},
               "--redis-host: must be a host name or address, or the path of a Unix socket, "
               "got ''");
    /* sun_path holds 107 bytes and a NUL: one more does not fit. */
    char socket_path[110] = "/";
    memset(socket_path + 1, 's', 106);
    CU_ASSERT_EQUAL_FATAL(load((const char *[]){"--redis-host", socket_path, NULL}), 0);
    strcat(socket_path, "s");
    env_clear();
    env_set("NQ_REDIS_HOST", socket_path);
    CU_ASSERT_EQUAL(load(NULL), -1);
    CU_ASSERT_EQUAL(
        strncmp(g_err, "NQ_REDIS_HOST: a Unix socket's path is at most 107 bytes, got '/", 64), 0);

    char long_name[100];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    env_clear();
    env_set("NQ_INSTANCE", long_name);
    CU_ASSERT_EQUAL(load(NULL), -1);
    CU_ASSERT_EQUAL(strncmp(g_err, "NQ_INSTANCE: longer than 63 bytes, got 'xxx", 43), 0);
}

static void test_bad_arguments(void)
{
    load_fails((const char *[]){"--bogus", NULL}, "unknown option --bogus (see --help)");
    load_fails((const char *[]){"--bogus=1", NULL}, "unknown option --bogus (see --help)");
    load_fails((const char *[]){"--redis", "1", NULL}, "unknown option --redis (see --help)");
    load_fails((const char *[]){"--", NULL}, "unknown option -- (see --help)");
    load_fails((const char *[]){"--redis-port", NULL}, "--redis-port: missing value");
    load_fails((const char *[]){"--redis-port", "--http-port", "1", NULL},
               "--redis-port: missing value");
    load_fails((const char *[]){"-h", NULL}, "unexpected argument '-h' (see --help)");
    load_fails((const char *[]){"6390", NULL}, "unexpected argument '6390' (see --help)");
    load_fails((const char *[]){"--redis-port=", NULL},
               "--redis-port: must be an integer in 1..65535, got ''");
    /* The first bad value is the one reported. */
    env_set("NQ_HTTP_PORT", "x");
    load_fails((const char *[]){"--redis-port=y", NULL},
               "NQ_HTTP_PORT: must be an integer in 1..65535, got 'x'");
}

static void load_with_help(void)
{
    CU_ASSERT_EQUAL(load((const char *[]){"--redis-port=1", "--help", "--bogus", NULL}), 1);
}

static void test_help(void)
{
    char out[8192];
    capture_stdout(load_with_help, out, sizeof(out));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Usage: nq-test"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--redis-port"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "NQ_REDIS_PORT"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "6390"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--help"));
}

static void test_usage_lists_every_option(void)
{
    static const char *const names[] = {
        "instance",           "log-level",          "zone",
        "redis-host",         "redis-port",         "http-host",
        "http-port",          "ingest-endpoint",    "customers-endpoint",
        "reporting-endpoint", "stored-endpoint",    "changes-endpoint",
        "alerts-endpoint",    "web-root",           "big-order-yuan",
        "alert-recency-s",    "max-frame-bytes",    "max-body-bytes",
        "max-batch-events",   "request-timeout-ms", "dedupe-window-s",
        "future-skew-s",
    };
    char out[8192];
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    nq_config_usage(f, "nq-ingest");
    rewind(f);
    out[fread(out, 1, sizeof(out) - 1, f)] = '\0';
    fclose(f);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char flag[64], env[64];
        snprintf(flag, sizeof(flag), "--%s ", names[i]);
        snprintf(env, sizeof(env), "NQ_");
        for (size_t j = 0; names[i][j]; j++)
            env[3 + j] = names[i][j] == '-' ? '_' : (char)(names[i][j] - 'a' + 'A');
        env[3 + strlen(names[i])] = '\0';
        CU_ASSERT_PTR_NOT_NULL(strstr(out, flag));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, env));
        /* Every listed variable is the one the loader reads. */
        env_clear();
        env_set(env, "\x01");
        CU_ASSERT_EQUAL(load(NULL), -1);
        CU_ASSERT_EQUAL(strncmp(g_err, env, strlen(env)), 0);
    }
}

static void test_service_and_null_getenv(void)
{
    char *argv[] = {"nq-x", NULL};
    char err[64];
    char long_service[40];
    memset(long_service, 's', sizeof(long_service) - 1);
    long_service[sizeof(long_service) - 1] = '\0';
    CU_ASSERT_EQUAL(nq_config_load(&g_cfg, long_service, 1, argv, NULL, err, sizeof(err)), -1);
    CU_ASSERT_EQUAL(nq_config_load(&g_cfg, NULL, 1, argv, NULL, err, sizeof(err)), -1);
    CU_ASSERT_EQUAL(nq_config_load(&g_cfg, "nq-x", 1, argv, NULL, err, sizeof(err)), 0);
    CU_ASSERT_STRING_EQUAL(g_cfg.service, "nq-x");
    CU_ASSERT_EQUAL(g_cfg.redis_port, 6390);
    /* A short err buffer truncates the message, never overflows. */
    CU_ASSERT_EQUAL(
        nq_config_load(&g_cfg, "nq-x", 2, (char *[]){"nq-x", "--nope", NULL}, NULL, err, 8), -1);
    CU_ASSERT_STRING_EQUAL(err, "unknown");
}

static CU_TestInfo config_tests[] = {
    {"defaults", test_defaults},
    {"instance defaults to host:pid", test_default_instance},
    {"environment overrides defaults", test_environment},
    {"flags override the environment", test_flags_win},
    {"bad integers name their source", test_bad_integers},
    {"bad endpoints", test_bad_endpoints},
    {"bad amounts, levels, zones, Redis hosts, strings", test_bad_other_values},
    {"bad arguments", test_bad_arguments},
    {"--help prints usage and returns 1", test_help},
    {"usage lists every option", test_usage_lists_every_option},
    {"service name and NULL getenv", test_service_and_null_getenv},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"config", NULL, NULL, reset, NULL, config_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
