/* schedrun.c — the schedule rules' runs. See schedrun.h. */
#include "schedrun.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "nq/actindex_fetch.h"
#include "nq/keys.h"
#include "nq/kpi_fetch.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"
#include "nq/workdays.h"
#include "alerting.h"
#include "overview.h"
#include "roster.h"
#include "schedule.h"

#define N_CLOSED 3 /* a month, a quarter, a year close on one day at most */

/* A (rule, team) run made here today. */
typedef struct done {
    int rule;      /* index in alert_rules */
    char team[72]; /* "" no team */
} done_t;

struct sched {
    nq_service_t *svc;              /* shared process state */
    const alert_config_t *defaults; /* company defaults (borrowed) */
    nq_calendar_t cal;              /* working days */
    uv_timer_t *tick;               /* heap: closes after we are freed */
    sched_raised_cb cb;             /* told of each alert raised here */
    void *cb_arg;                   /* its argument */
    bool busy;                      /* a run is in flight */
    bool stopping;                  /* sched_stop ran */
    char day[16];                   /* the day `done` is about */
    done_t done[SCHED_DONE_MAX];    /* runs made today */
    size_t n_done;                  /* how many */
    int pace_rule, idle_rule;       /* their rows */
    int close_rule;                 /* targets_missed's row */
    uint64_t raised;                /* alerts raised here */
};

/* One period's reads of a member. */
typedef struct member_read {
    struct member *m; /* owner */
    int k;            /* index of the period: kpi[k], targets[k] */
} member_read_t;

/* One salesperson of a (rule, team) run. */
typedef struct member {
    struct run *run;                /* owner */
    struct group *g;                /* the run's group */
    char id[NQ_ID_MAX + 1];         /* salesperson */
    char name[128];                 /* profile name, "" unknown */
    nq_kpi_values_t kpi[N_CLOSED];  /* the month's counters (behind_pace), the closed periods' */
    nq_targets_t targets[N_CLOSED]; /* their targets */
    bool active;                    /* no_activity: an event today */
    member_read_t rd[N_CLOSED];     /* the reads' handles */
} member_t;

/* One counter sum of a team's figures: which period it is for. */
typedef struct team_slot {
    struct team_fig *tf; /* owner */
    int k;               /* index of the period */
} team_slot_t;

/* A team's own figures (behind_pace, targets_missed): its counters over the
 * days each member was in it, as the overview reads them (roster.h). */
typedef struct team_fig {
    nq_call_t call;                 /* counts the reads; its answer ends them */
    struct run *run;                /* owner */
    struct group *g;                /* the group */
    roster_t *ro;                   /* the team's people and histories */
    team_slot_t slot[N_CLOSED];     /* per period */
    nq_kpi_values_t kpi[N_CLOSED];  /* summed counters per period */
    nq_targets_t targets[N_CLOSED]; /* the team's targets per period */
} team_fig_t;

/* A (rule, team) due. */
typedef struct group {
    int rule;             /* index in alert_rules */
    char team[72];        /* "" no team */
    char team_name[128];  /* "" unknown */
    alert_settings_t set; /* the rule's settings for the team */
    member_t *members;    /* the team's members now */
    size_t n;             /* how many */
    team_fig_t *fig;      /* the team's own figures, or NULL */
    bool failed;          /* a read failed: run again next tick */
} group_t;

typedef struct run {
    sched_t *s;
    int64_t now;                             /* the run's clock */
    nq_period_t day, month;                  /* today, this month */
    double share;                            /* of the month's working days gone */
    nq_target_reads_t reads;                 /* the month's target hashes */
    nq_period_t closed[N_CLOSED];            /* targets_missed: the periods closed yesterday */
    nq_target_reads_t close_reads[N_CLOSED]; /* and their target hashes */
    size_t n_closed;                         /* how many (0: today closes none) */
    group_t *groups;                         /* due */
    size_t n_groups;                         /* how many */
    size_t left;                             /* reads not answered yet */
    alert_draft_t *drafts;                   /* fired */
    char (*ids)[40];                         /* drafts[i]'s alert id */
    const group_t **of;                      /* drafts[i]'s group */
    size_t n_drafts;                         /* how many */
} run_t;

