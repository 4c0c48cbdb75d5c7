/* test_curve_keys.c — nq/curve.h without sockets: the link table against the
 * message table, key generation, loading a service's keys, the ZAP
 * decision, and errors that name a file but never a key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nq/curve.h"
#include "nq_test.h"

static char s_dir[64];

static int suite_init(void)
{
    snprintf(s_dir, sizeof(s_dir), "/tmp/nq-curve-XXXXXX");
    return mkdtemp(s_dir) ? 0 : -1;
}

static int suite_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", s_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Is there a link that server `server` binds and every service of `clients`
 * may connect to? */
static bool carried(unsigned server, unsigned clients)
{
    for (nq_link_t l = 0; l < NQ_LINK_COUNT; l++)
        if (nq_links[l].server == server && (clients & ~nq_links[l].clients) == 0)
            return true;
    return false;
}

/* Every message crosses a link from a client to a server that the table
 * names: a request to each owner's ROUTER from its senders, a publication
 * from a PUB its owner binds to every subscriber, or to a SUB each
 * subscriber binds (alerting's KPI changes). */
static void test_links_match_messages(void)
{
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        bool found = true;
        for (unsigned bit = 1; bit < 64; bit <<= 1) {
            if (m->kind != NQ_MSG_KIND_PUB && (m->owner & bit))
                found &= carried(bit, m->peers);
            if (m->kind == NQ_MSG_KIND_PUB && (m->peers & bit))
                found &= carried(m->owner, m->peers) || carried(bit, m->owner);
        }
        if (!found)
            fprintf(stderr, "no link carries %s\n", m->type);
        CU_ASSERT_TRUE(found);
    }
}

static void test_service_of(void)
{
    CU_ASSERT_EQUAL(nq_curve_service_of("nq-ingest"), NQ_SVC_INGEST);
    CU_ASSERT_EQUAL(nq_curve_service_of("nq-gateway"), NQ_SVC_GATEWAY);
    CU_ASSERT_EQUAL(nq_curve_service_of("nq-suite"), 0);
    CU_ASSERT_EQUAL(nq_curve_service_of("ingest"), 0);
    CU_ASSERT_EQUAL(nq_curve_service_of(NULL), 0);
}

static void test_keygen_once(void)
{
    char err[256], path[128];
    struct stat st;
    CU_ASSERT_EQUAL(nq_curve_keygen(s_dir, err, sizeof(err)), 6);
    CU_ASSERT_EQUAL(nq_curve_keygen(s_dir, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/ingest.key", s_dir);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/ingest.pub", s_dir);
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_size, 41);
}

/* The binary public key of `svc` from its .pub file. */
static void pub_of(const char *svc, uint8_t out[32])
{
    char path[128], z85[64] = "";
    snprintf(path, sizeof(path), "%s/%s.pub", s_dir, svc);
    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fscanf(f, "%40s", z85), 1);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL(zmq_z85_decode(out, z85));
}

static void test_sides_and_allowed(void)
{
    char err[256];
    uint8_t gw[32], sc[32], cu[32];
    nq_curve_t *in = nq_curve_new(NQ_SVC_INGEST, s_dir, err, sizeof(err));
    nq_curve_t *g = nq_curve_new(NQ_SVC_GATEWAY, s_dir, err, sizeof(err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    pub_of("gateway", gw);
    pub_of("scoring", sc);
    pub_of("customers", cu);

    const nq_zsec_t *server = nq_curve_link(in, NQ_LINK_INGEST);
    const nq_zsec_t *client = nq_curve_link(g, NQ_LINK_INGEST);
    CU_ASSERT_PTR_NOT_NULL_FATAL(server);
    CU_ASSERT_PTR_NOT_NULL_FATAL(client);
    CU_ASSERT_TRUE(server->server);
    CU_ASSERT_STRING_EQUAL(server->domain, "ingest");
    CU_ASSERT_FALSE(client->server);
    CU_ASSERT_STRING_EQUAL(client->server_key, server->public_key);
    CU_ASSERT_PTR_NULL(nq_curve_link(g, NQ_LINK_STORED));    /* not on it */
    CU_ASSERT_PTR_NULL(nq_curve_link(NULL, NQ_LINK_INGEST)); /* CURVE off */

    CU_ASSERT_TRUE(nq_curve_allowed(in, "ingest", 6, gw, 32));
    CU_ASSERT_FALSE(nq_curve_allowed(in, "ingest", 6, sc, 32));
    CU_ASSERT_TRUE(nq_curve_allowed(in, "stored", 6, sc, 32));
    CU_ASSERT_TRUE(nq_curve_allowed(in, "stored", 6, cu, 32));
    CU_ASSERT_FALSE(nq_curve_allowed(in, "stored", 6, gw, 32));
    CU_ASSERT_FALSE(nq_curve_allowed(in, "alerts", 6, gw, 32)); /* not its link */
    CU_ASSERT_FALSE(nq_curve_allowed(in, "", 0, gw, 32));
    CU_ASSERT_FALSE(nq_curve_allowed(in, "ingest", 6, gw, 31));
    CU_ASSERT_FALSE(nq_curve_allowed(g, "ingest", 6, gw, 32)); /* a client admits no one */
    nq_curve_destroy(&in);
    nq_curve_destroy(&g);
    CU_ASSERT_PTR_NULL(in);
    nq_curve_destroy(&in);
}

/* A missing or broken file is named; the key's text never is. */
static void test_errors_name_file_not_key(void)
{
    char err[512], path[128], key[64] = "";
    nq_curve_t *c = nq_curve_new(NQ_SVC_INGEST, "/nonexistent", err, sizeof(err));
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/ingest.key"));

    snprintf(path, sizeof(path), "%s/gateway.pub", s_dir);
    FILE *f = fopen(path, "r+");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fscanf(f, "%40s", key), 1);
    rewind(f);
    fputs("too short\n", f);
    fclose(f);
    c = nq_curve_new(NQ_SVC_INGEST, s_dir, err, sizeof(err));
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "gateway.pub"));
    CU_ASSERT_PTR_NULL(strstr(err, "too short"));

    snprintf(path, sizeof(path), "%s/ingest.key", s_dir);
    f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fscanf(f, "%40s", key), 1);
    fclose(f);
    CU_ASSERT_PTR_NULL(strstr(err, key));
}

static CU_TestInfo tests[] = {
    {"every message travels on a link of the table", test_links_match_messages},
    {"process names to services", test_service_of},
    {"keygen makes each pair once, secret keys 0600", test_keygen_once},
    {"server and client sides; the allow-list per link", test_sides_and_allowed},
    {"errors name the file, never a key", test_errors_name_file_not_key},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"curve", suite_init, suite_cleanup, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
