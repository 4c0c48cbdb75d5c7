/* test_msgtypes.c — nq/msgtypes.h: the table of every bus message, and the
 * check that holds a socket's route table to it (nq_bus_routes_check). */
#include <ctype.h>
#include <string.h>

#include "nq/bus.h"
#include "nq/msgtypes.h"
#include "nq_test.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The services the gateway holds an upstream (a DEALER) for. */
#define ROUTER_SERVICES (NQ_SVC_INGEST | NQ_SVC_CUSTOMERS | NQ_SVC_REPORTING)
#define ALL_SERVICES                                                                               \
    (NQ_SVC_GATEWAY | NQ_SVC_INGEST | NQ_SVC_SCORING | NQ_SVC_CUSTOMERS | NQ_SVC_ALERTING |        \
     NQ_SVC_REPORTING)

/* "activity.batch.v1": lower-case words joined by dots, then a version. */
static bool well_formed(const char *type)
{
    const char *v = strrchr(type, '.');
    if (!v || v == type || v[1] != 'v' || !isdigit((unsigned char)v[2]))
        return false;
    for (const char *p = v + 2; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
    }
    for (const char *p = type; p < v; p++) {
        bool dot_ok = *p == '.' && p > type && p[-1] != '.';
        if (!(islower((unsigned char)*p) || *p == '_' || dot_ok))
            return false;
    }
    return true;
}

static bool has_field(const ProtobufCMessageDescriptor *d, const char *name, ProtobufCType type,
                      const ProtobufCMessageDescriptor *of)
{
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(d, name);
    return f && f->type == type && f->label != PROTOBUF_C_LABEL_REPEATED &&
           (!of || f->descriptor == of);
}

static void test_types_unique_and_well_formed(void)
{
    CU_ASSERT_TRUE(NQ_MSG_COUNT > 0);
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        CU_ASSERT_PTR_NOT_NULL_FATAL(m->type);
        CU_ASSERT_TRUE(strlen(m->type) < NQ_BUS_TYPE_MAX);
        if (!well_formed(m->type))
            CU_FAIL(m->type);
        CU_ASSERT_TRUE(m->name && *m->name);
        CU_ASSERT_TRUE(m->doc && *m->doc);
        for (size_t j = 0; j < i; j++) {
            CU_ASSERT_STRING_NOT_EQUAL(m->type, nq_msgtypes[j].type);
            CU_ASSERT_STRING_NOT_EQUAL(m->name, nq_msgtypes[j].name);
        }
    }
    /* NQ_MSG(NAME) is the row named NAME. */
    CU_ASSERT_STRING_EQUAL(NQ_MSG(ACTIVITY_BATCH)->name, "ACTIVITY_BATCH");
    CU_ASSERT_STRING_EQUAL(NQ_MSG(ACTIVITY_BATCH)->type, "activity.batch.v1");
    CU_ASSERT_STRING_EQUAL(NQ_MSG(SYS_PING)->type, "sys.ping.v1");
}

/* A publication has no reply; a request's reply is a DocumentReply exactly
 * when the row says it is a JSON document. */
static void test_kinds_and_descriptors(void)
{
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        CU_ASSERT_PTR_NOT_NULL(m->request);
        switch (m->kind) {
        case NQ_MSG_KIND_PUB:
            CU_ASSERT_PTR_NULL(m->reply);
            break;
        case NQ_MSG_KIND_DOC:
            CU_ASSERT_PTR_EQUAL(m->reply, &nq__document_reply__descriptor);
            break;
        case NQ_MSG_KIND_REQ:
            CU_ASSERT_PTR_NOT_NULL(m->reply);
            CU_ASSERT_PTR_NOT_EQUAL(m->reply, &nq__document_reply__descriptor);
            break;
        default:
            CU_FAIL("unknown kind");
        }
    }
    CU_ASSERT_EQUAL(NQ_MSG(PLAN_GET)->kind, NQ_MSG_KIND_DOC);
    CU_ASSERT_EQUAL(NQ_MSG(TARGET_GET)->kind, NQ_MSG_KIND_REQ);
    CU_ASSERT_EQUAL(NQ_MSG(ALERT_RAISED)->kind, NQ_MSG_KIND_PUB);
}

/* What the gateway's upstreams rely on: a request carries a correlation_id
 * (set per call), its reply a ReplyHeader "header" (which finds the call). */
