/* timers.c — the timer rules' I/O. See timers.h. */
#include "timers.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alerting.h"
#include "deadline.h"
#include "followup.h"
#include "lifecycle.h"
#include "nq/keys.h"
#include "nq/log.h"
#include "nq/period.h"
#include "nq/scripts.h"

struct timers {
    nq_service_t *svc;              /* shared process state */
    const alert_config_t *defaults; /* the company defaults (borrowed) */
    deadline_t *clock;              /* takes due timers under a lease (deadline.h) */
    timers_alert_cb cb;             /* told of each alert raised or resolved here */
    void *cb_arg;                   /* its argument */
    int64_t zone;                   /* local midnight's offset from UTC's, ms */
    bool stopping;                  /* timers_stop ran */
};

static void tell(timers_t *t, const Nq__Alert *a)
{
    if (!t->stopping && t->cb)
        t->cb(t->cb_arg, a);
}

/* ---- a batch's changes ----------------------------------------------------- */

/* One change the batch made, as far as resolving goes. */
typedef struct item {
    char member[TIMER_MEMBER_MAX]; /* "<rule>|<subject>" */
    bool resolves;                 /* it clears the condition */
    bool by_time;                  /* only an alert about an earlier contact resolves */
    int64_t at;                    /* when the event happened */
} item_t;

typedef struct apply {
    timers_t *t;         /* owner */
    timers_done_cb done; /* told once, at the end */
    void *arg;           /* its argument */
    size_t pending;      /* calls in flight */
    bool ok;             /* everything stored */
    item_t *items;       /* per change */
} apply_t;

/* One open alert being resolved. */
typedef struct resolve {
    apply_t *ap;      /* its batch */
    const item_t *it; /* its change */
    char id[48];      /* the alert */
    Nq__Alert *alert; /* as fetched, then as stored */
} resolve_t;

static void apply_finish(apply_t *ap)
{
    if (--ap->pending > 0)
        return;
    ap->done(ap->arg, ap->ok);
    free(ap->items);
    free(ap);
}

static void resolve_end(resolve_t *r, bool ok)
{
    if (!ok)
        r->ap->ok = false;
    if (r->alert)
        nq__alert__free_unpacked(r->alert, NULL);
    apply_t *ap = r->ap;
    free(r);
    apply_finish(ap);
}

/* The timer's alert is off its hands: resolved here, by someone, or gone. */
static void forget(resolve_t *r)
{
    nq_redis_command(r->ap->t->svc->redis, NULL, NULL, "HDEL %s %s", NQ_KEY_ALERT_TIMER_OPEN,
                     r->it->member);
}

static void on_resolved(nq_redis_t *rd, redisReply *reply, void *data)
{
    resolve_t *r = data;
    if (reply && reply->type == REDIS_REPLY_STRING) {
        nq_log_info("alert_auto_resolved", "%s %s: the condition cleared", r->id,
                    r->alert->rule ? r->alert->rule : "");
        forget(r);
        r->alert->id = strdup(r->id);
        if (r->alert->id)
            tell(r->ap->t, r->alert);
        resolve_end(r, true);
        return;
    }
    nq_log_warn("alert_auto_resolve_deferred", "%s: %s (the batch is applied again)", r->id,
                reply && reply->type == REDIS_REPLY_ERROR ? reply->str
                : reply                                   ? "changed meanwhile"
                                                          : "Redis unavailable");
    resolve_end(r, false);
}

