/* nq/rebuild_job.h — the rebuild job: its record, its states and the moves
 * between them. Pure.
 *
 * One job at a time, kept in the hash nq:rebuild:job (nq/keys.h). Ingest
 * requests it (rebuild.start.v1, services/ingest/rebuild_admin.h), a scorer
 * claims and runs it (services/scoring/rebuild.h), rebuild.status.v1 reads
 * it. Every move is made in Redis by a script (common/lua/rebuild_*.lua)
 * that is given, from the table below, the states it may start from:
 *
 *   none, done, failed --request--> requested --claim--> scanning
 *   scanning --pause--> pausing --swap--> swapping --finish--> done
 *   pausing --scan--> scanning          (the scorers moved on meanwhile)
 *   scanning, pausing, swapping --fail--> failed
 *   scanning, pausing, swapping --take over--> scanning   (the lease ran out:
 *                                                         a new attempt)
 *
 *   nq_rebuild_job_t job;
 *   nq_rebuild_job_init(&job);
 *   for (each field, value of HGETALL) nq_rebuild_job_set(&job, field, value);
 *   if (nq_rebuild_running(job.state)) ...;
 */
#ifndef NQ_REBUILD_JOB_H
#define NQ_REBUILD_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    NQ_REBUILD_NONE,      /* no job was ever requested (no hash) */
    NQ_REBUILD_REQUESTED, /* waiting for a scorer to claim it */
    NQ_REBUILD_SCANNING,  /* applying the log to shadow keys */
    NQ_REBUILD_PAUSING,   /* deliveries paused, catching up */
    NQ_REBUILD_SWAPPING,  /* shadows replacing the live aggregates */
    NQ_REBUILD_DONE,      /* finished */
    NQ_REBUILD_FAILED,    /* gave up, with an error */
    NQ_REBUILD_STATE_COUNT
} nq_rebuild_state_t;

typedef enum {
    NQ_REBUILD_REQUEST,   /* ingest asks for a new job */
    NQ_REBUILD_CLAIM,     /* a scorer takes a requested job */
    NQ_REBUILD_TAKE_OVER, /* a scorer takes a running job whose lease ran out */
    NQ_REBUILD_PAUSE,     /* the scan reached the scorers' delivery point */
    NQ_REBUILD_SCAN,      /* ... which moved on meanwhile: scan on */
    NQ_REBUILD_SWAP,      /* caught up with deliveries paused */
    NQ_REBUILD_FINISH,    /* swapped in */
    NQ_REBUILD_FAIL,      /* stopped with an error */
    NQ_REBUILD_EVENT_COUNT
} nq_rebuild_event_t;

/* The job's hash fields. */
#define NQ_REBUILD_F_STATE        "state"
#define NQ_REBUILD_F_FROM         "from"    /* scope: periods ending after (Unix ms) */
#define NQ_REBUILD_F_OWNER        "owner"   /* the scorer running it ("<service>/<instance>") */
#define NQ_REBUILD_F_ATTEMPT      "attempt" /* the attempt it runs (shadow keys nq:rb:<attempt>:) */
#define NQ_REBUILD_F_ATTEMPTS     "attempts"     /* attempts so far */
#define NQ_REBUILD_F_LEASE_UNTIL  "lease_until"  /* the owner's lease (Unix ms) */
#define NQ_REBUILD_F_SCANNED      "scanned"      /* log entries applied to the shadow */
#define NQ_REBUILD_F_REQUESTED_AT "requested_at" /* Unix ms */
#define NQ_REBUILD_F_STARTED_AT   "started_at"   /* Unix ms, of the attempt */
#define NQ_REBUILD_F_FINISHED_AT  "finished_at"  /* Unix ms */
#define NQ_REBUILD_F_ERROR        "error"        /* why it failed */

#define NQ_REBUILD_TEXT_MAX 256

/* The job as stored. A field not stored is 0 or "". */
typedef struct nq_rebuild_job {
    nq_rebuild_state_t state;         /* where it is */
    int64_t from;                     /* scope */
    int64_t attempt, attempts;        /* the attempt run, attempts so far */
    int64_t lease_until;              /* Unix ms */
    int64_t scanned;                  /* log entries applied */
    int64_t requested_at, started_at; /* Unix ms */
    int64_t finished_at;              /* Unix ms */
    bool has[11];                     /* per field of the table in rebuild_job.c: stored */
    char owner[NQ_REBUILD_TEXT_MAX];  /* the scorer running it */
    char error[NQ_REBUILD_TEXT_MAX];  /* why it failed */
} nq_rebuild_job_t;

void nq_rebuild_job_init(nq_rebuild_job_t *job);

/* Take one stored field (an unknown field or an unreadable state is ignored). */
void nq_rebuild_job_set(nq_rebuild_job_t *job, const char *field, const char *value);

/* Whether `field` (NQ_REBUILD_F_*) was stored. */
bool nq_rebuild_job_has(const nq_rebuild_job_t *job, const char *field);

/* "requested", "scanning", ...; "none" for NQ_REBUILD_NONE. */
const char *nq_rebuild_state_name(nq_rebuild_state_t s);

/* The state's value in the hash: its name, "" for NQ_REBUILD_NONE (no field). */
const char *nq_rebuild_state_stored(nq_rebuild_state_t s);

/* The state named `name` (NULL or "" is NQ_REBUILD_NONE). 0, or -1 when unknown. */
int nq_rebuild_state_parse(const char *name, nq_rebuild_state_t *out);

/* Whether a job in this state is running (a new request is refused). */
bool nq_rebuild_running(nq_rebuild_state_t s);

/* The state `ev` leads to from `from`, or -1 when it cannot happen there. */
int nq_rebuild_next(nq_rebuild_state_t from, nq_rebuild_event_t ev);

/* The stored names (nq_rebuild_state_stored) of the states `ev` can happen
 * in, into names (at most max). Returns how many. */
size_t nq_rebuild_sources(nq_rebuild_event_t ev, const char **names, size_t max);

#endif