static void run_free(run_t *run)
{
    for (size_t i = 0; i < run->n_groups; i++) {
        free(run->groups[i].members);
        free(run->groups[i].fig);
    }
    free(run->groups);
    free(run->drafts);
    free(run->ids);
    free(run->of);
    run->s->busy = false;
    free(run);
}

static bool was_done(const sched_t *s, int rule, const char *team)
{
    for (size_t i = 0; i < s->n_done; i++) {
        if (s->done[i].rule == rule && strcmp(s->done[i].team, team) == 0)
            return true;
    }
    return false;
}

static void mark_done(sched_t *s, const run_t *run)
{
    if (strcmp(s->day, run->day.key) != 0) {
        snprintf(s->day, sizeof(s->day), "%s", run->day.key);
        s->n_done = 0;
    }
    for (size_t i = 0; i < run->n_groups && s->n_done < SCHED_DONE_MAX; i++) {
        const group_t *g = &run->groups[i];
        if (g->failed || was_done(s, g->rule, g->team))
            continue;
        s->done[s->n_done].rule = g->rule;
        snprintf(s->done[s->n_done++].team, sizeof(s->done[0].team), "%s", g->team);
    }
}

/* ---- 4. raise --------------------------------------------------------------- */

static void on_raised(nq_redis_t *r, redisReply *reply, void *data)
{
    run_t *run = data;
    sched_t *s = run->s;
    bool ok = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == run->n_drafts + 1 &&
              reply->element[0]->type == REDIS_REPLY_STRING;
    if (!ok) {
        nq_log_warn("schedule_deferred", "%zu alerts not stored (made again next tick): %s",
                    run->n_drafts,
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        run_free(run);
        return;
    }
    mark_done(s, run);
    size_t fresh = 0;
    for (size_t i = 0; i < run->n_drafts; i++)
        fresh += reply->element[i + 1]->integer == 1;
    nq_log_info("schedule_run", "%s: %zu runs, %zu alerts raised, %zu raised before", run->day.key,
                run->n_groups, fresh, run->n_drafts - fresh);
    for (size_t i = 0; i < run->n_drafts; i++) {
        if (reply->element[i + 1]->integer != 1)
            continue;
        const alert_draft_t *d = &run->drafts[i];
        s->raised++;
        nq_log_info("alert_raised", "%s %s: %s", run->ids[i], d->rule, d->title_en);
        if (s->cb && !s->stopping) {
            Nq__Alert alert = NQ__ALERT__INIT;
            alert_names_t names = {0};
            alert_draft_to_proto(d, &names, run->of[i]->team, run->now, &alert);
            alert.id = run->ids[i];
            alert.team_name = *run->of[i]->team_name ? (char *)run->of[i]->team_name : NULL;
            s->cb(s->cb_arg, &alert);
        }
    }
    run_free(run);
}

static void run_raise(run_t *run)
{
    sched_t *s = run->s;
    if (s->stopping) {
        run_free(run);
        return;
    }
    if (run->n_drafts == 0) {
        nq_log_info("schedule_run", "%s: %zu runs, nothing to raise", run->day.key, run->n_groups);
        mark_done(s, run);
        run_free(run);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    alerting_raise_keys(&a);
    for (size_t i = 0; i < run->n_drafts; i++)
        alerting_alert_keys(&a, &run->drafts[i], run->of[i]->team, run->ids[i], sizeof(run->ids[i]),
                            run->now);
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, NQ_GROUP_ALERTING);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_SEEN_TTL_S);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_STREAM_MAXLEN);
    nq_redis_args_adds(&a, "0"); /* no log entries */
    nq_redis_args_adds(&a, "0"); /* no prices */
    for (size_t i = 0; i < run->n_drafts; i++) {
        const alert_draft_t *d = &run->drafts[i];
        const group_t *g = run->of[i];
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_names_t names = {0};
        alert_draft_to_proto(d, &names, g->team, run->now, &alert);
        alert.team_name = *g->team_name ? (char *)g->team_name : NULL;
        alerting_alert_args(
            &a, run->ids[i], &alert,
            alert_escalate_due(&g->set, run->now, s->svc->cfg.alert_escalate_unit_ms), "");
    }
    int sent = a.failed ? -1
                        : nq_script_call_args(s->svc->redis, NQ_SCRIPT(ALERT_RAISE), on_raised, run,
                                              nkeys, &a);
    nq_redis_args_free(&a);
    if (sent != 0) {
        nq_log_warn("schedule_deferred", "%zu alerts not stored: Redis unavailable", run->n_drafts);
        run_free(run);
    }
}