/* ALERT_FETCH reply: [[id, packed, version]]. */
static void on_open_fetched(nq_redis_t *rd, redisReply *reply, void *data)
{
    resolve_t *r = data;
    const redisReply *row = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 1
                                ? reply->element[0]
                                : NULL;
    if (!row || row->type != REDIS_REPLY_ARRAY || row->elements != 3) {
        resolve_end(r, false);
        return;
    }
    const redisReply *packed = row->element[1], *version = row->element[2];
    if (packed->type != REDIS_REPLY_STRING || version->type != REDIS_REPLY_STRING) {
        forget(r); /* gone */
        resolve_end(r, true);
        return;
    }
    r->alert = nq__alert__unpack(NULL, packed->len, (const uint8_t *)packed->str);
    if (!r->alert) {
        forget(r);
        resolve_end(r, true);
        return;
    }
    /* A contact older than the one the alert counts from clears nothing. */
    if (r->it->by_time && r->alert->has_occurred_at && r->alert->occurred_at >= r->it->at) {
        resolve_end(r, true);
        return;
    }
    char before[160];
    nq_key_index(before, sizeof(before), NQ_IX_ALERTS, "state",
                 r->alert->state ? r->alert->state : "open");
    const char *why;
    if (alert_auto_resolve(r->alert, nq_now_ms(), &why) != 0) {
        forget(r); /* resolved by someone already */
        resolve_end(r, true);
        return;
    }
    size_t len = nq__alert__get_packed_size(r->alert);
    uint8_t *buf = malloc(len ? len : 1);
    char key[160], after[160];
    nq_key_alert(key, sizeof(key), r->id);
    nq_key_index(after, sizeof(after), NQ_IX_ALERTS, "state", "resolved");
    if (buf)
        nq__alert__pack(r->alert, buf);
    if (!buf || nq_script_callf(r->ap->t->svc->redis, NQ_SCRIPT(ALERT_CHANGE), on_resolved, r, 5,
                                "%s %s %s %s %s %s %s %s %b %d %d", key, NQ_KEY_ALERTS, before,
                                after, NQ_KEY_ALERT_ESCALATE, version->str, r->id, "resolved", buf,
                                len, NQ_ALERT_STREAM_MAXLEN, 1) != 0)
        resolve_end(r, false);
    free(buf);
}

static void resolve_start(apply_t *ap, const item_t *it, const char *id)
{
    resolve_t *r = calloc(1, sizeof(*r));
    char key[160];
    if (!r || strlen(id) >= sizeof(r->id)) {
        free(r);
        ap->ok = false;
        return;
    }
    r->ap = ap;
    r->it = it;
    memcpy(r->id, id, strlen(id) + 1);
    nq_key_alert(key, sizeof(key), id);
    ap->pending++;
    if (nq_script_callf(ap->t->svc->redis, NQ_SCRIPT(ALERT_FETCH), on_open_fetched, r, 1, "%s",
                        key) != 0)
        resolve_end(r, false);
}

/* ALERT_TIMERS_SET reply: per change the open alert of its timer, or nil. */
static void on_set(nq_redis_t *rd, redisReply *reply, void *data)
{
    apply_t *ap = data;
    size_t n = 0;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        nq_log_warn("timers_deferred", "deadlines not stored: %s",
                    reply && reply->type == REDIS_REPLY_ERROR ? reply->str : "Redis unavailable");
        ap->ok = false;
    } else {
        n = reply->elements;
    }
    for (size_t i = 0; i < n; i++) {
        const redisReply *id = reply->element[i];
        if (ap->items[i].resolves && id->type == REDIS_REPLY_STRING)
            resolve_start(ap, &ap->items[i], id->str);
    }
    apply_finish(ap);
}

/* The packed event a deadline keeps (ticket_sla: its opening), or "". */
static void add_data(nq_redis_args_t *a, const timer_change_t *c)
{
    if (c->plan.op != TIMER_SET || strcmp(c->plan.rule, "ticket_sla") != 0 || !c->ev) {
        nq_redis_args_adds(a, "");
        return;
    }
    size_t len = nq__activity__get_packed_size(c->ev);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        a->failed = true;
        return;
    }
    nq__activity__pack(c->ev, buf);
    nq_redis_args_add(a, buf, len);
    free(buf);
}

void timers_apply(timers_t *t, const timer_change_t *changes, size_t n, timers_done_cb done,
                  void *arg)
{
    if (n == 0) {
        done(arg, true);
        return;
    }
    apply_t *ap = calloc(1, sizeof(*ap));
    item_t *items = ap ? calloc(n, sizeof(*items)) : NULL;
    if (!items) {
        free(ap);
        done(arg, false);
        return;
    }
    *ap = (apply_t){t, done, arg, 1, true, items};
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, NQ_KEY_ALERT_TIMERS);
    nq_redis_args_adds(&a, NQ_KEY_ALERT_TIMER_DATA);
    nq_redis_args_adds(&a, NQ_KEY_ALERT_TIMER_OPEN);
    for (size_t i = 0; i < n; i++) {
        const timer_plan_t *p = &changes[i].plan;
        if (timer_member(items[i].member, sizeof(items[i].member), p->rule, p->subject) != 0)
            a.failed = true;
        items[i].resolves = p->resolves;
        items[i].by_time = strcmp(p->rule, "ticket_sla") != 0;
        items[i].at = p->at;
        nq_redis_args_adds(&a, p->op == TIMER_CLEAR ? "clear" : "set");
        nq_redis_args_adds(&a, items[i].member);
        nq_redis_args_addf(&a, "%" PRId64, p->due);
        add_data(&a, &changes[i]);
    }
    int rc = a.failed ? -1
                      : nq_script_call_args(t->svc->redis, NQ_SCRIPT(ALERT_TIMERS_SET), on_set, ap,
                                            3, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        on_set(NULL, NULL, ap); /* not stored: the batch stays pending */
}

