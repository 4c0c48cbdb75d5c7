/* nqctl_demo.c — seed-demo: a demo team, its salespeople and customers,
 * activity of this week and month, targets and plans; with --remove, the
 * demo org deleted again. See nqctl.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "nq/period.h"
#include "nqctl.h"
#include "nqctl_http.h"

typedef struct demo_person {
    const char *id;   /* salesperson id */
    const char *name; /* display name */
} demo_person_t;

typedef struct demo_customer {
    const char *id;    /* customer id */
    const char *name;  /* company name */
    const char *klass; /* key / normal / potential */
    int owner;         /* index into demo_people */
} demo_customer_t;

/* One demo activity. Its day is `permille` of the way from the start of the
 * current week (in_week) or month to the seeding hour, its time of day in
 * office hours, never before that start nor after the seeding hour: the demo
 * always shows week-to-date and month-to-date numbers and nothing in the
 * future. */
typedef struct demo_activity {
    const char *type;   /* visit / call / order */
    int person;         /* index into demo_people */
    int customer;       /* index into demo_customers */
    const char *amount; /* order amount in yuan, NULL otherwise */
    bool in_week;       /* spread over the week (else over the month) */
    int permille;       /* position in that span, 0..1000 */
} demo_activity_t;

#define DEMO_TEAM        "t-east"
#define DEMO_TEAM_NAME   "华东一组"
#define DEMO_COORDINATOR "u-zhoumin"

static const demo_person_t demo_people[] = {
    {"sp-zhangwei", "张伟"},
    {"sp-lina", "李娜"},
    {"sp-wangfang", "王芳"},
    {"sp-liuyang", "刘洋"},
};

static const demo_customer_t demo_customers[] = {
    {"c-hz-jinda", "杭州金达机电有限公司", "key", 0},
    {"c-sh-huaxin", "上海华信电子科技有限公司", "key", 1},
    {"c-nj-yuantong", "南京远通物流有限公司", "normal", 2},
    {"c-sz-hengmao", "苏州恒茂纺织有限公司", "normal", 3},
    {"c-nb-haiyue", "宁波海悦贸易有限公司", "potential", 0},
    {"c-wx-kaida", "无锡凯达精密机械有限公司", "normal", 1},
    {"c-hf-xinchuang", "合肥新创科技有限公司", "potential", 2},
    {"c-jx-longhua", "嘉兴隆华建材有限公司", "key", 3},
};

/* Event ids are "demo-NNN" by position: never reorder, only append. */
static const demo_activity_t demo_activities[] = {
    {"visit", 0, 0, NULL, false, 30},        {"call", 1, 1, NULL, false, 60},
    {"order", 0, 0, "12800.00", false, 90},  {"visit", 2, 2, NULL, false, 120},
    {"call", 3, 3, NULL, false, 150},        {"visit", 1, 5, NULL, false, 200},
    {"order", 3, 7, "23500.00", false, 240}, {"call", 2, 6, NULL, false, 280},
    {"visit", 3, 7, NULL, false, 320},       {"order", 1, 1, "9600.50", false, 360},
    {"call", 0, 4, NULL, false, 400},        {"visit", 2, 6, NULL, false, 440},
    {"order", 2, 2, "15200.00", false, 480}, {"call", 1, 5, NULL, false, 520},
    {"visit", 0, 4, NULL, false, 560},       {"call", 3, 3, NULL, false, 600},
    {"order", 0, 0, "7300.00", false, 640},  {"visit", 1, 1, NULL, false, 680},
    {"call", 2, 2, NULL, false, 720},        {"order", 3, 3, "4800.00", false, 760},
    {"visit", 0, 0, NULL, true, 50},         {"call", 1, 5, NULL, true, 100},
    {"visit", 2, 6, NULL, true, 150},        {"call", 3, 7, NULL, true, 200},
    {"order", 1, 1, "68000.00", true, 260}, /* big order: the alert fires */
    {"visit", 3, 3, NULL, true, 320},        {"call", 0, 4, NULL, true, 380},
    {"order", 2, 2, "11250.00", true, 440},  {"visit", 1, 5, NULL, true, 500},
    {"call", 2, 6, NULL, true, 560},         {"visit", 0, 4, NULL, true, 620},
    {"order", 3, 7, "31000.00", true, 680},  {"call", 1, 1, NULL, true, 740},
    {"visit", 2, 2, NULL, true, 800},        {"order", 0, 0, "18900.00", true, 850},
    {"call", 3, 3, NULL, true, 900},         {"visit", 1, 1, NULL, true, 940},
    {"call", 0, 0, NULL, true, 970},         {"order", 1, 5, "5600.00", true, 990},
    {"visit", 3, 7, NULL, true, 1000},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* PUT one JSON object (the reference is stolen). Quiet on success. */
static int put_object(ctl_t *ctl, const char *path, json_t *obj)
{
    nq_httpc_response_t r;
    char *body = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!body) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        return CTL_INPUT;
    }
    int rc = ctl_call(ctl, "PUT", path, body, strlen(body), &r);
    if (rc == CTL_OK && !ctl_is_2xx(r.status)) {
        ctl_explain_failure("PUT", path, &r);
        rc = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    free(body);
    return rc;
}

