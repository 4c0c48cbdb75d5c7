/* services/ingest/hold.h — holding batches while scoring is behind (pure).
 *
 * When more than `max` accepted events wait to be scored, ingest lets new
 * batches wait (in arrival order) before they are appended, so that scorers
 * get Redis time to catch up and the backlog, hence the staleness of every
 * KPI, stays bounded instead of growing for as long as feeds send faster
 * than scorers score. A batch waits at most `wait_max_ms`: if scorers are
 * gone, feeds slow down but are still stored. Clients only see a slower
 * answer; the gateway's request deadline still applies.
 *
 *   hold_t h;
 *   hold_init(&h, cfg->scoring_backlog_max, cfg->ingest_hold_max_ms);
 *   hold_backlog(&h, res->backlog);                 // after each append (or a poll)
 *   if (hold_needed(&h)) hold_push(&h, job, now);   // else send it
 *   while ((job = hold_pop_due(&h, now))) send(job);   // on a timer
 */
#ifndef NQ_INGEST_HOLD_H
#define NQ_INGEST_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hold_item {
    void *job;              /* the caller's batch */
    int64_t since_ms;       /* when it started waiting */
    struct hold_item *next; /* the one that came after it */
} hold_item_t;

typedef struct hold {
    hold_item_t *head, *tail; /* waiting batches, oldest first */
    size_t n;                 /* how many */
    int64_t backlog;          /* events accepted but not yet scored, last seen */
    int64_t max;              /* backlog above which batches wait; 0: never */
    int64_t wait_max_ms;      /* longest a batch waits */
} hold_t;

void hold_init(hold_t *h, int64_t max, int64_t wait_max_ms);

/* Record the backlog as last read from Redis. */
void hold_backlog(hold_t *h, int64_t backlog);

/* Whether a new batch must wait: scoring is too far behind, or others are
 * already waiting (they go first). */
bool hold_needed(const hold_t *h);

/* Queue a batch. Returns 0, or -1 when out of memory. */
int hold_push(hold_t *h, void *job, int64_t now_ms);

/* The oldest waiting batch if it may go now (the backlog is back within
 * max, or it waited wait_max_ms), removed from the queue; else NULL. */
void *hold_pop_due(hold_t *h, int64_t now_ms);

/* The oldest waiting batch whatever the backlog (to drain on stop), or NULL. */
void *hold_pop(hold_t *h);

#endif