static void test_requests_correlate(void)
{
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        if (m->kind == NQ_MSG_KIND_PUB || !m->request || !m->reply)
            continue;
        if (!has_field(m->request, "correlation_id", PROTOBUF_C_TYPE_STRING, NULL))
            CU_FAIL(m->type);
        if (!has_field(m->reply, "header", PROTOBUF_C_TYPE_MESSAGE, &nq__reply_header__descriptor))
            CU_FAIL(m->type);
    }
}

/* Who answers, publishes, sends and hears each message is named, and it is
 * a service that can: requests go from the gateway to a service with a
 * ROUTER; a publication has one publisher. */
static void test_owners_and_peers(void)
{
    for (size_t i = 0; i < NQ_MSG_COUNT; i++) {
        const nq_msgtype_t *m = &nq_msgtypes[i];
        CU_ASSERT_NOT_EQUAL(m->owner, 0);
        CU_ASSERT_NOT_EQUAL(m->peers, 0);
        CU_ASSERT_EQUAL(m->owner & ~ALL_SERVICES, 0);
        CU_ASSERT_EQUAL(m->peers & ~ALL_SERVICES, 0);
        CU_ASSERT_EQUAL(m->owner & m->peers, 0); /* nobody talks to itself */
        if (m->kind == NQ_MSG_KIND_PUB) {
            CU_ASSERT_STRING_NOT_EQUAL(nq_svc_name(m->owner), "");
        } else {
            CU_ASSERT_EQUAL(m->owner & ~ROUTER_SERVICES, 0);
            CU_ASSERT_EQUAL(m->peers, NQ_SVC_GATEWAY);
        }
    }
    CU_ASSERT_EQUAL(NQ_MSG(SYS_PING)->owner, ROUTER_SERVICES);
    CU_ASSERT_EQUAL(NQ_MSG(ACTIVITY_BATCH)->owner, NQ_SVC_INGEST);
    CU_ASSERT_EQUAL(NQ_MSG(KPI_CHANGED)->peers, NQ_SVC_ALERTING);
}

static void test_find(void)
{
    for (size_t i = 0; i < NQ_MSG_COUNT; i++)
        CU_ASSERT_PTR_EQUAL(nq_msg_find(nq_msgtypes[i].type), &nq_msgtypes[i]);
    static const char *const unknown[] = {
        "", "sys.ping", "sys.ping.v2", "SYS.PING.V1", "sys.ping.v1 ", "activity.batch"};
    for (size_t i = 0; i < N_ELEMS(unknown); i++)
        CU_ASSERT_PTR_NULL(nq_msg_find(unknown[i]));
    CU_ASSERT_PTR_NULL(nq_msg_find(NULL));
}

static void test_service_names(void)
{
    static const nq_svc_t all[] = {NQ_SVC_GATEWAY,   NQ_SVC_INGEST,   NQ_SVC_SCORING,
                                   NQ_SVC_CUSTOMERS, NQ_SVC_ALERTING, NQ_SVC_REPORTING};
    for (size_t i = 0; i < N_ELEMS(all); i++) {
        CU_ASSERT_STRING_NOT_EQUAL(nq_svc_name(all[i]), "");
        for (size_t j = 0; j < i; j++)
            CU_ASSERT_STRING_NOT_EQUAL(nq_svc_name(all[i]), nq_svc_name(all[j]));
    }
    CU_ASSERT_STRING_EQUAL(nq_svc_name(NQ_SVC_INGEST), "ingest");
    CU_ASSERT_STRING_EQUAL(nq_svc_name(0), "");
    CU_ASSERT_STRING_EQUAL(nq_svc_name(NQ_SVC_INGEST | NQ_SVC_REPORTING), "");
}

/* ---- route tables against the message table ----------------------------- */

static void handler(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                    void *app)
{
}

