/* timermerge.c — one cycle's timer changes folded per timer. See timermerge.h. */
#include "timermerge.h"

#include <stdlib.h>
#include <string.h>

static const timer_change_t *sort_base; /* qsort has no context argument in C11 */

/* By timer (rule, subject), then by position: each timer's changes in order. */
static int by_timer(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const timer_plan_t *p = &sort_base[i].plan, *q = &sort_base[j].plan;
    int d = strcmp(p->rule, q->rule);
    if (d == 0)
        d = strcmp(p->subject, q->subject);
    return d != 0 ? d : (i > j) - (i < j);
}

/* Fold set `from` into the earlier set `into` of the same timer. */
static void fold(timer_change_t *into, const timer_change_t *from)
{
    timer_plan_t *p = &into->plan;
    const timer_plan_t *q = &from->plan;
    if (q->due > p->due)
        p->due = q->due;
    if (q->resolves && (!p->resolves || q->at > p->at))
        p->at = q->at;
    p->resolves = p->resolves || q->resolves;
    into->ev = from->ev; /* the last event's data is what stays */
}

long timer_changes_merge(timer_change_t *c, size_t n)
{
    if (n < 2)
        return (long)n;
    size_t *order = malloc(n * sizeof(*order));
    bool *gone = calloc(n, sizeof(*gone));
    if (!order || !gone) {
        free(order);
        free(gone);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    sort_base = c;
    qsort(order, n, sizeof(*order), by_timer);
    size_t into = order[0];
    for (size_t k = 1; k < n; k++) {
        size_t i = order[k];
        bool same = strcmp(c[i].plan.rule, c[into].plan.rule) == 0 &&
                    strcmp(c[i].plan.subject, c[into].plan.subject) == 0;
        if (same && c[i].plan.op == TIMER_SET && c[into].plan.op == TIMER_SET) {
            fold(&c[into], &c[i]);
            gone[i] = true;
        } else {
            into = i;
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!gone[i])
            c[kept++] = c[i];
    }
    free(order);
    free(gone);
    return (long)kept;
}
