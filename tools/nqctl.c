/* nqctl — command line for a running neiqin gateway (HTTP only).
 *
 *   nqctl get /api/v1/salespeople/sp-zhangwei/kpis?period=month
 *   nqctl send events.json            # or - for stdin
 *   nqctl put /api/v1/customers/c-1 customer.json
 *   nqctl seed-demo
 *
 * Commands live in one table {name, handler, arguments, help}; adding one is
 * adding a row. `nqctl help` prints the table, the options and the exit codes.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/httpc.h"
#include "nq/period.h"

#define DEFAULT_URL   "http://127.0.0.1:8080"
#define DEFAULT_ZONE  "Asia/Shanghai"
#define MAX_INPUT     (64 << 20)
#define ACTIVITY_PATH "/api/v1/activities"

/* Exit codes, shown by `nqctl help`. */
enum {
    CTL_OK = 0,          /* done, the gateway answered 2xx */
    CTL_REFUSED = 1,     /* the gateway answered, but not 2xx (or events were rejected) */
    CTL_USAGE = 2,       /* bad command line */
    CTL_INPUT = 3,       /* an input file could not be read or is not the JSON expected */
    CTL_UNREACHABLE = 4, /* no HTTP answer: refused, timed out, not HTTP */
};

typedef struct ctl {
    const char *url;  /* gateway base URL */
    nq_httpc_t *http; /* client, one keep-alive connection */
} ctl_t;

typedef struct command {
    const char *name;                    /* first word on the command line */
    int (*run)(ctl_t *ctl, char **argv); /* argv holds exactly `nargs` words */
    int nargs;                           /* words after the name */
    bool offline;                        /* runs without a gateway (ctl->http is NULL) */
    const char *args;                    /* usage of the words */
    const char *help;                    /* one line */
} command_t;

static int cmd_get(ctl_t *ctl, char **argv);
static int cmd_send(ctl_t *ctl, char **argv);
static int cmd_put(ctl_t *ctl, char **argv);
static int cmd_seed_demo(ctl_t *ctl, char **argv);
static int cmd_help(ctl_t *ctl, char **argv);

static const command_t commands[] = {
    {"get", cmd_get, 1, false, "PATH", "GET PATH and print the body (exit 0 on 2xx)"},
    {"send", cmd_send, 1, false, "FILE|-",
     "POST a JSON event or array of events to " ACTIVITY_PATH " and summarise the answer"},
    {"put", cmd_put, 2, false, "PATH FILE|-",
     "PUT a JSON object to PATH and print the stored object"},
    {"seed-demo", cmd_seed_demo, 0, false, "",
     "store a demo team, salespeople, customers and activities (safe to re-run)"},
    {"help", cmd_help, 0, true, "", "show this help"},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(ctl_t *ctl, char **argv)
{
    printf("usage: nqctl [--url URL] [--timeout MS] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char head[64];
        snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
        printf("  %-24s %s\n", head, commands[i].help);
    }
    printf("\noptions:\n"
           "  --url URL      gateway base URL (env NQ_URL, default " DEFAULT_URL ")\n"
           "  --timeout MS   time allowed per request (default %d)\n"
           "\nenvironment:\n"
           "  NQ_URL         gateway base URL\n"
           "  NQ_ZONE        zone for demo times (default " DEFAULT_ZONE ")\n"
           "\nexit codes:\n"
           "  %d  done; the gateway answered 2xx\n"
           "  %d  the gateway answered with an error, or some events were not stored\n"
           "  %d  bad command line\n"
           "  %d  input file unreadable or not the JSON expected\n"
           "  %d  gateway unreachable (refused, timed out, or not speaking HTTP)\n",
           NQ_HTTPC_TIMEOUT_MS, CTL_OK, CTL_REFUSED, CTL_USAGE, CTL_INPUT, CTL_UNREACHABLE);
    return CTL_OK;
}

/* ------------------------------------------------------------ HTTP helpers */

/* One request. Returns CTL_OK with r filled (any status), or CTL_UNREACHABLE
 * after saying why on stderr. */
static int call(ctl_t *ctl, const char *method, const char *path, const char *body, size_t len,
                nq_httpc_response_t *r)
{
    int rc = nq_httpc_request(ctl->http, method, path, body ? "application/json" : NULL, body, len,
                              "Accept: application/json\r\n", r);
    if (rc == NQ_HTTPC_EINVAL) {
        fprintf(stderr, "nqctl: %s %s: invalid path (must start with '/', no spaces)\n", method,
                path);
        return CTL_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, "nqctl: %s %s%s: %s (is nq-gateway running? set NQ_URL or --url)\n", method,
                ctl->url, path, nq_httpc_strerror(rc));
        return CTL_UNREACHABLE;
    }
    return CTL_OK;
}

