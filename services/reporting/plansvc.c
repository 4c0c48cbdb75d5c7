/* plansvc.c — plan documents on the bus. See plansvc.h; the rules are in
 * plans.c. */
#include "plansvc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "plankind.h"
#include "reporting_app.h"

/* The members of a document to store: compact JSON of the object without its
 * braces, without the fields the server sets. Caller frees; NULL on OOM. */
static char *stored_members(const char *document)
{
    json_t *doc = json_loads(document, JSON_REJECT_DUPLICATES, NULL);
    json_object_del(doc, "version");
    json_object_del(doc, "created_at");
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    json_decref(doc);
    if (text) { /* "{...}" -> "..." */
        size_t len = strlen(text);
        memmove(text, text + 1, len - 2);
        text[len - 2] = '\0';
    }
    return text;
}

/* ---- plan.put.v1 / plan.get.v1 ---------------------------------------------- */

static void on_version_added(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_INTEGER))
        json_object_set_new(c->doc, "version", json_integer(reply->integer));
    nq_call_release(&c->base);
}

static void on_versions(nq_redis_t *r, redisReply *reply, void *data)
{
    doc_call_t *c = data;
    if (nq_call_reply_ok(&c->base, reply, REDIS_REPLY_ARRAY)) {
        json_t *versions = json_array();
        for (size_t i = 0; i < reply->elements; i++) {
            json_t *v = json_loads(reply->element[i]->str, 0, NULL);
            if (v)
                json_array_append_new(versions, v);
        }
        json_object_set_new(c->doc, "versions", versions);
    }
    nq_call_release(&c->base);
}

void plansvc_on_plan(nq_zsock_t *sock, const nq_bus_envelope_t *env, const ProtobufCMessage *msg,
                     void *app)
{
    const Nq__PlanRequest *req = (const Nq__PlanRequest *)msg;
    doc_call_t *c = doc_call_new(sizeof(*c), app, env, req->correlation_id, doc_call_answer);
    if (!c)
        return;
    bool put = env->msg == NQ_MSG(PLAN_PUT);
    int k = plan_kind_find(req->kind);
    nq_field_errors_t *errs = &c->base.errs;
    if (!nq_valid_id(req->team_id))
        nq_field_errors_add(errs, "team_id", NQ_ID_RULE);
    if (k < 0)
        nq_field_errors_add(errs, "kind", "must be scorecard or commission");
    plan_t plan;
    if (put && k >= 0 && (!req->document || strlen(req->document) > PLAN_DOC_MAX))
        nq_field_errors_add(errs, "(body)", "a plan document of at most 64 KiB is required");
    else if (put && k >= 0)
        plan_from_text((plan_kind_t)k, req->document, &plan, errs);
    answer_fail_invalid(&c->base, "plan");
    char key[REPORTING_KEY_MAX];
    if (c->base.status == NQ__STATUS__STATUS_OK &&
        nq_key_plans(key, sizeof(key), req->team_id, plan_kind_name(k)) >= 0) {
        nq_redis_t *redis = c->app->svc->redis;
        c->doc = json_pack("{s:s, s:s}", "team_id", req->team_id, "kind", plan_kind_name(k));
        if (put) {
            int64_t from = k == PLAN_SCORECARD ? plan.scorecard.effective_from
                                               : plan.commission.effective_from;
            char *members = stored_members(req->document);
            nq_call_issued(&c->base, members ? nq_script_callf(
                                                   redis, NQ_SCRIPT(PLAN_ADD_VERSION),
                                                   on_version_added, c, 1, "%s %lld %s %lld", key,
                                                   (long long)from, members, (long long)nq_now_ms())
                                             : -1);
            free(members);
        } else {
            nq_call_issued(&c->base,
                           nq_redis_command(redis, on_versions, c, "ZRANGE %s 0 -1", key));
        }
    }
    nq_call_release(&c->base);
}