/* ---- 3. evaluate -------------------------------------------------------------- */

static const nq_metric_id_t paced[] = {NQ_METRIC_SALES_AMOUNT, NQ_METRIC_VISITS};
#define N_PACED (sizeof(paced) / sizeof(paced[0]))

/* The drafts a group may fire: per member, and for the team itself. */
static size_t group_cap(const run_t *run, const group_t *g)
{
    size_t per = g->rule == run->s->pace_rule    ? N_PACED
                 : g->rule == run->s->close_rule ? run->n_closed * NQ_METRIC_COUNT
                                                 : 1;
    return (g->n + 1) * per;
}

/* A draft slot of group g, or NULL when the run has none left. */
static alert_draft_t *next_draft(run_t *run, size_t cap)
{
    return run->n_drafts < cap ? &run->drafts[run->n_drafts] : NULL;
}

/* Keep the draft just filled: described with the names, of group g. */
static void keep(run_t *run, const group_t *g, const alert_names_t *names)
{
    alert_draft_t *d = &run->drafts[run->n_drafts];
    alert_rules[g->rule].describe(d, names);
    run->of[run->n_drafts++] = g;
}

/* behind_pace of one salesperson (sp) or of the team (sp NULL). */
static void eval_pace(run_t *run, const group_t *g, const char *sp, const nq_kpi_values_t *kpi,
                      const nq_targets_t *t, const alert_names_t *names, size_t cap)
{
    for (size_t p = 0; p < N_PACED; p++) {
        sched_pace_in_t in = {sp,
                              paced[p],
                              kpi,
                              t->source[paced[p]] != NQ_TARGET_NONE,
                              t->value[paced[p]],
                              run->share,
                              g->set.v[1],
                              &run->month,
                              &run->day,
                              g->team};
        alert_draft_t *d = next_draft(run, cap);
        if (d && sched_behind_pace(&in, d))
            keep(run, g, names);
    }
}

/* targets_missed of one salesperson (sp) or of the team (sp NULL), each
 * closed period and metric the rule looks at. */
static void eval_close(run_t *run, const group_t *g, const char *sp, const nq_kpi_values_t *kpi,
                       const nq_targets_t *t, const alert_names_t *names, size_t cap)
{
    for (size_t k = 0; k < run->n_closed; k++) {
        for (int m = 0; m < NQ_METRIC_COUNT; m++) {
            if (!(g->set.v[2] & (1LL << m)))
                continue;
            sched_close_in_t in = {sp,    g->team,     (nq_metric_id_t)m, &kpi[k],
                                   &t[k], g->set.v[1], &run->closed[k]};
            alert_draft_t *d = next_draft(run, cap);
            if (d && sched_target_missed(&in, d))
                keep(run, g, names);
        }
    }
}

static void run_evaluate(run_t *run)
{
    size_t cap = 0;
    for (size_t i = 0; i < run->n_groups; i++)
        cap += group_cap(run, &run->groups[i]);
    run->drafts = calloc(cap ? cap : 1, sizeof(*run->drafts));
    run->of = calloc(cap ? cap : 1, sizeof(*run->of));
    run->ids = calloc(cap ? cap : 1, sizeof(*run->ids));
    if (!run->drafts || !run->of || !run->ids) {
        run_free(run);
        return;
    }
    const sched_t *s = run->s;
    for (size_t i = 0; i < run->n_groups; i++) {
        group_t *g = &run->groups[i];
        if (g->failed)
            continue;
        alert_names_t names = {0};
        snprintf(names.team, sizeof(names.team), "%s", g->team_name);
        for (size_t k = 0; k < g->n; k++) {
            member_t *m = &g->members[k];
            snprintf(names.salesperson, sizeof(names.salesperson), "%s", m->name);
            if (g->rule == s->pace_rule)
                eval_pace(run, g, m->id, &m->kpi[0], &m->targets[0], &names, cap);
            else if (g->rule == s->close_rule)
                eval_close(run, g, m->id, m->kpi, m->targets, &names, cap);
            else if (!m->active) {
                sched_no_activity(m->id, &run->day, g->set.v[0], &run->drafts[run->n_drafts]);
                keep(run, g, &names);
            }
        }
        names.salesperson[0] = '\0';
        if (g->fig && g->rule == s->pace_rule)
            eval_pace(run, g, NULL, &g->fig->kpi[0], &g->fig->targets[0], &names, cap);
        else if (g->fig)
            eval_close(run, g, NULL, g->fig->kpi, g->fig->targets, &names, cap);
    }
    run_raise(run);
}