/* String member `key` of object j, or "?" when absent. */
static const char *str_of(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "?";
}

static bool is_2xx(int status)
{
    return status >= 200 && status < 300;
}

/* Say on stderr why a request failed: status, the error body's error and
 * detail, each field error, and Retry-After. */
static void explain_failure(const char *method, const char *path, const nq_httpc_response_t *r)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    const char *error = json_string_value(json_object_get(j, "error"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    fprintf(stderr, "nqctl: %s %s: HTTP %d%s%s%s%s\n", method, path, r->status, error ? " " : "",
            error ? error : "", detail ? ": " : "", detail ? detail : "");
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(j, "errors"), i, e)
    {
        fprintf(stderr, "  %s: %s\n", str_of(e, "field"), str_of(e, "reason"));
    }
    if (r->retry_after[0])
        fprintf(stderr, "  the gateway asks to retry after %s s\n", r->retry_after);
    json_decref(j);
}

static void print_body(const nq_httpc_response_t *r)
{
    fwrite(r->body, 1, r->len, stdout);
    if (r->len > 0 && r->body[r->len - 1] != '\n')
        putchar('\n');
}

/* Request, print the body, explain a failure; exit code by status. */
static int call_and_print(ctl_t *ctl, const char *method, const char *path, const char *body,
                          size_t len)
{
    nq_httpc_response_t r;
    int rc = call(ctl, method, path, body, len, &r);
    if (rc == CTL_OK) {
        print_body(&r);
        if (!is_2xx(r.status)) {
            explain_failure(method, path, &r);
            rc = CTL_REFUSED;
        }
    }
    nq_httpc_response_free(&r);
    return rc;
}

/* ------------------------------------------------------------------- input */

/* Read FILE ("-" = stdin) whole. Returns the malloc'd bytes (*len set), or
 * NULL after saying why. */
static char *read_file(const char *file, size_t *len)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "nqctl: %s: %s\n", file, strerror(errno));
        return NULL;
    }
    size_t cap = 0, n = 0, got = 1;
    char *text = NULL;
    const char *why = NULL;
    while (!why && got > 0) {
        if (n == cap) {
            char *p = cap < MAX_INPUT ? realloc(text, cap = cap ? cap * 2 : 65536) : NULL;
            why = cap >= MAX_INPUT && !p ? "larger than 64 MiB" : !p ? "out of memory" : NULL;
            text = p ? p : text;
        }
        got = why ? 0 : fread(text + n, 1, cap - n, f);
        n += got;
        why = why ? why : ferror(f) ? "read error" : NULL;
    }
    if (f != stdin)
        fclose(f);
    if (why) {
        fprintf(stderr, "nqctl: %s: %s\n", file, why);
        free(text);
        return NULL;
    }
    *len = n;
    return text;
}

/* Read FILE and check it is a JSON object (or, when allow_array, an array).
 * Returns the text to send as is, or NULL after saying why. */