/* The team first (a salesperson's team must exist), then its salespeople
 * (their team makes them members), then the customers (an owner must
 * exist). */
static int seed_org(ctl_t *ctl)
{
    char path[128];
    int rc = put_object(
        ctl, "/api/v1/teams/" DEMO_TEAM,
        json_pack("{s:s, s:[s]}", "name", DEMO_TEAM_NAME, "coordinators", DEMO_COORDINATOR));
    for (size_t i = 0; rc == CTL_OK && i < COUNT(demo_people); i++) {
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", demo_people[i].id);
        rc = put_object(ctl, path,
                        json_pack("{s:s, s:s, s:s}", "name", demo_people[i].name, "team_id",
                                  DEMO_TEAM, "status", "active"));
    }
    for (size_t i = 0; rc == CTL_OK && i < COUNT(demo_customers); i++) {
        const demo_customer_t *c = &demo_customers[i];
        snprintf(path, sizeof(path), "/api/v1/customers/%s", c->id);
        rc = put_object(ctl, path,
                        json_pack("{s:s, s:s, s:s}", "name", c->name, "class", c->klass, "owner_id",
                                  demo_people[c->owner].id));
    }
    if (rc == CTL_OK)
        printf(msg_tr(M_DEMO_ORG), DEMO_TEAM, DEMO_TEAM_NAME, COUNT(demo_people),
               COUNT(demo_customers));
    return rc;
}

/* DELETE path; one already gone (404) is fine. Quiet on success. */
static int delete_object(ctl_t *ctl, const char *path)
{
    nq_httpc_response_t r;
    int rc = ctl_call(ctl, "DELETE", path, NULL, 0, &r);
    if (rc == CTL_OK && !ctl_is_2xx(r.status) && r.status != 404) {
        ctl_explain_failure("DELETE", path, &r);
        rc = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    return rc;
}

/* seed-demo --remove: the customers, the salespeople (archived: no team and
 * status left from today), then the team (archived). The demo's events stay
 * in the activity log and count where they happened. */
static int remove_demo(ctl_t *ctl)
{
    char path[128];
    int rc = CTL_OK;
    for (size_t i = 0; rc == CTL_OK && i < COUNT(demo_customers); i++) {
        snprintf(path, sizeof(path), "/api/v1/customers/%s", demo_customers[i].id);
        rc = delete_object(ctl, path);
    }
    for (size_t i = 0; rc == CTL_OK && i < COUNT(demo_people); i++) {
        snprintf(path, sizeof(path), "/api/v1/salespeople/%s", demo_people[i].id);
        rc = delete_object(ctl, path);
    }
    if (rc == CTL_OK)
        rc = delete_object(ctl, "/api/v1/teams/" DEMO_TEAM);
    if (rc == CTL_OK)
        printf(msg_tr(M_DEMO_REMOVED), COUNT(demo_customers), COUNT(demo_people), DEMO_TEAM);
    return rc;
}

/* When demo activity i happens, for a seeding hour `anchor`. */
static int64_t demo_time(size_t i, int64_t anchor, const nq_period_t *span)
{
    const demo_activity_t *a = &demo_activities[i];
    int64_t start = span->start_ms;
    nq_period_t day;
    if (nq_period_of(NQ_PERIOD_DAY, start + (anchor - start) / 1000 * a->permille, &day) != 0)
        return anchor;
    /* 09:00 plus up to nine hours, spread by position. */
    int64_t at = day.start_ms + (9 * 60 + (int64_t)(i * 97 % 540)) * 60000;
    return at > anchor ? anchor : at < start ? start : at;
}

/* The demo events as a JSON array, times anchored at the current hour so a
 * re-run within the hour sends identical events. NULL if out of memory. */
static json_t *demo_events(int64_t now_ms)
{
    int64_t anchor = now_ms - now_ms % 3600000;
    nq_period_t week, month;
    if (nq_period_of(NQ_PERIOD_WEEK, anchor, &week) != 0 ||
        nq_period_of(NQ_PERIOD_MONTH, anchor, &month) != 0)
        return NULL;
    json_t *events = json_array();
    for (size_t i = 0; events && i < COUNT(demo_activities); i++) {
        const demo_activity_t *a = &demo_activities[i];
        char id[16], when[40];
        snprintf(id, sizeof(id), "demo-%03zu", i + 1);
        nq_time_format(demo_time(i, anchor, a->in_week ? &week : &month), when, sizeof(when));
        json_t *ev =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "event_id", id, "type", a->type,
                      "salesperson_id", demo_people[a->person].id, "customer_id",
                      demo_customers[a->customer].id, "occurred_at", when, "source", "nqctl-demo");
        if (ev && a->amount)
            json_object_set_new(ev, "amount", json_string(a->amount));
        if (!ev || json_array_append_new(events, ev) != 0) {
            json_decref(events);
            events = NULL;
        }
    }
    return events;
}