/* ---- 2. each member's figures --------------------------------------------------- */

/* One read fewer to wait for; the last one evaluates. */
static void run_step(run_t *run)
{
    if (--run->left == 0)
        run_evaluate(run);
}

static void on_kpi(int status, const nq_kpi_values_t *v, void *data)
{
    member_read_t *rd = data;
    if (status != 0)
        rd->m->g->failed = true;
    else
        rd->m->kpi[rd->k] = *v;
    run_step(rd->m->run);
}

static void on_targets(int status, const nq_targets_t *t, void *data)
{
    member_read_t *rd = data;
    if (status != 0)
        rd->m->g->failed = true;
    else
        rd->m->targets[rd->k] = *t;
    run_step(rd->m->run);
}

/* Read a member's counters and targets of period p (target hashes `reads`) into slot k. */
static void member_figures(run_t *run, member_t *m, int k, const nq_period_t *p,
                           const nq_target_reads_t *reads)
{
    nq_redis_t *r = run->s->svc->redis;
    m->rd[k] = (member_read_t){m, k};
    run->left += 2;
    if (nq_kpi_fetch(r, m->id, p, on_kpi, &m->rd[k]) != 0) {
        m->g->failed = true;
        run->left--;
    }
    if (nq_targets_fetch(r, NQ_SUBJECT_SALESPERSON, m->id, reads, -1, on_targets, &m->rd[k]) != 0) {
        m->g->failed = true;
        run->left--;
    }
}

static void on_day_page(int status, const nq_actindex_page_t *page, void *data)
{
    member_t *m = data;
    if (status != 0)
        m->g->failed = true;
    else
        m->active = page->n > 0;
    run_step(m->run);
}

static void on_name(nq_redis_t *r, redisReply *reply, void *data)
{
    member_t *m = data;
    if (reply && reply->type == REDIS_REPLY_STRING)
        snprintf(m->name, sizeof(m->name), "%s", reply->str);
    run_step(m->run);
}

/* Start one member's reads; each counts in run->left only once started. */
static void member_ask(run_t *run, member_t *m)
{
    nq_redis_t *r = run->s->svc->redis;
    char key[160];
    nq_key_salesperson(key, sizeof(key), m->id);
    run->left++;
    if (nq_redis_command(r, on_name, m, "HGET %s name", key) != 0)
        run->left--;
    if (m->g->rule == run->s->pace_rule) {
        member_figures(run, m, 0, &run->month, &run->reads);
        return;
    }
    if (m->g->rule == run->s->close_rule) {
        for (size_t k = 0; k < run->n_closed; k++)
            member_figures(run, m, (int)k, &run->closed[k], &run->close_reads[k]);
        return;
    }
    const char *one[1] = {m->id};
    nq_actindex_query_t q = {.salespeople = one,
                             .n_salespeople = 1,
                             .types = "",
                             .has_from = true,
                             .from = run->day.start_ms,
                             .has_to = true,
                             .to = run->day.end_ms,
                             .limit = 1};
    run->left++;
    if (nq_actindex_fetch(r, &q, on_day_page, m) != 0) {
        m->g->failed = true;
        run->left--;
    }
}

/* ---- 2b. a team's own figures ---------------------------------------------------- */

static void on_team_kpi(int status, const nq_kpi_values_t *v, void *data)
{
    team_slot_t *sl = data;
    if (status != 0)
        nq_call_fail(&sl->tf->call, NQ__STATUS__STATUS_UNAVAILABLE, "could not read KPIs");
    else
        nq_kpi_add(&sl->tf->kpi[sl->k], v);
    nq_call_release(&sl->tf->call);
}