static char *read_json(const char *file, bool allow_array, size_t *len)
{
    json_error_t err;
    char *text = read_file(file, len);
    json_t *j = text ? json_loadb(text, *len, JSON_DECODE_ANY, &err) : NULL;
    if (text && !j)
        fprintf(stderr, "nqctl: %s:%d:%d: %s\n", file, err.line, err.column, err.text);
    else if (j && !json_is_object(j) && !(allow_array && json_is_array(j)))
        fprintf(stderr, "nqctl: %s: must hold a JSON object%s\n", file,
                allow_array ? " or an array of objects" : "");
    else if (j)
        goto out;
    free(text);
    text = NULL;
out:
    json_decref(j);
    return text;
}

static bool valid_path_arg(const char *path)
{
    if (path[0] == '/')
        return true;
    fprintf(stderr, "nqctl: PATH must start with '/', e.g. /api/v1/teams/t-east\n");
    return false;
}

/* -------------------------------------------------------------- get / put */

static int cmd_get(ctl_t *ctl, char **argv)
{
    if (!valid_path_arg(argv[0]))
        return CTL_USAGE;
    return call_and_print(ctl, "GET", argv[0], NULL, 0);
}

static int cmd_put(ctl_t *ctl, char **argv)
{
    size_t len;
    if (!valid_path_arg(argv[0]))
        return CTL_USAGE;
    char *body = read_json(argv[1], false, &len);
    if (!body)
        return CTL_INPUT;
    int rc = call_and_print(ctl, "PUT", argv[0], body, len);
    free(body);
    return rc;
}

/* ------------------------------------------------------------------- send */

/* Counters of an activities answer. */
typedef struct outcome {
    json_int_t accepted, duplicate, conflict, rejected;
} outcome_t;

/* Read the counters of an activities answer and list each rejected event
 * with its errors (and each conflict when list_conflicts). Returns false when
 * the body is not such an answer. */
static bool read_outcome(const nq_httpc_response_t *r, bool list_conflicts, outcome_t *o)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL), *res, *e;
    size_t i, k;
    bool ok = json_is_object(j) && json_is_array(json_object_get(j, "results"));
    if (ok)
        ok = json_unpack(j, "{s:I, s:I, s:I, s:I}", "accepted", &o->accepted, "duplicate",
                         &o->duplicate, "conflict", &o->conflict, "rejected", &o->rejected) == 0;
    json_array_foreach(ok ? json_object_get(j, "results") : NULL, i, res)
    {
        const char *status = str_of(res, "status");
        if (strcmp(status, "rejected") != 0 && !(list_conflicts && strcmp(status, "conflict") == 0))
            continue;
        printf("  #%lld %s: %s\n", (long long)json_integer_value(json_object_get(res, "index")),
               str_of(res, "event_id"), status);
        json_array_foreach(json_object_get(res, "errors"), k, e)
        {
            printf("      %s: %s\n", str_of(e, "field"), str_of(e, "reason"));
        }
    }
    json_decref(j);
    return ok;
}

/* POST events (a JSON text) and read the outcome. Returns CTL_OK when the
 * gateway answered with per-event results, else explains and fails. */
static int post_events(ctl_t *ctl, const char *body, size_t len, bool list_conflicts, outcome_t *o)
{
    nq_httpc_response_t r;
    int rc = call(ctl, "POST", ACTIVITY_PATH, body, len, &r);
    if (rc == CTL_OK && !read_outcome(&r, list_conflicts, o)) {
        explain_failure("POST", ACTIVITY_PATH, &r);
        rc = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    return rc;
}

static int cmd_send(ctl_t *ctl, char **argv)
{
    size_t len;
    outcome_t o;
    char *body = read_json(argv[0], true, &len);
    if (!body)
        return CTL_INPUT;
    int rc = post_events(ctl, body, len, true, &o);
    free(body);
    if (rc != CTL_OK)
        return rc;
    printf("accepted %lld, duplicate %lld, conflict %lld, rejected %lld\n", (long long)o.accepted,
           (long long)o.duplicate, (long long)o.conflict, (long long)o.rejected);
    return o.conflict || o.rejected ? CTL_REFUSED : CTL_OK;
}

/* -------------------------------------------------------------- seed-demo */

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
        fprintf(stderr, "nqctl: out of memory\n");
        return CTL_INPUT;
    }
    int rc = call(ctl, "PUT", path, body, strlen(body), &r);
    if (rc == CTL_OK && !is_2xx(r.status)) {
        explain_failure("PUT", path, &r);
        rc = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    free(body);
    return rc;
}

