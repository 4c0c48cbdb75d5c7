/* test_curve.c — nothing inside the suite trusts the network: a local
 * process that speaks ZeroMQ to ingest without the keys, or with a key pair
 * of its own, stores nothing and hears nothing; the gateway's key is let in;
 * the suite with its keys works end to end; no secret key reaches a log; a
 * service without keys does not start unless NQ_CURVE=off.
 *
 * The suite is the harness's, with CURVE on as every integration test runs
 * it (keys in <dir>/curve). */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "harness.h"
#include "neiqin.pb-c.h"
#include "nq/msgtypes.h"
#include "nq_test.h"
#include "testkit.h"

#define ANSWER_MS 1500 /* how long a refused client waits for an answer it never gets */
#define SP        "sp-cv-zhang"
#define CUSTOMER  "c-cv-1"

static void *s_zctx;

static int suite_init(void)
{
    s_zctx = zmq_ctx_new();
    return s_zctx ? tk_start(NULL) : -1;
}

static int suite_cleanup(void)
{
    tk_stop();
    zmq_ctx_term(s_zctx);
    return 0;
}

/* The Z85 key in <curve dir>/<file> into out (41 bytes). */
static bool read_key(const char *file, char *out)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", nq_harness_getenv(tk_h, "NQ_CURVE_DIR"), file);
    FILE *f = fopen(path, "r");
    bool ok = f && fscanf(f, "%40s", out) == 1 && strlen(out) == 40;
    if (f)
        fclose(f);
    return ok;
}

/* A DEALER to ingest: plain when pub/sec are NULL, else a CURVE client with
 * that key pair and ingest's public key. */
static void *dealer(const char *pub, const char *sec)
{
    void *d = zmq_socket(s_zctx, ZMQ_DEALER);
    int linger = 0;
    char server[41];
    zmq_setsockopt(d, ZMQ_LINGER, &linger, sizeof(linger));
    if (pub) {
        CU_ASSERT_FATAL(read_key("ingest.pub", server));
        zmq_setsockopt(d, ZMQ_CURVE_SERVERKEY, server, 40);
        zmq_setsockopt(d, ZMQ_CURVE_PUBLICKEY, pub, 40);
        zmq_setsockopt(d, ZMQ_CURVE_SECRETKEY, sec, 40);
    }
    CU_ASSERT_EQUAL_FATAL(zmq_connect(d, nq_harness_getenv(tk_h, "NQ_INGEST_ENDPOINT")), 0);
    return d;
}

/* Send one activity.batch.v1 with an order of ¥99,000,000.00 as event `id`
 * on `d`; whether an answer came within ANSWER_MS. */
static bool order_answered(void *d, const char *id)
{
    Nq__Activity ev = NQ__ACTIVITY__INIT, *evs[1] = {&ev};
    Nq__ActivityBatchRequest req = NQ__ACTIVITY_BATCH_REQUEST__INIT;
    ev.event_id = (char *)id;
    ev.type = "order";
    ev.salesperson_id = SP;
    ev.customer_id = CUSTOMER;
    ev.occurred_at = (int64_t)time(NULL) * 1000 - 60000;
    ev.has_occurred_at = 1;
    ev.amount_fen = 9900000000LL;
    ev.has_amount_fen = 1;
    ev.source = "intruder";
    req.correlation_id = "cv-1";
    req.n_events = 1;
    req.events = evs;
    uint8_t buf[1024];
    size_t len = nq__activity_batch_request__pack(&req, buf);
    const char *type = NQ_MSG(ACTIVITY_BATCH)->type;
    zmq_send(d, type, strlen(type), ZMQ_SNDMORE | ZMQ_DONTWAIT);
    zmq_send(d, buf, len, ZMQ_DONTWAIT);
    zmq_pollitem_t item = {d, 0, ZMQ_POLLIN, 0};
    return zmq_poll(&item, 1, ANSWER_MS) == 1;
}

static void test_plain_refused(void)
{
    void *d = dealer(NULL, NULL);
    CU_ASSERT_FALSE(order_answered(d, "e-cv-plain"));
    zmq_close(d);
    CU_ASSERT_EQUAL(nq_harness_log_events(tk_redis), 0);
}

static void test_wrong_key_refused(void)
{
    char pub[41], sec[41];
    CU_ASSERT_EQUAL_FATAL(zmq_curve_keypair(pub, sec), 0);
    void *d = dealer(pub, sec);
    CU_ASSERT_FALSE(order_answered(d, "e-cv-wrong"));
    zmq_close(d);
    /* Another service's key pair is not the gateway's either. */
    char spub[41], ssec[41];
    CU_ASSERT_FATAL(read_key("scoring.pub", spub) && read_key("scoring.key", ssec));
    d = dealer(spub, ssec);
    CU_ASSERT_FALSE(order_answered(d, "e-cv-scoring"));
    zmq_close(d);
    CU_ASSERT_EQUAL(nq_harness_log_events(tk_redis), 0);
}

