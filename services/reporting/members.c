/* members.c — see members.h. */
#include "members.h"

#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"

int member_ids_from_json(const char *text, member_ids_t *m)
{
    memset(m, 0, sizeof(*m));
    json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(arr) || !(m->ids = calloc(json_array_size(arr) + 1, sizeof(*m->ids)))) {
        json_decref(arr);
        return -1;
    }
    m->json = arr;
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        if (nq_valid_id(json_string_value(v)))
            m->ids[m->n++] = json_string_value(v);
    }
    return 0;
}

int member_ids_from_reply(const redisReply *reply, member_ids_t *m)
{
    memset(m, 0, sizeof(*m));
    if (!reply || reply->type != REDIS_REPLY_ARRAY ||
        !(m->ids = calloc(reply->elements + 1, sizeof(*m->ids))))
        return -1;
    for (size_t i = 0; i < reply->elements; i++) {
        if (reply->element[i]->type == REDIS_REPLY_STRING)
            m->ids[m->n++] = reply->element[i]->str;
    }
    return 0;
}

void member_ids_free(member_ids_t *m)
{
    free(m->ids);
    json_decref(m->json);
    memset(m, 0, sizeof(*m));
}
