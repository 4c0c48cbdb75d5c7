/* hold.c — batches waiting for scorers to catch up. See hold.h. */
#include "hold.h"

#include <stdlib.h>

void hold_init(hold_t *h, int64_t max, int64_t wait_max_ms)
{
    *h = (hold_t){.max = max, .wait_max_ms = wait_max_ms};
}

void hold_backlog(hold_t *h, int64_t backlog)
{
    h->backlog = backlog;
}

static bool behind(const hold_t *h)
{
    return h->max > 0 && h->backlog > h->max;
}

bool hold_needed(const hold_t *h)
{
    return h->n > 0 || behind(h);
}

int hold_push(hold_t *h, void *job, int64_t now_ms)
{
    hold_item_t *it = malloc(sizeof(*it));
    if (!it)
        return -1;
    *it = (hold_item_t){job, now_ms, NULL};
    if (h->tail)
        h->tail->next = it;
    else
        h->head = it;
    h->tail = it;
    h->n++;
    return 0;
}

void *hold_pop(hold_t *h)
{
    hold_item_t *it = h->head;
    if (!it)
        return NULL;
    h->head = it->next;
    if (!h->head)
        h->tail = NULL;
    h->n--;
    void *job = it->job;
    free(it);
    return job;
}

void *hold_pop_due(hold_t *h, int64_t now_ms)
{
    if (!h->head || (behind(h) && now_ms - h->head->since_ms < h->wait_max_ms))
        return NULL;
    return hold_pop(h);
}