static void test_router_routes(void)
{
    const nq_bus_route_t ingest[] = {
        {NQ_MSG(ACTIVITY_BATCH), handler},
        {NQ_MSG(REBUILD_START), handler},
        {NQ_MSG(REBUILD_STATUS), handler},
        {NQ_MSG(SYS_PING), handler},
    };
    CU_ASSERT_EQUAL(nq_bus_routes_check(ingest, N_ELEMS(ingest), ZMQ_ROUTER, NQ_SVC_INGEST), 0);
    /* One missing: the gateway's call would wait for nothing. */
    CU_ASSERT_EQUAL(nq_bus_routes_check(ingest + 1, N_ELEMS(ingest) - 1, ZMQ_ROUTER, NQ_SVC_INGEST),
                    -1);
    /* Someone else's request, or ingest's rows as another service's. */
    CU_ASSERT_EQUAL(nq_bus_routes_check(ingest, N_ELEMS(ingest), ZMQ_ROUTER, NQ_SVC_CUSTOMERS), -1);
    const nq_bus_route_t foreign[] = {
        {NQ_MSG(ACTIVITY_BATCH), handler}, {NQ_MSG(REBUILD_START), handler},
        {NQ_MSG(REBUILD_STATUS), handler}, {NQ_MSG(SYS_PING), handler},
        {NQ_MSG(TEAM_GET), handler},
    };
    CU_ASSERT_EQUAL(nq_bus_routes_check(foreign, N_ELEMS(foreign), ZMQ_ROUTER, NQ_SVC_INGEST), -1);
    /* Twice the same message: the second row would never run. */
    const nq_bus_route_t twice[] = {
        {NQ_MSG(ACTIVITY_BATCH), handler}, {NQ_MSG(REBUILD_START), handler},
        {NQ_MSG(REBUILD_STATUS), handler}, {NQ_MSG(SYS_PING), handler},
        {NQ_MSG(SYS_PING), handler},
    };
    CU_ASSERT_EQUAL(nq_bus_routes_check(twice, N_ELEMS(twice), ZMQ_ROUTER, NQ_SVC_INGEST), -1);
    /* A publication is never answered on a ROUTER. */
    const nq_bus_route_t published[] = {
        {NQ_MSG(ACTIVITY_BATCH), handler},  {NQ_MSG(REBUILD_START), handler},
        {NQ_MSG(REBUILD_STATUS), handler},  {NQ_MSG(SYS_PING), handler},
        {NQ_MSG(ACTIVITY_STORED), handler},
    };
    CU_ASSERT_EQUAL(nq_bus_routes_check(published, N_ELEMS(published), ZMQ_ROUTER, NQ_SVC_INGEST),
                    -1);
}

static void test_sub_routes(void)
{
    const nq_bus_route_t scoring[] = {{NQ_MSG(ACTIVITY_STORED), handler}};
    const nq_bus_route_t alerting[] = {{NQ_MSG(KPI_CHANGED), handler}};
    const nq_bus_route_t gateway[] = {{NQ_MSG(ALERT_RAISED), handler}};
    const nq_bus_route_t request[] = {{NQ_MSG(SYS_PING), handler}};
    CU_ASSERT_EQUAL(nq_bus_routes_check(scoring, 1, ZMQ_SUB, NQ_SVC_SCORING), 0);
    CU_ASSERT_EQUAL(nq_bus_routes_check(alerting, 1, ZMQ_SUB, NQ_SVC_ALERTING), 0);
    CU_ASSERT_EQUAL(nq_bus_routes_check(gateway, 1, ZMQ_SUB, NQ_SVC_GATEWAY), 0);
    /* Not what the table has the service hear, or nothing of what it does. */
    CU_ASSERT_EQUAL(nq_bus_routes_check(scoring, 1, ZMQ_SUB, NQ_SVC_ALERTING), -1);
    CU_ASSERT_EQUAL(nq_bus_routes_check(NULL, 0, ZMQ_SUB, NQ_SVC_SCORING), -1);
    CU_ASSERT_EQUAL(nq_bus_routes_check(request, 1, ZMQ_SUB, NQ_SVC_INGEST), -1);
}

static CU_TestInfo table_tests[] = {
    {"types unique and well formed", test_types_unique_and_well_formed},
    {"kinds and descriptors agree", test_kinds_and_descriptors},
    {"requests and replies correlate", test_requests_correlate},
    {"owners and peers", test_owners_and_peers},
    {"find by type", test_find},
    {"service names", test_service_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo routes_tests[] = {
    {"a ROUTER routes exactly what its service answers", test_router_routes},
    {"a SUB routes exactly what its service hears", test_sub_routes},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"message table", NULL, NULL, NULL, NULL, table_tests},
    {"route tables", NULL, NULL, NULL, NULL, routes_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