static int seed_activities(ctl_t *ctl)
{
    outcome_t o;
    json_t *events = demo_events(nq_now_ms());
    char *body = events ? json_dumps(events, JSON_COMPACT) : NULL;
    json_decref(events);
    if (!body) {
        fprintf(stderr, "%s", msg_tr(M_DEMO_EVENTS_FAILED));
        return CTL_INPUT;
    }
    int rc = ctl_post_events(ctl, body, strlen(body), false, &o);
    free(body);
    if (rc != CTL_OK)
        return rc;
    /* Same ids as an earlier run: a duplicate (same hour) or a conflict (other
     * times). Either way the gateway stored nothing twice. */
    printf(msg_tr(M_DEMO_ACTIVITIES), (long long)o.accepted, (long long)(o.duplicate + o.conflict),
           (long long)o.rejected);
    return o.rejected ? CTL_REFUSED : CTL_OK;
}

/* True when the demo team has a scorecard already (a re-run adds no version). */
static bool demo_has_plans(ctl_t *ctl)
{
    nq_httpc_response_t r;
    if (ctl_call(ctl, "GET", "/api/v1/teams/" DEMO_TEAM "/scorecard", NULL, 0, &r) != CTL_OK)
        return false;
    json_t *doc = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
    bool has = json_array_size(json_object_get(doc, "versions")) > 0;
    json_decref(doc);
    nq_httpc_response_free(&r);
    return has;
}

/* This month's targets (each salesperson and the team), and the team's
 * scorecard and commission plan, so the demo shows attainment and scores. */
static int seed_plans(ctl_t *ctl)
{
    nq_period_t month, year;
    char path[160];
    int64_t now = nq_now_ms();
    if (nq_period_of(NQ_PERIOD_MONTH, now, &month) != 0 ||
        nq_period_of(NQ_PERIOD_YEAR, now, &year) != 0)
        return CTL_INPUT;
    int rc = CTL_OK;
    for (size_t i = 0; rc == CTL_OK && i < COUNT(demo_people); i++) {
        snprintf(path, sizeof(path), "/api/v1/targets/salespeople/%s/month/%s", demo_people[i].id,
                 month.key);
        rc = put_object(ctl, path,
                        json_pack("{s:{s:s, s:i, s:i, s:i, s:f}}", "targets", "sales_amount",
                                  "60000.00", "visits", 8, "calls", 6, "new_customers", 1,
                                  "coverage", 0.8));
    }
    snprintf(path, sizeof(path), "/api/v1/targets/teams/" DEMO_TEAM "/month/%s", month.key);
    if (rc == CTL_OK)
        rc = put_object(ctl, path,
                        json_pack("{s:{s:s, s:i, s:i}}", "targets", "sales_amount", "240000.00",
                                  "visits", 32, "calls", 24));
    char from[32];
    snprintf(from, sizeof(from), "%s-01-01", year.key);
    bool plans = rc == CTL_OK && !demo_has_plans(ctl);
    if (plans)
        rc = put_object(
            ctl, "/api/v1/teams/" DEMO_TEAM "/scorecard",
            json_pack(
                "{s:s, s:[{s:s, s:f, s:f}, {s:s, s:f, s:f}, {s:s, s:f, s:f}, {s:s, s:f, s:f}],"
                " s:[{s:s, s:i}, {s:s, s:i}, {s:s, s:i}, {s:s, s:i}]}",
                "effective_from", from, "metrics", "metric", "sales_amount", "weight", 0.4, "cap",
                1.5, "metric", "visits", "weight", 0.2, "cap", 1.5, "metric", "calls", "weight",
                0.2, "cap", 1.5, "metric", "coverage", "weight", 0.2, "cap", 1.5, "bands", "name",
                "C", "min", 0, "name", "B", "min", 60, "name", "A", "min", 80, "name", "S", "min",
                100));
    if (plans && rc == CTL_OK)
        rc = put_object(ctl, "/api/v1/teams/" DEMO_TEAM "/commission-plan",
                        json_pack("{s:s, s:s, s:[{s:i, s:f}, {s:f, s:f}, {s:f, s:f}],"
                                  " s:{s:f, s:f}}",
                                  "effective_from", from, "metric", "sales_amount", "tiers", "from",
                                  0, "rate", 0.01, "from", 0.8, "rate", 0.02, "from", 1.0, "rate",
                                  0.03, "accelerator", "above", 1.0, "multiplier", 1.5));
    if (rc == CTL_OK)
        printf(msg_tr(plans ? M_DEMO_PLANS_STORED : M_DEMO_PLANS_THERE), month.key);
    return rc;
}

int cmd_seed_demo(ctl_t *ctl, char **argv)
{
    if (ctl_use_zone() != CTL_OK)
        return CTL_USAGE;
    if (ctl->remove)
        return remove_demo(ctl);
    int rc = seed_org(ctl);
    if (rc == CTL_OK)
        rc = seed_activities(ctl);
    return rc == CTL_OK ? seed_plans(ctl) : rc;
}