/* ---- due timers: one at a time -------------------------------------------- */

typedef struct fire {
    timers_t *t;                  /* owner */
    deadline_t *d;                /* the engine whose take this is */
    char (*ids)[DEADLINE_ID_MAX]; /* the members taken (the engine's) */
    size_t n, i;                  /* how many, which one now */
    int64_t leased;               /* their score while taken */
    const alert_rule_t *rule;     /* the member's rule */
    const char *subject;          /* into ids[i] */
    Nq__Activity *opened;         /* ticket_sla: the opening event */
    nq_ar_t ar;                   /* invoice_past_due: the customer's receivables */
    bool has_ar;                  /* ar is parsed (to free) */
    char invoice[136];            /* invoice_past_due: the invoice ("" a customer's recheck) */
    timer_plan_t settled[TIMERS_SETTLED_MAX]; /* a recheck: what it may resolve */
    char flagged[TIMERS_SETTLED_MAX][72];     /* a recheck: the customer's flagged orders' refs */
    size_t n_flagged;                         /* how many */
    size_t n_settled;                         /* how many */
    timer_facts_t facts;                      /* what the rule checks */
    char cls[16];                             /* the customer's class */
    char owner[72];                           /* its owner now */
    char customer[136];                       /* its id */
    char team[72];                            /* the owner's team now, "" none */
    alert_config_t cfg;                       /* that team's settings */
    alert_draft_t draft;                      /* what fired */
    alert_names_t names;                      /* for the titles */
    char alert_id[40];                        /* given when raised */
    int64_t raised_at;                        /* when */
} fire_t;

static void fire_next(fire_t *f);

/* On to the next member (what this one did is stored, or comes back after the lease). */
static void fire_step(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (reply && reply->type == REDIS_REPLY_ERROR)
        nq_log_warn("timer_deferred", "%s: %s", f->ids[f->i], reply->str);
    f->i++;
    fire_next(f);
}

/* alert_timer_done for the member: act 'drop', 'later' (arg: due) or 'fired' (arg: id). */
static void fire_done(fire_t *f, const char *act, const char *arg)
{
    if (nq_script_callf(f->t->svc->redis, NQ_SCRIPT(ALERT_TIMER_DONE), fire_step, f, 3,
                        "%s %s %s %s %lld %s %s", NQ_KEY_ALERT_TIMERS, NQ_KEY_ALERT_TIMER_DATA,
                        NQ_KEY_ALERT_TIMER_OPEN, f->ids[f->i], (long long)f->leased, act, arg) != 0)
        fire_step(NULL, NULL, f);
}

static void on_raised(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    bool ok = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2 &&
              reply->element[0]->type == REDIS_REPLY_STRING &&
              strcmp(reply->element[0]->str, "ok") == 0;
    if (!ok) {
        fire_step(r, reply, f); /* comes back after the lease */
        return;
    }
    bool now = reply->element[1]->integer == 1;
    if (now) {
        Nq__Alert alert = NQ__ALERT__INIT;
        alert_draft_to_proto(&f->draft, &f->names, f->team, f->raised_at, &alert);
        alert.id = f->alert_id;
        nq_log_info("alert_raised", "%s %s: %s", f->alert_id, f->draft.rule, f->draft.title_en);
        tell(f->t, &alert);
    }
    fire_done(f, "fired", now ? f->alert_id : "");
}

