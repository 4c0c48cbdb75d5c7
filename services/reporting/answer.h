/* services/reporting/answer.h — the replies the reporting handlers share:
 * a leaderboard (boardsvc.c, scoreboardsvc.c), a JSON document
 * (DocumentReply: plansvc.c, scoresvc.c, splitsvc.c) and the call that
 * carries one, and the busy check. Each sends on the app's ROUTER unless it
 * is closed by now (stopping), and sends the call's failure instead when it
 * failed.
 *
 *   doc_call_t *c = doc_call_new(sizeof(*c), app, env, req->correlation_id, doc_call_answer);
 *   c->doc = json_pack(...);             // the answer, sent by doc_call_answer
 *   nq_call_release(&c->base);
 */
#ifndef NQ_REPORTING_ANSWER_H
#define NQ_REPORTING_ANSWER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "leaderboard.h"
#include "nq/call.h"
#include "nq/period.h"
#include "reporting_app.h"

/* Whether more than REPORTING_MAX_INFLIGHT requests wait for Redis; then the
 * call is failed UNAVAILABLE. */
bool answer_busy(reporting_t *app, nq_call_t *c);

/* Fail the call INVALID when it has field errors, naming the first:
 * "invalid <what>: <field> <reason>". */
void answer_fail_invalid(nq_call_t *c, const char *what);

/* What a board by attainment or pace says beside its entries. */
typedef struct board_basis {
    board_by_t by;           /* attainment or pace */
    double workdays_total;   /* the period's working days */
    double workdays_elapsed; /* of them elapsed when it was computed */
} board_basis_t;

/* Rank a board (entries with their values set) and send it as the
 * Leaderboard reply of call `base` (or its failure). The entries are sorted
 * in place, best first in direction `dir` (board_rank). `basis` is NULL for
 * a board by value or by score. */
void answer_board(reporting_t *app, nq_call_t *base, board_entry_t *entries, size_t n,
                  const nq_period_t *period, const char *metric, const board_basis_t *basis,
                  nq_direction_t dir);

/* Send `doc` (JSON, borrowed) as the DocumentReply of call `base`, or the
 * call's failure. */
void answer_document(reporting_t *app, nq_call_t *base, const json_t *doc);

/* A call answered with a JSON document. */
typedef struct doc_call {
    nq_call_t base;   /* must be first */
    reporting_t *app; /* the service */
    json_t *doc;      /* the answer, when OK */
} doc_call_t;

/* Allocate a call of `size` bytes starting with doc_call_t, counted as in
 * flight (failed UNAVAILABLE when too many are); NULL (logged) when out of
 * memory. */
void *doc_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                   const char *correlation_id, nq_call_answer_fn answer);

/* The answer of a doc_call_t: send c->doc (or the failure) and free the call. */
void doc_call_answer(nq_call_t *base);

#endif