static void on_team_targets(int status, const nq_targets_t *t, void *data)
{
    team_slot_t *sl = data;
    if (status != 0)
        nq_call_fail(&sl->tf->call, NQ__STATUS__STATUS_UNAVAILABLE, "could not read targets");
    else
        sl->tf->targets[sl->k] = *t;
    nq_call_release(&sl->tf->call);
}

/* The team's periods: this month for behind_pace, the closed ones for targets_missed. */
static size_t team_periods(const team_fig_t *tf, const nq_period_t **p,
                           const nq_target_reads_t **reads)
{
    run_t *run = tf->run;
    if (tf->g->rule == run->s->pace_rule) {
        *p = &run->month;
        *reads = &run->reads;
        return 1;
    }
    *p = run->closed;
    *reads = run->close_reads;
    return run->n_closed;
}

/* The roster read: each person's share of each period, and the team's targets. */
static void on_team_roster(roster_t *ro, void *data)
{
    team_fig_t *tf = data;
    nq_redis_t *r = tf->run->s->svc->redis;
    const nq_period_t *p;
    const nq_target_reads_t *reads;
    size_t n = team_periods(tf, &p, &reads);
    for (size_t k = 0; k < n; k++) {
        tf->slot[k] = (team_slot_t){tf, (int)k};
        nq_call_issued(&tf->call, nq_targets_fetch(r, NQ_SUBJECT_TEAM, tf->g->team, &reads[k], -1,
                                                   on_team_targets, &tf->slot[k]));
    }
    for (size_t i = 0; i < ro->n && tf->call.status == NQ__STATUS__STATUS_OK; i++) {
        const roster_person_t *person = &ro->people[i];
        nq_span_t *spans = malloc((person->teams.n + 1) * sizeof(*spans));
        if (!spans) {
            nq_call_fail(&tf->call, NQ__STATUS__STATUS_UNAVAILABLE, "out of memory");
            break;
        }
        for (size_t k = 0; k < n; k++) {
            int rc =
                roster_fetch_share(r, person, tf->g->team, &p[k], spans, on_team_kpi, &tf->slot[k]);
            if (rc != 0)
                nq_call_issued(&tf->call, rc > 0 ? 0 : -1);
        }
        free(spans);
    }
}

/* Every read of the team answered (or the roster read failed). */
static void on_team_done(nq_call_t *c)
{
    team_fig_t *tf = (team_fig_t *)c;
    if (c->status != NQ__STATUS__STATUS_OK) {
        nq_log_warn("schedule_deferred", "team %s: %s (made again next tick)", tf->g->team,
                    c->detail);
        tf->g->failed = true;
    }
    roster_free(&tf->ro);
    nq_call_cleanup(c);
    run_step(tf->run);
}

/* Start reading the team's own figures; counts once in run->left. */
static void team_ask(run_t *run, group_t *g)
{
    static const nq_bus_envelope_t none = {0};
    g->fig = calloc(1, sizeof(*g->fig));
    team_fig_t *tf = g->fig;
    if (!tf || !(tf->ro = roster_new())) {
        g->failed = true;
        return;
    }
    tf->run = run;
    tf->g = g;
    nq_call_init(&tf->call, &none, NULL, on_team_done);
    run->left++;
    roster_read(run->s->svc->redis, &tf->call, NQ_SUBJECT_TEAM, g->team, false, tf->ro,
                on_team_roster, tf);
    nq_call_release(&tf->call);
}

