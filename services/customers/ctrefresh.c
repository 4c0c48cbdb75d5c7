/* ctrefresh.c — follow-ups moved by contacts, refreshed in rounds. See ctrefresh.h. */
#include "ctrefresh.h"

#include <stdio.h>
#include <stdlib.h>

#include "followup.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"
#include "orgix.h"

size_t ctrefresh_args(nq_redis_args_t *a, const char *const *ids, size_t n, int64_t now,
                      int64_t zone_offset)
{
    const orgix_list_t *l = &orgix_lists[ORG_CUSTOMER];
    char key[160];
    nq_redis_args_adds(a, NQ_KEY_FOLLOWUP_DIRTY);
    nq_redis_args_adds(a, NQ_KEY_FOLLOWUP_LAST);
    nq_redis_args_adds(a, NQ_KEY_FOLLOWUP_DUE);
    nq_key_index(key, sizeof(key), l->name, "overdue", "followup");
    nq_redis_args_adds(a, key);
    for (size_t i = 0; i < l->n_sorts; i++) {
        orgix_sort_key(key, sizeof(key), l, i);
        nq_redis_args_adds(a, key);
    }
    orgix_sort_owner_key(key, sizeof(key), l);
    nq_redis_args_adds(a, key);
    for (size_t i = 0; i < n; i++) {
        nq_key_customer(key, sizeof(key), ids[i]);
        nq_redis_args_adds(a, key);
    }
    nq_redis_args_addf(a, "%lld", (long long)now);
    nq_redis_args_addf(a, "%lld", (long long)zone_offset);
    for (size_t i = 0; i < n; i++)
        nq_redis_args_adds(a, ids[i]);
    return 4 + ORGIX_SORT_KEYS(l) + n;
}

static void on_refreshed(nq_redis_t *r, redisReply *reply, void *data)
{
    ctrefresh_t *c = data;
    bool full = false;
    c->busy = false;
    if (reply && reply->type == REDIS_REPLY_INTEGER) {
        c->refreshed += (uint64_t)reply->integer;
        full = reply->integer >= CTREFRESH_BATCH;
    } else if (reply && reply->type == REDIS_REPLY_ERROR) {
        nq_log_warn("followup_refresh_failed", "%s", reply->str);
    }
    if (full && !c->stopping)
        ctrefresh_run(c); /* more are marked: go on at once */
}

/* The oldest marks: their customers refreshed and unmarked in one call (an
 * id no key can be made of is only unmarked). */
static void on_marked(nq_redis_t *r, redisReply *reply, void *data)
{
    ctrefresh_t *c = data;
    size_t n = 0;
    const char **ids = NULL;
    if (c->stopping || !reply || reply->type != REDIS_REPLY_ARRAY || reply->elements == 0 ||
        !(ids = calloc(reply->elements, sizeof(*ids)))) {
        c->busy = false;
        return;
    }
    for (size_t i = 0; i < reply->elements; i++) {
        const redisReply *e = reply->element[i];
        if (e->type != REDIS_REPLY_STRING)
            continue;
        if (nq_valid_id(e->str))
            ids[n++] = e->str;
        else
            nq_redis_command(c->redis, NULL, NULL, "ZREM %s %b", NQ_KEY_FOLLOWUP_DIRTY, e->str,
                             e->len);
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    size_t nkeys = ctrefresh_args(&a, ids, n, nq_now_ms(), followup_zone_offset());
    if (n == 0 || a.failed ||
        nq_script_call_args(c->redis, NQ_SCRIPT(CONTACT_REFRESH), on_refreshed, c, nkeys, &a) != 0)
        c->busy = false;
    nq_redis_args_free(&a);
    free(ids);
}

void ctrefresh_run(ctrefresh_t *c)
{
    if (c->busy || c->stopping)
        return;
    if (nq_redis_command(c->redis, on_marked, c, "ZRANGE %s 0 %d", NQ_KEY_FOLLOWUP_DIRTY,
                         CTREFRESH_BATCH - 1) == 0)
        c->busy = true;
}

static void on_timer(uv_timer_t *t)
{
    ctrefresh_run(t->data);
}

int ctrefresh_start(ctrefresh_t *c, uv_loop_t *loop, nq_redis_t *redis)
{
    *c = (ctrefresh_t){.redis = redis};
    int rc = uv_timer_init(loop, &c->timer);
    if (rc != 0)
        return rc;
    c->timer.data = c;
    return uv_timer_start(&c->timer, on_timer, CTREFRESH_MS, CTREFRESH_MS);
}

void ctrefresh_stop(ctrefresh_t *c)
{
    if (c->stopping)
        return;
    c->stopping = true;
    uv_close((uv_handle_t *)&c->timer, NULL);
}