static void raise_alert(fire_t *f)
{
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    f->raised_at = nq_now_ms();
    alerting_raise_keys(&a);
    alerting_alert_keys(&a, &f->draft, f->team, f->alert_id, sizeof(f->alert_id), f->raised_at);
    size_t nkeys = a.argc;
    nq_redis_args_adds(&a, NQ_GROUP_ALERTING);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_SEEN_TTL_S);
    nq_redis_args_addf(&a, "%d", NQ_ALERT_STREAM_MAXLEN);
    nq_redis_args_adds(&a, "0"); /* no log entries */
    nq_redis_args_adds(&a, "0"); /* no prices */
    Nq__Alert alert = NQ__ALERT__INIT;
    alert_draft_to_proto(&f->draft, &f->names, f->team, f->raised_at, &alert);
    int k = (int)(f->rule - alert_rules);
    /* the member's auto-resolve record, with the alert (alert_timer_done writes it too) */
    alerting_alert_args(
        &a, f->alert_id, &alert,
        alert_escalate_due(&f->cfg.rule[k], f->raised_at, f->t->svc->cfg.alert_escalate_unit_ms),
        f->ids[f->i]);
    int rc = a.failed ? -1
                      : nq_script_call_args(f->t->svc->redis, NQ_SCRIPT(ALERT_RAISE), on_raised, f,
                                            nkeys, &a);
    nq_redis_args_free(&a);
    if (rc != 0)
        fire_step(NULL, NULL, f);
}

static void copy_reply(char *dst, size_t len, const redisReply *r)
{
    snprintf(dst, len, "%s", r && r->type == REDIS_REPLY_STRING ? r->str : "");
}

/* ALERT_NAMES reply: [customer name, team name]. */
static void on_names(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    bool listed = reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2;
    copy_reply(f->names.customer, sizeof(f->names.customer), listed ? reply->element[0] : NULL);
    copy_reply(f->names.team, sizeof(f->names.team), listed ? reply->element[1] : NULL);
    f->rule->describe(&f->draft, &f->names);
    raise_alert(f);
}

/* Check the rule on the facts: fire, later or drop. */
static void fire_check(fire_t *f)
{
    int64_t due = 0;
    int k = (int)(f->rule - alert_rules);
    switch (timer_check(f->rule, &f->facts, &f->cfg.rule[k], nq_now_ms(), f->t->zone, &due,
                        &f->draft)) {
    case TIMER_LATER: {
        char when[24];
        snprintf(when, sizeof(when), "%" PRId64, due);
        fire_done(f, "later", when);
        return;
    }
    case TIMER_DROP:
        fire_done(f, "drop", "");
        return;
    case TIMER_FIRE:
        break;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    char key[160];
    nq_key_customer(key, sizeof(key), *f->draft.customer_id ? f->draft.customer_id : "-");
    nq_redis_args_adds(&a, key);
    nq_key_team(key, sizeof(key), *f->team ? f->team : "-");
    nq_redis_args_adds(&a, key);
    if (a.failed ||
        nq_script_call_args(f->t->svc->redis, NQ_SCRIPT(ALERT_NAMES), on_names, f, a.argc, &a) != 0)
        on_names(NULL, NULL, f);
    nq_redis_args_free(&a);
}

/* ALERT_CONTEXT reply: [prices, [owner name, owner team], [team, overrides, ...]]. */
static void on_context(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[1]->type != REDIS_REPLY_ARRAY || reply->element[1]->elements != 2) {
        fire_step(r, reply, f);
        return;
    }
    copy_reply(f->names.salesperson, sizeof(f->names.salesperson), reply->element[1]->element[0]);
    copy_reply(f->team, sizeof(f->team), reply->element[1]->element[1]);
    alerting_team_config(&f->cfg, f->t->defaults, reply->element[2], f->team);
    fire_check(f);
}

/* Read the owner's name and team and the team's rule settings. */
static void fire_context(fire_t *f)
{
    char key[128];
    const char *who = *f->owner ? f->owner : "-";
    nq_key_salesperson(key, sizeof(key), who);
    if (nq_script_callf(f->t->svc->redis, NQ_SCRIPT(ALERT_CONTEXT), on_context, f, 3, "%s %s %s",
                        NQ_KEY_ALERT_RULES, NQ_KEY_ALERT_PRICES, key) != 0)
        fire_step(NULL, NULL, f);
}

static int64_t reply_ms(const redisReply *r)
{
    return r && r->type == REDIS_REPLY_STRING ? strtoll(r->str, NULL, 10) : 0;
}

