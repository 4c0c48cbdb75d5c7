/* tools/bench_read_sample.c — the read path's sample answer. See bench_read_sample.h. */
#include "bench_read_sample.h"

#include "nq/httpc.h"

void bench_read_sample_take(bench_read_sample_t *sm, const bench_opts_t *o)
{
    nq_httpc_response_t r = {0};
    nq_httpc_t *h = nq_httpc_new(o->url);
    if (!h || bench_path_expand(o->path, sm->path, sizeof(sm->path), 1, o->team) < 0) {
        nq_httpc_destroy(&h);
        return;
    }
    nq_httpc_set_timeout(h, (int)o->timeout_ms);
    sm->taken = true;
    sm->arrays = json_object();
    if (nq_httpc_request(h, "GET", sm->path, NULL, NULL, 0, NULL, &r) == 0) {
        json_t *root = json_loadb(r.body, r.len, 0, NULL), *v;
        const char *key;
        sm->status = r.status;
        sm->bytes = r.len;
        json_object_foreach (root, key, v) {
            if (json_is_array(v))
                json_object_set_new(sm->arrays, key, json_integer((json_int_t)json_array_size(v)));
        }
        json_decref(root);
    }
    nq_httpc_response_free(&r);
    nq_httpc_destroy(&h);
}

void bench_read_sample_free(bench_read_sample_t *sm)
{
    json_decref(sm->arrays);
    sm->arrays = NULL;
}