static int seed_org(ctl_t *ctl)
{
    char path[128];
    json_t *members = json_array();
    for (size_t i = 0; i < COUNT(demo_people); i++)
        json_array_append_new(members, json_string(demo_people[i].id));
    int rc = put_object(ctl, "/api/v1/teams/" DEMO_TEAM,
                        json_pack("{s:s, s:[s], s:o}", "name", DEMO_TEAM_NAME, "coordinators",
                                  DEMO_COORDINATOR, "members", members));
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
        printf("team %s %s, %zu salespeople, %zu customers stored\n", DEMO_TEAM, DEMO_TEAM_NAME,
               COUNT(demo_people), COUNT(demo_customers));
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
        fprintf(stderr, "nqctl: cannot build the demo events\n");
        return CTL_INPUT;
    }
    int rc = post_events(ctl, body, strlen(body), false, &o);
    free(body);
    if (rc != CTL_OK)
        return rc;
    /* Same ids as an earlier run: a duplicate (same hour) or a conflict (other
     * times). Either way the gateway stored nothing twice. */
    printf("activities: %lld new, %lld already present, %lld rejected\n", (long long)o.accepted,
           (long long)(o.duplicate + o.conflict), (long long)o.rejected);
    return o.rejected ? CTL_REFUSED : CTL_OK;
}

static int cmd_seed_demo(ctl_t *ctl, char **argv)
{
    const char *zone = getenv("NQ_ZONE");
    if (nq_zone_set(zone && *zone ? zone : DEFAULT_ZONE) != 0) {
        fprintf(stderr, "nqctl: NQ_ZONE: unknown zone '%s'\n", zone);
        return CTL_USAGE;
    }
    int rc = seed_org(ctl);
    return rc == CTL_OK ? seed_activities(ctl) : rc;
}

/* -------------------------------------------------------------------- main */

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Value of "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nqctl: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nrun 'nqctl help' for the commands\n");
    return CTL_USAGE;
}

int main(int argc, char **argv)
{
    ctl_t ctl = {.url = getenv("NQ_URL")};
    int timeout = 0, i = 1;
    const char *v;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if ((v = option_value(argc, argv, &i, "--url")))
            ctl.url = v;
        else if ((v = option_value(argc, argv, &i, "--timeout")) && (timeout = atoi(v)) <= 0)
            return usage_error("--timeout: expected milliseconds > 0, got '%s'", v);
        else if (strcmp(argv[i], "--help") == 0)
            return cmd_help(&ctl, NULL);
        else if (!v)
            return usage_error("bad option '%s' (or its value is missing)", argv[i]);
    }
    if (i == argc)
        return usage_error("%s", "missing command");
    const command_t *cmd = find_command(argv[i]);
    if (!cmd)
        return usage_error("unknown command '%s'", argv[i]);
    if (argc - i - 1 != cmd->nargs) {
        fprintf(stderr, "usage: nqctl %s %s\n", cmd->name, cmd->args);
        return CTL_USAGE;
    }
    if (!ctl.url || !*ctl.url)
        ctl.url = DEFAULT_URL;
    ctl.http = cmd->offline ? NULL : nq_httpc_new(ctl.url);
    if (!cmd->offline && !ctl.http)
        return usage_error("bad gateway URL '%s' (expected http://host:port)", ctl.url);
    if (ctl.http && timeout > 0)
        nq_httpc_set_timeout(ctl.http, timeout);
    int rc = cmd->run(&ctl, argv + i + 1);
    nq_httpc_destroy(&ctl.http);
    return rc;
}
