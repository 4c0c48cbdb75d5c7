/* services/reporting/subject.h — whose figures a request asks for: a
 * salesperson, a team or the company (checked from the request), and the
 * call that first finds the subject's people (roster.h) and name, shared by
 * the overview, board and split handlers.
 *
 *   typedef struct my_call { subject_call_t sc; ... } my_call_t;   // sc first
 *   my_call_t *c = subject_call_new(sizeof(*c), app, env, corr, my_answer, my_members);
 *   subject_check(req->has_subject, req->subject, req->id, &c->sc.who, &c->sc.base.errs);
 *   subject_resolve(&c->sc);             // my_members(&c->sc, roster) once read
 *   ...
 *   subject_cleanup(&c->sc);             // in my_answer, then free(c)
 */
#ifndef NQ_REPORTING_SUBJECT_H
#define NQ_REPORTING_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "neiqin.pb-c.h"
#include "nq/call.h"
#include "nq/fielderr.h"
#include "nq/keys.h"
#include "nq/period.h"
#include "reporting_app.h"
#include "roster.h"

/* Whose figures: the subject and its id ("" for the company). */
typedef struct subject_ref {
    nq_subject_t subject;
    char id[NQ_ID_MAX + 1];
} subject_ref_t;

/* Check subject and id into `out`; problems go to errs. */
void subject_check(bool has, Nq__Subject subject, const char *id, subject_ref_t *out,
                   nq_field_errors_t *errs);

/* Check kind and `at` (now when !has_at) into the period containing it;
 * problems go to errs. */
void subject_check_period(const char *kind_name, bool has_at, int64_t at, nq_period_t *out,
                          nq_field_errors_t *errs);

typedef struct subject_call subject_call_t;

/* Called once the subject's roster is read: the team's or the company's
 * (roster.h), or for one salesperson a roster of that one person. */
typedef void (*members_fn)(subject_call_t *c, roster_t *ro);

struct subject_call {
    nq_call_t base;        /* must be first */
    reporting_t *app;      /* the service */
    subject_ref_t who;     /* whose */
    char *name;            /* display name, or NULL */
    roster_t *roster;      /* whose figures */
    bool with_unknown;     /* the company's roster includes ids seen only in events */
    members_fn on_members; /* what to do with them */
};

/* A call of `size` bytes that starts with a subject_call_t, counted as in
 * flight; NULL (logged) when out of memory. */
void *subject_call_new(size_t size, reporting_t *app, const nq_bus_envelope_t *env,
                       const char *correlation_id, nq_call_answer_fn answer, members_fn on_members);

/* Free what the subject_call_t part holds and count the call as answered
 * (the caller frees the call itself). */
void subject_cleanup(subject_call_t *c);

/* Find the subject's salespeople (and name); on_members runs with them. */
void subject_resolve(subject_call_t *c);

/* The team whose roster lists people (NULL for the company). */
const char *subject_listed_team(const subject_call_t *c);

#endif
