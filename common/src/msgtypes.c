/* msgtypes.c — the table of every bus message. See nq/msgtypes.h. */
#include "nq/msgtypes.h"

#include <string.h>

const nq_msgtype_t nq_msgtypes[NQ_MSG_COUNT] = {
#define NQ_MSGTYPE(name, type, kind, owner, peers, request, reply, doc)                            \
    [NQ_MSG_##name] = {#name, type, NQ_MSG_KIND_##kind, owner, peers, request, reply, doc},
#include "nq/msgtypes.def"
#undef NQ_MSGTYPE
};

const nq_msgtype_t *nq_msg_find(const char *type)
{
    for (size_t i = 0; type && i < NQ_MSG_COUNT; i++) {
        if (strcmp(nq_msgtypes[i].type, type) == 0)
            return &nq_msgtypes[i];
    }
    return NULL;
}

const char *nq_svc_name(unsigned svc)
{
    static const struct {
        nq_svc_t svc;
        const char *name;
    } names[] = {
        {NQ_SVC_GATEWAY, "gateway"},   {NQ_SVC_INGEST, "ingest"},
        {NQ_SVC_SCORING, "scoring"},   {NQ_SVC_CUSTOMERS, "customers"},
        {NQ_SVC_ALERTING, "alerting"}, {NQ_SVC_REPORTING, "reporting"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].svc == svc)
            return names[i].name;
    }
    return "";
}