/* HMGET customer class owner_id last_contact_at followup_due_at cadence_days. */
static void on_customer(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 5) {
        fire_step(r, reply, f);
        return;
    }
    copy_reply(f->cls, sizeof(f->cls), reply->element[0]);
    copy_reply(f->owner, sizeof(f->owner), reply->element[1]);
    timer_facts_t *x = &f->facts;
    x->found = f->opened ? true : reply->element[0]->type == REDIS_REPLY_STRING;
    x->cls = followup_class(f->cls);
    x->last_contact = reply_ms(reply->element[2]);
    x->followup_due = reply_ms(reply->element[3]);
    x->cadence_days = (int)reply_ms(reply->element[4]);
    x->owner = f->owner;
    x->customer = f->customer;
    x->opened = f->opened;
    if (!*f->owner && f->opened && f->opened->salesperson_id)
        snprintf(f->owner, sizeof(f->owner), "%s", f->opened->salesperson_id);
    fire_context(f);
}

static void read_customer(fire_t *f, const char *id)
{
    char key[200];
    if (id != f->customer)
        snprintf(f->customer, sizeof(f->customer), "%s", id ? id : "");
    nq_key_customer(key, sizeof(key), *f->customer ? f->customer : "-");
    if (nq_redis_command(f->t->svc->redis, on_customer, f,
                         "HMGET %s class owner_id last_contact_at followup_due_at cadence_days",
                         key) != 0)
        fire_step(NULL, NULL, f);
}

/* HGET of a ticket timer's data: the packed ticket_opened. */
static void on_data(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply) {
        fire_step(NULL, NULL, f);
        return;
    }
    f->opened = reply->type == REDIS_REPLY_STRING && reply->len > 1
                    ? nq__activity__unpack(NULL, reply->len, (const uint8_t *)reply->str)
                    : NULL;
    if (!f->opened) {
        fire_done(f, "drop", ""); /* closed, or never known */
        return;
    }
    read_customer(f, f->opened->customer_id);
}

/* ---- invoice_past_due: an invoice's deadline, a customer's recheck ------------ */

static void on_settled(void *arg, bool ok)
{
    fire_t *f = arg;
    if (!ok) {
        fire_step(NULL, NULL, f); /* comes back after the lease */
        return;
    }
    fire_done(f, "drop", "");
}

/* HMGET of the open alerts of what the recheck may resolve: those with one resolve. */
static void on_settled_open(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != f->n_settled) {
        fire_step(r, reply, f);
        return;
    }
    timer_change_t changes[TIMERS_SETTLED_MAX];
    size_t n = 0;
    for (size_t i = 0; i < f->n_settled; i++) {
        if (reply->element[i]->type == REDIS_REPLY_STRING)
            changes[n++] = (timer_change_t){f->settled[i], NULL};
    }
    timers_apply(f->t, changes, n, on_settled, f);
}

/* HGET credit_limit_fen: then what the payment settled (grace 0: every
 * invoice that was past due is a candidate whatever the team's grace). */
static void on_limit(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply) {
        fire_step(NULL, NULL, f);
        return;
    }
    int64_t limit = reply->type == REDIS_REPLY_STRING ? strtoll(reply->str, NULL, 10) : -1;
    alert_settings_t no_grace = {.enabled = true};
    const char *flagged[TIMERS_SETTLED_MAX];
    for (size_t i = 0; i < f->n_flagged; i++)
        flagged[i] = f->flagged[i];
    f->n_settled = timer_settled(&f->ar, f->customer, limit, flagged, f->n_flagged, &no_grace,
                                 nq_now_ms(), f->t->zone, f->settled, TIMERS_SETTLED_MAX);
    if (f->n_settled == 0) {
        fire_done(f, "drop", "");
        return;
    }
    nq_redis_args_t a;
    nq_redis_args_init(&a);
    nq_redis_args_adds(&a, "HMGET");
    nq_redis_args_adds(&a, NQ_KEY_ALERT_TIMER_OPEN);
    char member[TIMER_MEMBER_MAX];
    for (size_t i = 0; i < f->n_settled; i++) {
        if (timer_member(member, sizeof(member), f->settled[i].rule, f->settled[i].subject) != 0)
            a.failed = true;
        nq_redis_args_adds(&a, member);
    }
    if (a.failed || nq_redis_command_args(f->t->svc->redis, on_settled_open, f, &a) != 0)
        fire_step(NULL, NULL, f);
    nq_redis_args_free(&a);
}

