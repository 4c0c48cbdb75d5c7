/* overviewsvc.c — KPI overviews on the bus. See overviewsvc.h; the figures
 * are computed in overview.c. */
#include "overviewsvc.h"

#include <stdlib.h>

#include "answer.h"
#include "nq/call.h"
#include "nq/keys.h"
#include "nq/kpi.h"
#include "nq/kpi_fetch.h"
#include "nq/kpi_pb.h"
#include "nq/period.h"
#include "nq/reply.h"
#include "overview.h"
#include "reporting_app.h"
#include "roster.h"
#include "subject.h"

/* The figures read: the three periods, and the company's unassigned part
 * of the current one. */
enum { CUR, PREV, LAST_YEAR, N_PERIODS, UNASSIGNED = N_PERIODS, N_SLOTS };

struct overview_call;

/* One member's counters for one slot. */
typedef struct member_read {
    struct overview_call *call; /* owner */
    int which;                  /* a slot: CUR, PREV, LAST_YEAR or UNASSIGNED */
} member_read_t;

typedef struct overview_call {
    subject_call_t sc;              /* must be first */
    nq_period_t periods[N_PERIODS]; /* the period, the one before, last year's */
    int64_t at;                     /* the reference instant: whom the member count lists */
    overview_input_t in;            /* summed counters and targets */
    nq_target_reads_t targets;      /* the target hashes of the period */
    nq_kpi_values_t unassigned;     /* company: the current period's figures without a team */
    int members;                    /* salespeople listed (roster.h) */
    int unassigned_people;          /* company: salespeople with figures in `unassigned` */
    member_read_t *reads;           /* N_SLOTS per member */
} overview_call_t;

static nq_kpi_values_t *slot_of(overview_call_t *c, int which)
{
    nq_kpi_values_t *slots[N_SLOTS] = {&c->in.current, &c->in.previous, &c->in.last_year,
                                       &c->unassigned};
    return slots[which];
}

static void overview_answer(nq_call_t *base)
{
    overview_call_t *c = (overview_call_t *)base;
    reporting_t *app = c->sc.app;
    if (app->sock) {
        bool ok = base->status == NQ__STATUS__STATUS_OK;
        nq_reply_header_t h;
        nq_reply_header_init(&h, base->correlation_id, base->status, ok ? NULL : base->detail,
                             &base->errs);
        Nq__Overview reply = NQ__OVERVIEW__INIT;
        Nq__PeriodRef period = NQ__PERIOD_REF__INIT;
        Nq__KpiValues unassigned = NQ__KPI_VALUES__INIT;
        overview_rows_t rows;
        reply.header = &h.pb;
        if (ok) {
            const nq_period_t *p = &c->periods[CUR];
            nq_workdays(&app->cal, p, nq_now_ms(), &c->in.workdays_total, &c->in.workdays_elapsed);
            overview_compute(&c->in, &rows);
            nq_period_to_proto(p, &period);
            reply.period = &period;
            reply.rows = rows.ptrs;
            reply.n_rows = NQ_METRIC_COUNT;
            reply.has_workdays_total = reply.has_workdays_elapsed = reply.has_members = 1;
            reply.workdays_total = c->in.workdays_total;
            reply.workdays_elapsed = c->in.workdays_elapsed;
            reply.members = c->members;
            reply.name = c->sc.name;
            if (c->sc.who.subject == NQ_SUBJECT_COMPANY) {
                nq_kpi_to_proto(&c->unassigned, &unassigned);
                reply.unassigned = &unassigned;
                reply.has_unassigned_salespeople = 1;
                reply.unassigned_salespeople = c->unassigned_people;
            }
        }
        nq_zsock_reply(app->sock, &base->env, base->env.type, &reply.base);
    }
    subject_cleanup(&c->sc);
    free(c->reads);
    free(c);
}