/* ZRANGE replies of the groups' members, then [team name per group]. */
static void on_members(nq_redis_t *r, redisReply *reply, void *data)
{
    run_t *run = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 * run->n_groups ||
        run->s->stopping) {
        run_free(run);
        return;
    }
    for (size_t i = 0; i < run->n_groups; i++) {
        group_t *g = &run->groups[i];
        const redisReply *list = reply->element[2 * i], *name = reply->element[2 * i + 1];
        if (name->type == REDIS_REPLY_STRING)
            snprintf(g->team_name, sizeof(g->team_name), "%s", name->str);
        if (list->type != REDIS_REPLY_ARRAY) {
            g->failed = true;
            continue;
        }
        g->members = calloc(list->elements ? list->elements : 1, sizeof(*g->members));
        if (!g->members) {
            g->failed = true;
            continue;
        }
        for (size_t k = 0; k < list->elements; k++) {
            const redisReply *id = list->element[k];
            if (id->type != REDIS_REPLY_STRING || id->len > NQ_ID_MAX)
                continue;
            member_t *m = &g->members[g->n++];
            m->run = run;
            m->g = g;
            memcpy(m->id, id->str, id->len + 1);
        }
    }
    run->left = 1; /* held while starting */
    for (size_t i = 0; i < run->n_groups; i++) {
        group_t *g = &run->groups[i];
        for (size_t k = 0; k < g->n; k++)
            member_ask(run, &g->members[k]);
        if (*g->team && g->rule != run->s->idle_rule && !g->failed)
            team_ask(run, g);
    }
    run_step(run);
}

/* ---- 1. which (rule, team) runs are due ------------------------------------------ */

static int add_group(run_t *run, size_t *cap, int rule, const char *team, const alert_config_t *cfg)
{
    if (run->n_groups == *cap) {
        size_t want = *cap ? 2 * *cap : 8;
        group_t *p = realloc(run->groups, want * sizeof(*p));
        if (!p)
            return -1;
        run->groups = p;
        *cap = want;
    }
    group_t *g = &run->groups[run->n_groups++];
    memset(g, 0, sizeof(*g));
    g->rule = rule;
    snprintf(g->team, sizeof(g->team), "%s", team);
    g->set = cfg->rule[rule];
    return 0;
}

/* The due runs of one team with config cfg. */
static int team_due(run_t *run, size_t *cap, const char *team, const alert_config_t *cfg)
{
    sched_t *s = run->s;
    const int rules[] = {s->pace_rule, s->idle_rule, s->close_rule};
    nq_period_t day;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        const alert_settings_t *set = &cfg->rule[rules[i]];
        bool same_day = strcmp(s->day, run->day.key) == 0;
        if (!set->enabled || !sched_due(&s->cal, run->now, set->v[0], &day) ||
            (rules[i] == s->close_rule && run->n_closed == 0) ||
            (same_day && was_done(s, rules[i], team)))
            continue;
        if (add_group(run, cap, rules[i], team, cfg) != 0)
            return -1;
    }
    return 0;
}

/* The overrides of `team` from the HGETALL reply, over the defaults. */
static void team_config(const sched_t *s, const redisReply *rules, const char *team,
                        alert_config_t *cfg)
{
    *cfg = *s->defaults;
    for (size_t i = 0; i + 1 < rules->elements; i += 2) {
        if (rules->element[i]->type != REDIS_REPLY_STRING ||
            strcmp(rules->element[i]->str, team) != 0 ||
            rules->element[i + 1]->type != REDIS_REPLY_STRING)
            continue;
        json_t *j = json_loads(rules->element[i + 1]->str, 0, NULL);
        nq_field_errors_t errs = {0};
        if (!j || alert_config_apply(cfg, j, NULL, &errs) != 0)
            nq_log_warn("alert_rules_ignored", "team %s: stored rule overrides do not read", team);
        json_decref(j);
    }
}