/* HGETALL of the customer's receivables facts, applied at now. */
static void on_ar(nq_redis_t *r, redisReply *reply, void *data)
{
    fire_t *f = data;
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        fire_step(r, reply, f);
        return;
    }
    const char **fv = calloc(reply->elements + 1, sizeof(*fv));
    for (size_t i = 0; fv && i < reply->elements; i++)
        fv[i] = reply->element[i]->type == REDIS_REPLY_STRING ? reply->element[i]->str : "";
    int rc = fv ? nq_ar_parse(&f->ar, fv, reply->elements) : -1;
    free(fv);
    if (rc != 0) {
        fire_step(NULL, NULL, f);
        return;
    }
    f->has_ar = true;
    nq_ar_apply(&f->ar, nq_now_ms());
    f->n_flagged = 0; /* the flagged orders' refs: the "c|<ref>" facts */
    for (size_t i = 0; i + 1 < reply->elements && f->n_flagged < TIMERS_SETTLED_MAX; i += 2) {
        const redisReply *k = reply->element[i];
        if (k->type == REDIS_REPLY_STRING && strncmp(k->str, "c|", 2) == 0 &&
            k->len - 2 < sizeof(f->flagged[0]))
            memcpy(f->flagged[f->n_flagged++], k->str + 2, k->len - 1);
    }
    if (*f->invoice) {
        f->facts.ar = &f->ar;
        f->facts.invoice = f->invoice;
        read_customer(f, f->customer);
        return;
    }
    char key[200];
    nq_key_customer(key, sizeof(key), f->customer);
    if (nq_redis_command(f->t->svc->redis, on_limit, f, "HGET %s credit_limit_fen", key) != 0)
        fire_step(NULL, NULL, f);
}

static void invoice_read(fire_t *f)
{
    char key[200];
    if (timer_invoice_subject(f->subject, f->customer, sizeof(f->customer), f->invoice,
                              sizeof(f->invoice)) != 0) {
        fire_done(f, "drop", "");
        return;
    }
    nq_key_customer_ar(key, sizeof(key), f->customer);
    if (nq_redis_command(f->t->svc->redis, on_ar, f, "HGETALL %s", key) != 0)
        fire_step(NULL, NULL, f);
}

static void fire_next(fire_t *f)
{
    if (f->opened)
        nq__activity__free_unpacked(f->opened, NULL);
    f->opened = NULL;
    if (f->has_ar)
        nq_ar_free(&f->ar);
    f->has_ar = false;
    f->invoice[0] = '\0';
    if (f->i >= f->n || f->t->stopping) {
        deadline_done(f->d);
        free(f);
        return;
    }
    memset(&f->facts, 0, sizeof(f->facts));
    memset(&f->names, 0, sizeof(f->names));
    f->owner[0] = f->team[0] = f->cls[0] = '\0';
    f->rule = timer_member_parse(f->ids[f->i], &f->subject);
    if (!f->rule) {
        nq_log_warn("timer_dropped", "%s: not a timer rule's deadline", f->ids[f->i]);
        fire_done(f, "drop", "");
        return;
    }
    if (strcmp(f->rule->key, "invoice_past_due") == 0) {
        invoice_read(f);
        return;
    }
    if (strcmp(f->rule->key, "ticket_sla") == 0) {
        if (nq_redis_command(f->t->svc->redis, on_data, f, "HGET %s %s", NQ_KEY_ALERT_TIMER_DATA,
                             f->ids[f->i]) != 0)
            fire_step(NULL, NULL, f);
        return;
    }
    read_customer(f, f->subject);
}

static void on_due(void *arg, deadline_t *d, char (*ids)[DEADLINE_ID_MAX], size_t n)
{
    timers_t *t = arg;
    fire_t *f = calloc(1, sizeof(*f));
    if (!f) {
        deadline_done(d);
        return;
    }
    f->t = t;
    f->d = d;
    f->ids = ids;
    f->n = n;
    f->leased = deadline_leased_until(d);
    fire_next(f);
}

timers_t *timers_new(nq_service_t *svc, const alert_config_t *defaults, timers_alert_cb cb,
                     void *arg)
{
    timers_t *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    *t = (timers_t){svc, defaults, NULL, cb, arg, followup_zone_offset(), false};
    t->clock = deadline_new(svc, NQ_KEY_ALERT_TIMERS, TIMERS_TICK_MS, TIMERS_LEASE_MS,
                            TIMERS_TAKE_MAX, on_due, t);
    if (!t->clock) {
        free(t);
        return NULL;
    }
    return t;
}

void timers_stop(timers_t *t)
{
    if (!t || t->stopping)
        return;
    t->stopping = true;
    deadline_stop(t->clock);
}

void timers_free(timers_t **t)
{
    if (!t || !*t)
        return;
    deadline_free(&(*t)->clock);
    free(*t);
    *t = NULL;
}
