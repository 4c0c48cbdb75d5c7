/* artotals.c — a customer's share of the receivables totals. See artotals.h. */
#include "artotals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/ar_reply.h"
#include "nq/ar_totals.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/scripts.h"

typedef struct job {
    nq_redis_t *redis;
    char id[NQ_ID_MAX + 1];
    size_t n_facts;      /* facts read (the guard) */
    nq_ar_cell_t *cells; /* what the contribution should be */
    size_t n_cells;
    artotals_done_fn done;
    void *data;
} job_t;

static void finish(job_t *j, int rc)
{
    j->done(j->data, rc);
    free(j->cells);
    free(j);
}

static void on_set(nq_redis_t *r, redisReply *reply, void *data)
{
    job_t *j = data;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("ar_totals_failed", "customer %s: %s", j->id, reply->str);
    finish(j, reply && reply->type == REDIS_REPLY_INTEGER ? (int)reply->integer : -1);
}

/* The salespeople of the difference, each once (their place is the index + 1). */
static size_t salespeople(const nq_ar_cell_t *d, size_t n, char (*sps)[NQ_ID_MAX + 1], size_t *at)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char kind, sp[NQ_ID_MAX + 1];
        const char *day;
        nq_ar_cell_parts(d[i].field, &kind, sp, &day); /* cells we made: well formed */
        size_t s = 0;
        while (s < k && strcmp(sps[s], sp) != 0)
            s++;
        if (s == k)
            memcpy(sps[k++], sp, sizeof(sp));
        at[i] = s + 1;
    }
    return k;
}

static int send_diff(job_t *j, const char *version, const nq_ar_cell_t *d, size_t n)
{
    char(*sps)[NQ_ID_MAX + 1] = calloc(n + 1, sizeof(*sps));
    size_t *at = calloc(n + 1, sizeof(*at));
    int rc = -1;
    if (sps && at) {
        size_t k = salespeople(d, n, sps, at);
        static const char *const parts[] = {"due", "invoiced", "credit"};
        nq_script_call_t *c = nq_script_call_new(NQ_SCRIPT(AR_TOTALS_SET), 2 + 3 * k, 2 + 3 * n);
        char key[160];
        if (c) {
            nq_key_customer_ar(key, sizeof(key), j->id);
            nq_script_call_adds(c, key);
            nq_key_customer_ar_sum(key, sizeof(key), j->id);
            nq_script_call_adds(c, key);
            for (size_t s = 0; s < k; s++)
                for (int p = 0; p < 3; p++) {
                    nq_key_sp_ar_totals(key, sizeof(key), sps[s], parts[p]);
                    nq_script_call_adds(c, key);
                }
            nq_script_call_addll(c, (long long)j->n_facts);
            nq_script_call_adds(c, version);
            for (size_t i = 0; i < n; i++) {
                nq_script_call_adds(c, d[i].field);
                nq_script_call_addll(c, (long long)at[i]);
                nq_script_call_addll(c, (long long)d[i].fen);
            }
            rc = nq_script_call_send(j->redis, &c, on_set, j);
        }
    }
    free(sps);
    free(at);
    return rc;
}

/* The contribution as it is: send the difference. */
static void on_sum(nq_redis_t *r, redisReply *reply, void *data)
{
    job_t *j = data;
    const char **f = NULL;
    const char *version = "";
    nq_ar_cell_t *d = NULL;
    size_t n = 0;
    int rc = -1;
    if ((f = nq_reply_strings(reply))) {
        for (size_t i = 0; i + 1 < reply->elements; i += 2)
            if (strcmp(f[i], "_v") == 0)
                version = f[i + 1];
        if (nq_ar_cells_diff(f, reply->elements, j->cells, j->n_cells, &d, &n) == 0)
            rc = send_diff(j, version, d, n);
    }
    free(f);
    free(d);
    if (rc != 0)
        finish(j, -1);
}

static void on_shared(nq_redis_t *r, redisReply *reply, void *data)
{
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("ar_shared_failed", "%s", reply->str);
}

/* A customer with facts of several salespeople joins each one's shared set
 * (once: the salespeople only grow), before the look's script, so a fill's
 * "ready" follows it. 0, or -1 not sent. */
static int mark_shared(nq_redis_t *r, const char *id, const nq_ar_t *ar)
{
    const char **sps = calloc(ar->n_inv + ar->n_pay + 1, sizeof(*sps));
    size_t k = sps ? nq_ar_salespeople(ar, sps) : 0;
    int rc = sps ? 0 : -1;
    for (size_t i = 0; k > 1 && rc == 0 && i < k; i++) {
        char key[160];
        nq_key_sp_ar_totals(key, sizeof(key), sps[i], "shared");
        rc = nq_redis_command(r, on_shared, NULL, "SADD %s %s", key, id);
    }
    free(sps);
    return rc;
}

int artotals_write(nq_redis_t *r, const char *id, const nq_ar_t *ar, int64_t at, size_t n_facts,
                   artotals_done_fn done, void *data)
{
    job_t *j = calloc(1, sizeof(*j));
    char key[160];
    if (!j)
        return -1;
    if (nq_ar_cells(ar, at, &j->cells, &j->n_cells) != 0 ||
        nq_key_customer_ar_sum(key, sizeof(key), id) < 0 || mark_shared(r, id, ar) != 0) {
        free(j->cells);
        free(j);
        return -1;
    }
    *j = (job_t){r, "", n_facts, j->cells, j->n_cells, done, data};
    snprintf(j->id, sizeof(j->id), "%s", id);
    if (nq_redis_command(r, on_sum, j, "HGETALL %s", key) != 0) {
        free(j->cells);
        free(j);
        return -1;
    }
    return 0;
}