static void on_member_kpis(int status, const nq_kpi_values_t *values, void *data)
{
    member_read_t *rd = data;
    if (status != 0)
        nq_call_fail(&rd->call->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        nq_kpi_add(slot_of(rd->call, rd->which), values);
    nq_call_release(&rd->call->sc.base);
}

/* Read p's figures of [period] that go to `team` ("": the unassigned part)
 * into slot `which`: one whole-period read in the common case, the days of
 * their spans otherwise, nothing when none. Returns whether any. */
static bool read_share(overview_call_t *c, const roster_person_t *p, const char *team,
                       const nq_period_t *period, int which, member_read_t *rd, nq_span_t *spans)
{
    *rd = (member_read_t){c, which};
    int rc = roster_fetch_share(c->sc.app->svc->redis, p, team, period, spans, on_member_kpis, rd);
    if (rc != 0)
        nq_call_issued(&c->sc.base, rc > 0 ? 0 : -1);
    return rc != 0;
}

/* Read the figures of every member (each read releases the call): a
 * salesperson's own; a team's over the days each member was in it; the
 * company's everyone's, and the current period's days without a team apart. */
static void read_members(subject_call_t *sc, roster_t *ro)
{
    overview_call_t *c = (overview_call_t *)sc;
    nq_redis_t *redis = sc->app->svc->redis;
    c->reads = calloc(ro->n * N_SLOTS + 1, sizeof(*c->reads));
    if (!c->reads) {
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
        return;
    }
    for (size_t i = 0; i < ro->n && sc->base.status == NQ__STATUS__STATUS_OK; i++) {
        const roster_person_t *p = &ro->people[i];
        member_read_t *rd = &c->reads[i * N_SLOTS];
        nq_span_t *spans = malloc((p->teams.n + 1) * sizeof(*spans));
        if (!spans) {
            nq_call_fail(&sc->base, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            break;
        }
        bool salesperson = sc->who.subject == NQ_SUBJECT_SALESPERSON;
        c->members += salesperson || roster_listed(p, subject_listed_team(sc), c->at);
        for (int w = 0; w < N_PERIODS; w++) {
            rd[w] = (member_read_t){c, w};
            if (sc->who.subject == NQ_SUBJECT_TEAM)
                read_share(c, p, sc->who.id, &c->periods[w], w, &rd[w], spans);
            else
                nq_call_issued(&sc->base,
                               nq_kpi_fetch(redis, p->id, &c->periods[w], on_member_kpis, &rd[w]));
        }
        if (sc->who.subject == NQ_SUBJECT_COMPANY)
            c->unassigned_people +=
                read_share(c, p, "", &c->periods[CUR], UNASSIGNED, &rd[UNASSIGNED], spans);
        free(spans);
    }
}

static void on_overview_targets(int status, const nq_targets_t *t, void *data)
{
    overview_call_t *c = data;
    if (status != 0)
        nq_call_fail(&c->sc.base, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    else
        nq_targets_export(t, c->in.target, c->in.has_target, c->in.target_derived);
    nq_call_release(&c->sc.base);
}

/* Resolve the subject's members (and name), and read its targets (a
 * quarter's or year's derived from its months' where not set). */
static void start_overview(overview_call_t *c)
{
    subject_call_t *sc = &c->sc;
    sc->with_unknown = true;
    subject_resolve(sc);
    nq_target_reads_init(&c->targets, &c->periods[CUR], &sc->app->cal);
    nq_call_issued(&sc->base, nq_targets_fetch(sc->app->svc->redis, sc->who.subject, sc->who.id,
                                               &c->targets, -1, on_overview_targets, c));
}

void overviewsvc_on_overview(nq_zsock_t *sock, const nq_bus_envelope_t *env,
                             const ProtobufCMessage *msg, void *data)
{
    const Nq__OverviewRequest *req = (const Nq__OverviewRequest *)msg;
    overview_call_t *c =
        subject_call_new(sizeof(*c), data, env, req->correlation_id, overview_answer, read_members);
    if (!c)
        return;
    subject_call_t *sc = &c->sc;
    c->at = req->has_at ? req->at : nq_now_ms();
    subject_check(req->has_subject, req->subject, req->id, &sc->who, &sc->base.errs);
    subject_check_period(req->period_kind, true, c->at, &c->periods[CUR], &sc->base.errs);
    if (!sc->base.errs.n && (nq_period_prev(&c->periods[CUR], &c->periods[PREV]) != 0 ||
                             nq_period_last_year(&c->periods[CUR], &c->periods[LAST_YEAR]) != 0))
        nq_field_errors_add(&sc->base.errs, "at", "is outside the calendar");
    if (sc->base.errs.n)
        nq_call_fail(&sc->base, NQ__STATUS__STATUS_INVALID, "invalid overview request: %s %s",
                     sc->base.errs.items[0].field, sc->base.errs.items[0].reason);
    else if (!answer_busy(sc->app, &sc->base))
        start_overview(c);
    nq_call_release(&sc->base);
}