/* [teams now, the rule overrides (HGETALL)] */
static void on_teams(nq_redis_t *r, redisReply *reply, void *data)
{
    run_t *run = data;
    sched_t *s = run->s;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_ARRAY ||
        reply->element[1]->type != REDIS_REPLY_ARRAY || s->stopping) {
        run_free(run);
        return;
    }
    const redisReply *teams = reply->element[0], *rules = reply->element[1];
    size_t cap = 0;
    alert_config_t *cfg = malloc(sizeof(*cfg));
    int rc = cfg ? 0 : -1;
    for (size_t i = 0; rc == 0 && i <= teams->elements; i++) {
        const char *team = i < teams->elements && teams->element[i]->type == REDIS_REPLY_STRING
                               ? teams->element[i]->str
                               : ""; /* last: the salespeople without a team */
        if (i < teams->elements && (!*team || strlen(team) >= sizeof(run->groups[0].team)))
            continue;
        team_config(s, rules, team, cfg);
        rc = team_due(run, &cap, team, cfg);
    }
    free(cfg);
    if (rc != 0 || run->n_groups == 0) {
        run_free(run);
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[200];
    for (size_t i = 0; i < run->n_groups; i++) {
        nq_key_index(key, sizeof(key), "salespeople", "team", run->groups[i].team);
        nq_redis_args_adds(&a, key);
        nq_key_team(key, sizeof(key), *run->groups[i].team ? run->groups[i].team : "-");
        nq_redis_args_adds(&a, key);
    }
    rc = a.failed ? -1
                  : nq_script_call_args(s->svc->redis, NQ_SCRIPT(ALERT_SCHEDULE_MEMBERS),
                                        on_members, run, a.argc, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        run_free(run);
}

static void on_tick(uv_timer_t *h)
{
    sched_t *s = h->data;
    if (s->busy || s->stopping)
        return;
    run_t *run = calloc(1, sizeof(*run));
    if (!run)
        return;
    run->s = s;
    s->busy = true;
    run->now = nq_now_ms();
    double total, elapsed;
    if (nq_period_of(NQ_PERIOD_DAY, run->now, &run->day) != 0 ||
        nq_period_of(NQ_PERIOD_MONTH, run->now, &run->month) != 0 ||
        nq_target_reads_init(&run->reads, &run->month, &s->cal) != 0 ||
        !nq_calendar_workday(&s->cal, run->now)) {
        run_free(run);
        return;
    }
    nq_workdays(&s->cal, &run->month, run->now, &total, &elapsed);
    run->share = overview_share(total, elapsed);
    nq_period_t day;
    run->n_closed = sched_closes(&s->cal, run->now, 0, &day, run->closed);
    for (size_t k = 0; k < run->n_closed; k++) {
        if (nq_target_reads_init(&run->close_reads[k], &run->closed[k], &s->cal) != 0) {
            run_free(run);
            return;
        }
    }
    char teams[128];
    nq_key_index(teams, sizeof(teams), "teams", "archived", "0");
    if (nq_script_callf(s->svc->redis, NQ_SCRIPT(ALERT_SCHEDULE_TEAMS), on_teams, run, 2, "%s %s",
                        teams, NQ_KEY_ALERT_RULES) != 0)
        run_free(run);
}

sched_t *sched_new(nq_service_t *svc, const alert_config_t *defaults, sched_raised_cb cb, void *arg)
{
    sched_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    const char *why = NULL;
    if (nq_calendar_parse(&s->cal, svc->cfg.holidays, svc->cfg.makeup_workdays, &why) != 0) {
        nq_log_error("calendar", "NQ_HOLIDAYS / NQ_MAKEUP_WORKDAYS: %s", why);
        free(s);
        return NULL;
    }
    s->svc = svc;
    s->defaults = defaults;
    s->cb = cb;
    s->cb_arg = arg;
    s->pace_rule = (int)(alert_rule_find("behind_pace") - alert_rules);
    s->idle_rule = (int)(alert_rule_find("no_activity") - alert_rules);
    s->close_rule = (int)(alert_rule_find("targets_missed") - alert_rules);
    s->tick = malloc(sizeof(*s->tick));
    if (!s->tick) {
        nq_calendar_free(&s->cal);
        free(s);
        return NULL;
    }
    uv_timer_init(&svc->loop, s->tick);
    s->tick->data = s;
    uv_timer_start(s->tick, on_tick, SCHED_TICK_MS / 10, SCHED_TICK_MS);
    return s;
}

static void on_tick_closed(uv_handle_t *h)
{
    free(h);
}

void sched_stop(sched_t *s)
{
    if (!s || s->stopping)
        return;
    s->stopping = true;
    uv_close((uv_handle_t *)s->tick, on_tick_closed);
    s->tick = NULL;
    nq_log_info("schedule_stopped", "%llu schedule alerts raised here",
                (unsigned long long)s->raised);
}

void sched_free(sched_t **s)
{
    if (!s || !*s)
        return;
    nq_calendar_free(&(*s)->cal);
    free(*s);
    *s = NULL;
}