/* The control: the same request with the gateway's key pair is answered and
 * stored, so the refusals above are the keys', not a broken request. */
static void test_gateway_key_let_in(void)
{
    char pub[41], sec[41];
    CU_ASSERT_FATAL(read_key("gateway.pub", pub) && read_key("gateway.key", sec));
    void *d = dealer(pub, sec);
    CU_ASSERT_TRUE(order_answered(d, "e-cv-gateway"));
    zmq_close(d);
    tk_accepted++; /* what tk_wait_scored waits for */
    CU_ASSERT_EQUAL(nq_harness_log_events(tk_redis), 1);
}

/* A plain SUB to the stored-activities and the alerts endpoints hears
 * nothing while the suite works over HTTP (an order, scored, alerted). */
static void test_suite_works_eavesdropper_hears_nothing(void)
{
    void *subs[2];
    const char *eps[2] = {"NQ_STORED_ENDPOINT", "NQ_ALERTS_ENDPOINT"};
    for (int i = 0; i < 2; i++) {
        subs[i] = zmq_socket(s_zctx, ZMQ_SUB);
        int linger = 0;
        zmq_setsockopt(subs[i], ZMQ_LINGER, &linger, sizeof(linger));
        zmq_setsockopt(subs[i], ZMQ_SUBSCRIBE, "", 0);
        CU_ASSERT_EQUAL_FATAL(zmq_connect(subs[i], nq_harness_getenv(tk_h, eps[i])), 0);
    }
    usleep(300000);
    int64_t at = (int64_t)time(NULL) * 1000 - 60000;
    tk_post_counts(json_pack("[o]", tk_event("e-cv-http", "order", SP, CUSTOMER, at, "80000.00")),
                   1, 0);
    CU_ASSERT_TRUE(tk_wait_scored(5000));
    json_t *k = tk_get_ok("/api/v1/salespeople/" SP "/kpis?period=day");
    CU_ASSERT_PTR_NOT_NULL(k);
    json_decref(k);
    zmq_pollitem_t items[2] = {{subs[0], 0, ZMQ_POLLIN, 0}, {subs[1], 0, ZMQ_POLLIN, 0}};
    CU_ASSERT_EQUAL(zmq_poll(items, 2, ANSWER_MS), 0);
    for (int i = 0; i < 2; i++)
        zmq_close(subs[i]);
    CU_ASSERT_EQUAL(nq_harness_log_events(tk_redis), 2);
}

/* Every .key is 0600; no secret key's text is in any process's log. */
static void test_keys_private_never_logged(void)
{
    static const char *const names[] = {"gateway",   "ingest",   "scoring",
                                        "customers", "alerting", "reporting"};
    char logdir[600];
    snprintf(logdir, sizeof(logdir), "%s/log", nq_harness_dir(tk_h));
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char file[64], key[41], path[512];
        struct stat st;
        snprintf(file, sizeof(file), "%s.key", names[i]);
        CU_ASSERT_FATAL(read_key(file, key));
        snprintf(path, sizeof(path), "%s/%s", nq_harness_getenv(tk_h, "NQ_CURVE_DIR"), file);
        CU_ASSERT_EQUAL(stat(path, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
        DIR *d = opendir(logdir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            char log[1200], line[8192];
            snprintf(log, sizeof(log), "%s/%s", logdir, e->d_name);
            FILE *f = e->d_name[0] != '.' ? fopen(log, "r") : NULL;
            while (f && fgets(line, sizeof(line), f))
                if (!tk_check(strstr(line, key) == NULL, "%s's secret key in %s", names[i], log))
                    break;
            if (f)
                fclose(f);
        }
        if (d)
            closedir(d);
    }
}

/* nq-ingest with CURVE on and no keys exits 2 naming NQ_CURVE_DIR. */
static void test_no_keys_no_start(void)
{
    char cmd[1024], out[2048] = "";
    snprintf(cmd, sizeof(cmd),
             "env -i NQ_REDIS_PORT=1 NQ_CURVE_DIR= %s/nq-ingest 2>&1; echo \"exit=$?\"",
             NQ_BIN_DIR);
    FILE *p = popen(cmd, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    pclose(p);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "NQ_CURVE_DIR"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "exit=2"));
}

static void test_stop(void)
{
    CU_ASSERT_EQUAL(tk_stop(), 0);
}

static CU_TestInfo tests[] = {
    {"a plain ZeroMQ client to ingest stores nothing", test_plain_refused},
    {"a client with a key pair of its own, or another service's, stores nothing",
     test_wrong_key_refused},
    {"the gateway's key pair is let in", test_gateway_key_let_in},
    {"the suite works; a plain subscriber hears nothing",
     test_suite_works_eavesdropper_hears_nothing},
    {"secret keys are 0600 and never in a log", test_keys_private_never_logged},
    {"a service without keys does not start", test_no_keys_no_start},
    {"graceful shutdown", test_stop},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"curve", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
