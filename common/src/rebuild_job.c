/* rebuild_job.c — the rebuild job's record and moves. See nq/rebuild_job.h. */
#include "nq/rebuild_job.h"

#include <stdlib.h>
#include <string.h>

static const char *const state_names[NQ_REBUILD_STATE_COUNT] = {
    [NQ_REBUILD_NONE] = "none",         [NQ_REBUILD_REQUESTED] = "requested",
    [NQ_REBUILD_SCANNING] = "scanning", [NQ_REBUILD_PAUSING] = "pausing",
    [NQ_REBUILD_SWAPPING] = "swapping", [NQ_REBUILD_DONE] = "done",
    [NQ_REBUILD_FAILED] = "failed",
};

/* Every move: an event, the state it happens in, the state it leads to. */
static const struct {
    nq_rebuild_event_t ev;
    nq_rebuild_state_t from, to;
} moves[] = {
    {NQ_REBUILD_REQUEST, NQ_REBUILD_NONE, NQ_REBUILD_REQUESTED},
    {NQ_REBUILD_REQUEST, NQ_REBUILD_DONE, NQ_REBUILD_REQUESTED},
    {NQ_REBUILD_REQUEST, NQ_REBUILD_FAILED, NQ_REBUILD_REQUESTED},
    {NQ_REBUILD_CLAIM, NQ_REBUILD_REQUESTED, NQ_REBUILD_SCANNING},
    {NQ_REBUILD_TAKE_OVER, NQ_REBUILD_SCANNING, NQ_REBUILD_SCANNING},
    {NQ_REBUILD_TAKE_OVER, NQ_REBUILD_PAUSING, NQ_REBUILD_SCANNING},
    {NQ_REBUILD_TAKE_OVER, NQ_REBUILD_SWAPPING, NQ_REBUILD_SCANNING},
    {NQ_REBUILD_PAUSE, NQ_REBUILD_SCANNING, NQ_REBUILD_PAUSING},
    {NQ_REBUILD_SCAN, NQ_REBUILD_PAUSING, NQ_REBUILD_SCANNING},
    {NQ_REBUILD_SWAP, NQ_REBUILD_PAUSING, NQ_REBUILD_SWAPPING},
    {NQ_REBUILD_FINISH, NQ_REBUILD_SWAPPING, NQ_REBUILD_DONE},
    {NQ_REBUILD_FAIL, NQ_REBUILD_SCANNING, NQ_REBUILD_FAILED},
    {NQ_REBUILD_FAIL, NQ_REBUILD_PAUSING, NQ_REBUILD_FAILED},
    {NQ_REBUILD_FAIL, NQ_REBUILD_SWAPPING, NQ_REBUILD_FAILED},
};
#define N_MOVES (sizeof(moves) / sizeof(moves[0]))

typedef enum { F_STATE, F_INT, F_TEXT } field_kind_t;

/* The hash's fields: name, kind, where in the record. */
static const struct {
    const char *name;
    field_kind_t kind;
    size_t offset;
} fields[] = {
    {NQ_REBUILD_F_STATE, F_STATE, offsetof(nq_rebuild_job_t, state)},
    {NQ_REBUILD_F_FROM, F_INT, offsetof(nq_rebuild_job_t, from)},
    {NQ_REBUILD_F_OWNER, F_TEXT, offsetof(nq_rebuild_job_t, owner)},
    {NQ_REBUILD_F_ATTEMPT, F_INT, offsetof(nq_rebuild_job_t, attempt)},
    {NQ_REBUILD_F_ATTEMPTS, F_INT, offsetof(nq_rebuild_job_t, attempts)},
    {NQ_REBUILD_F_LEASE_UNTIL, F_INT, offsetof(nq_rebuild_job_t, lease_until)},
    {NQ_REBUILD_F_SCANNED, F_INT, offsetof(nq_rebuild_job_t, scanned)},
    {NQ_REBUILD_F_REQUESTED_AT, F_INT, offsetof(nq_rebuild_job_t, requested_at)},
    {NQ_REBUILD_F_STARTED_AT, F_INT, offsetof(nq_rebuild_job_t, started_at)},
    {NQ_REBUILD_F_FINISHED_AT, F_INT, offsetof(nq_rebuild_job_t, finished_at)},
    {NQ_REBUILD_F_ERROR, F_TEXT, offsetof(nq_rebuild_job_t, error)},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(N_FIELDS == sizeof(((nq_rebuild_job_t *)0)->has) / sizeof(bool),
               "one has[] flag per field");

void nq_rebuild_job_init(nq_rebuild_job_t *job)
{
    memset(job, 0, sizeof(*job));
    job->state = NQ_REBUILD_NONE;
}

static int field_find(const char *name)
{
    for (size_t i = 0; i < N_FIELDS; i++) {
        if (strcmp(fields[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

void nq_rebuild_job_set(nq_rebuild_job_t *job, const char *field, const char *value)
{
    int f = field && value ? field_find(field) : -1;
    if (f < 0)
        return;
    char *at = (char *)job + fields[f].offset;
    switch (fields[f].kind) {
    case F_STATE:
        if (nq_rebuild_state_parse(value, (nq_rebuild_state_t *)(void *)at) != 0)
            return;
        break;
    case F_INT:
        *(int64_t *)(void *)at = strtoll(value, NULL, 10);
        break;
    case F_TEXT:
        strncpy(at, value, NQ_REBUILD_TEXT_MAX - 1);
        at[NQ_REBUILD_TEXT_MAX - 1] = '\0';
        break;
    }
    job->has[f] = true;
}

bool nq_rebuild_job_has(const nq_rebuild_job_t *job, const char *field)
{
    int f = field_find(field);
    return f >= 0 && job->has[f];
}

const char *nq_rebuild_state_name(nq_rebuild_state_t s)
{
    return (unsigned)s < NQ_REBUILD_STATE_COUNT ? state_names[s] : "none";
}

const char *nq_rebuild_state_stored(nq_rebuild_state_t s)
{
    return s == NQ_REBUILD_NONE ? "" : nq_rebuild_state_name(s);
}

int nq_rebuild_state_parse(const char *name, nq_rebuild_state_t *out)
{
    if (!name || !*name) {
        *out = NQ_REBUILD_NONE;
        return 0;
    }
    for (int s = 0; s < NQ_REBUILD_STATE_COUNT; s++) {
        if (strcmp(state_names[s], name) == 0) {
            *out = (nq_rebuild_state_t)s;
            return 0;
        }
    }
    return -1;
}

bool nq_rebuild_running(nq_rebuild_state_t s)
{
    return nq_rebuild_next(s, NQ_REBUILD_REQUEST) < 0;
}

int nq_rebuild_next(nq_rebuild_state_t from, nq_rebuild_event_t ev)
{
    for (size_t i = 0; i < N_MOVES; i++) {
        if (moves[i].ev == ev && moves[i].from == from)
            return (int)moves[i].to;
    }
    return -1;
}

size_t nq_rebuild_sources(nq_rebuild_event_t ev, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < N_MOVES && n < max; i++) {
        if (moves[i].ev == ev)
            names[n++] = nq_rebuild_state_stored(moves[i].from);
    }
    return n;
}
