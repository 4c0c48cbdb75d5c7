/* nqctl — command line for a running neiqin gateway (HTTP only).
 *
 *   nqctl get /api/v1/salespeople/sp-zhangwei/kpis?period=month
 *   nqctl send events.json            # or - for stdin
 *   nqctl put /api/v1/customers/c-1 customer.json
 *   nqctl seed-demo                   # --remove deletes the demo org
 *   nqctl import activities events.csv --batch 1000
 *   nqctl import targets targets-2026.csv
 *   nqctl import salespeople 业务员.csv --encoding gbk
 *
 * Commands live in one table {name, handler, arguments, help}, options in
 * another; adding one is adding a row. `nqctl help` prints both tables and
 * the exit codes. Every message is in msg_en.h and msg_zh.c (NQ_LANG or
 * --lang, else the locale). docs/nqctl.md is the manual.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "import_activity.h"
#include "import_csv.h"
#include "import_org.h"
#include "import_target.h"
#include "import_text.h"
#include "import_value.h"
#include "msg.h"
#include "nq/buf.h"
#include "nq/httpc.h"
#include "nq/period.h"
#include "nq/utf8.h"

#define DEFAULT_URL   "http://127.0.0.1:8080"
#define DEFAULT_ZONE  "Asia/Shanghai"
#define MAX_INPUT     (64 << 20)
#define ACTIVITY_PATH "/api/v1/activities"

/* import: events per request, and the body size at which a batch is sent
 * before it is full (well under the gateway's 4 MiB NQ_MAX_BODY_BYTES). */
#define IMPORT_BATCH_DEFAULT 500
#define IMPORT_BATCH_MAX     5000
#define IMPORT_BATCH_BYTES   (1 << 20)
/* import: tries of one request while the gateway answers 503 or cannot be
 * reached, and the longest wait between two. */
#define IMPORT_TRIES       10
#define IMPORT_BACKOFF_MS  500
#define IMPORT_MAX_WAIT_MS 30000
/* import: progress every 250 ms on a terminal, every 10 s otherwise. */
#define PROGRESS_TTY_MS 250
#define PROGRESS_LOG_MS 10000
#define REJECTS_SUFFIX  ".rejects.ndjson"
/* import targets, teams...: room for any path of a row */
#define IMPORT_PUT_PATH_MAX                                                                        \
    (IMPORT_TARGET_PATH_MAX > IMPORT_ORG_PATH_MAX ? IMPORT_TARGET_PATH_MAX : IMPORT_ORG_PATH_MAX)

#define STR_(x) #x
#define STR(x)  STR_(x)

/* Exit codes, shown by `nqctl help`. */
enum {
    CTL_OK = 0,          /* done, the gateway answered 2xx */
    CTL_REFUSED = 1,     /* the gateway answered, but not 2xx (or events were rejected) */
    CTL_USAGE = 2,       /* bad command line */
    CTL_INPUT = 3,       /* an input file could not be read or is not the JSON expected */
    CTL_UNREACHABLE = 4, /* no HTTP answer: refused, timed out, not HTTP */
};

typedef struct ctl {
    const char *url;       /* gateway base URL */
    nq_httpc_t *http;      /* client, one keep-alive connection */
    int timeout_ms;        /* --timeout, 0 = the client's default */
    const char *format;    /* --format: "csv", "ndjson", or NULL (by the file's extension) */
    long batch;            /* --batch: events per request of import activities */
    const char *rejects;   /* --rejects: rejects file of import, NULL = FILE.rejects.ndjson */
    const char *from;      /* --from: rebuild only periods ending after this date */
    import_enc_t encoding; /* --encoding of import files, IMPORT_ENC_AUTO = detect */
    char headers[96];      /* extra request headers: Accept and Accept-Language */
    bool remove;           /* --remove: seed-demo deletes the demo org instead */
} ctl_t;

typedef struct command {
    const char *name;                    /* word(s) on the command line: "get", "import targets" */
    int (*run)(ctl_t *ctl, char **argv); /* argv holds exactly `nargs` words */
    int nargs;                           /* words after the name */
    bool offline;                        /* runs without a gateway (ctl->http is NULL) */
    const char *args;                    /* usage of the words */
    const char *help;                    /* one line (a message) */
} command_t;

static int cmd_get(ctl_t *ctl, char **argv);
static int cmd_send(ctl_t *ctl, char **argv);
static int cmd_put(ctl_t *ctl, char **argv);
static int cmd_seed_demo(ctl_t *ctl, char **argv);
static int cmd_import_activities(ctl_t *ctl, char **argv);
static int cmd_import_targets(ctl_t *ctl, char **argv);
static int cmd_import_teams(ctl_t *ctl, char **argv);
static int cmd_import_salespeople(ctl_t *ctl, char **argv);
static int cmd_import_customers(ctl_t *ctl, char **argv);
static int cmd_rebuild(ctl_t *ctl, char **argv);
static int cmd_help(ctl_t *ctl, char **argv);

static const command_t commands[] = {
    {"get", cmd_get, 1, false, "PATH", M_HELP_GET},
    {"send", cmd_send, 1, false, "FILE|-", M_HELP_SEND},
    {"put", cmd_put, 2, false, "PATH FILE|-", M_HELP_PUT},
    {"seed-demo", cmd_seed_demo, 0, false, "", M_HELP_SEED_DEMO},
    {"import activities", cmd_import_activities, 1, false, "FILE|-", M_HELP_IMPORT_ACTIVITIES},
    {"import targets", cmd_import_targets, 1, false, "FILE|-", M_HELP_IMPORT_TARGETS},
    {"import teams", cmd_import_teams, 1, false, "FILE|-", M_HELP_IMPORT_TEAMS},
    {"import salespeople", cmd_import_salespeople, 1, false, "FILE|-", M_HELP_IMPORT_SALESPEOPLE},
    {"import customers", cmd_import_customers, 1, false, "FILE|-", M_HELP_IMPORT_CUSTOMERS},
    {"rebuild", cmd_rebuild, 0, false, "", M_HELP_REBUILD},
    {"help", cmd_help, 0, true, "", M_HELP_HELP},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Options, anywhere on the command line: "--name VALUE" or "--name=VALUE". */
typedef struct option {
    const char *name;                              /* "--url" */
    const char *arg;                               /* its value's name, NULL for a flag */
    const char *(*set)(ctl_t *ctl, const char *v); /* NULL, or why v is refused (a message) */
    const char *help;                              /* one line (a message) */
} option_t;

static const char *set_url(ctl_t *ctl, const char *v)
{
    ctl->url = v;
    return NULL;
}

static const char *set_timeout(ctl_t *ctl, const char *v)
{
    char *end;
    long ms = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || ms <= 0 || ms > 3600000)
        return M_OPT_TIMEOUT;
    ctl->timeout_ms = (int)ms;
    return NULL;
}

static const char *set_from(ctl_t *ctl, const char *v)
{
    int64_t ms;
    if (nq_time_parse(v, &ms, NULL) != 0)
        return M_OPT_FROM;
    ctl->from = v;
    return NULL;
}

static const char *set_format(ctl_t *ctl, const char *v)
{
    if (strcmp(v, "csv") != 0 && strcmp(v, "ndjson") != 0)
        return M_OPT_FORMAT;
    ctl->format = v;
    return NULL;
}

static const char *set_batch(ctl_t *ctl, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < 1 || n > IMPORT_BATCH_MAX)
        return M_OPT_BATCH;
    ctl->batch = n;
    return NULL;
}

static const char *set_remove(ctl_t *ctl, const char *v)
{
    ctl->remove = true;
    return NULL;
}

static const char *set_rejects(ctl_t *ctl, const char *v)
{
    if (!*v)
        return M_OPT_REJECTS;
    ctl->rejects = v;
    return NULL;
}

static const char *set_encoding(ctl_t *ctl, const char *v)
{
    return import_enc_parse(v, &ctl->encoding) == 0 ? NULL : M_OPT_ENCODING;
}

static const char *set_lang(ctl_t *ctl, const char *v)
{
    int lang = msg_lang_choose(v, NULL, NULL, NULL, NULL);
    if (lang < 0)
        return M_OPT_LANG;
    msg_set_lang((msg_lang_t)lang);
    return NULL;
}

static const option_t options[] = {
    {"--url", "URL", set_url, M_HELP_OPT_URL},
    {"--timeout", "MS", set_timeout, M_HELP_OPT_TIMEOUT},
    {"--format", "csv|ndjson", set_format, M_HELP_OPT_FORMAT},
    {"--batch", "N", set_batch, M_HELP_OPT_BATCH},
    {"--rejects", "PATH", set_rejects, M_HELP_OPT_REJECTS},
    {"--encoding", "ENC", set_encoding, M_HELP_OPT_ENCODING},
    {"--lang", "zh-CN|en", set_lang, M_HELP_OPT_LANG},
    {"--from", "DATE", set_from, M_HELP_OPT_FROM},
    {"--remove", NULL, set_remove, M_HELP_OPT_REMOVE},
    {"--help", NULL, NULL, M_HELP_HELP},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static int cmd_help(ctl_t *ctl, char **argv)
{
    char head[64];
    printf("%s", msg_tr(M_HELP_USAGE));
    for (size_t i = 0; i < N_COMMANDS; i++) {
        snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
        printf("  %-30s %s\n", head, msg_tr(commands[i].help));
    }
    printf("%s", msg_tr(M_HELP_OPTIONS));
    for (size_t i = 0; i < N_OPTIONS; i++) {
        snprintf(head, sizeof(head), "%s %s", options[i].name,
                 options[i].arg ? options[i].arg : "");
        printf("  %-30s %s\n", head, msg_tr(options[i].help));
    }
    printf(msg_tr(M_HELP_ENVIRONMENT), DEFAULT_URL, DEFAULT_ZONE);
    printf(msg_tr(M_HELP_EXIT_CODES), CTL_OK, CTL_REFUSED, CTL_USAGE, CTL_INPUT, CTL_UNREACHABLE);
    return CTL_OK;
}

/* ------------------------------------------------------------ HTTP helpers */

/* One request with a body of type ctype (or none). Returns 0 with r filled
 * (any status), or a negative NQ_HTTPC_E* code. Says nothing. */
static int request(ctl_t *ctl, const char *method, const char *path, const char *ctype,
                   const char *body, size_t len, nq_httpc_response_t *r)
{
    return nq_httpc_request(ctl->http, method, path, body ? ctype : NULL, body, len, ctl->headers,
                            r);
}

/* One request with a JSON body (or none). Returns CTL_OK with r filled (any
 * status), or CTL_USAGE / CTL_UNREACHABLE after saying why on stderr. */
static int call(ctl_t *ctl, const char *method, const char *path, const char *body, size_t len,
                nq_httpc_response_t *r)
{
    int rc = request(ctl, method, path, "application/json", body, len, r);
    if (rc == NQ_HTTPC_EINVAL) {
        fprintf(stderr, msg_tr(M_BAD_PATH), method, path);
        return CTL_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, msg_tr(M_UNREACHABLE), method, ctl->url, path,
                msg_tr(nq_httpc_strerror(rc)));
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

/* "unavailable: activity log saturated" from an error body's error and
 * detail, or "" when it has neither. */
static void error_text(const nq_httpc_response_t *r, char *buf, size_t len)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    const char *error = json_string_value(json_object_get(j, "error"));
    const char *detail = json_string_value(json_object_get(j, "detail"));
    snprintf(buf, len, "%s%s%s", error ? error : "", error && detail ? ": " : "",
             detail ? detail : "");
    json_decref(j);
}

/* Say on stderr why a request failed: status, the error body's error and
 * detail, each field error, and Retry-After. */
static void explain_failure(const char *method, const char *path, const nq_httpc_response_t *r)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    char text[512];
    error_text(r, text, sizeof(text));
    fprintf(stderr, msg_tr(M_HTTP_FAILED), method, path, r->status, *text ? " " : "", text);
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get(j, "errors"), i, e) {
        fprintf(stderr, "  %s: %s\n", str_of(e, "field"), str_of(e, "reason"));
    }
    if (r->retry_after[0])
        fprintf(stderr, msg_tr(M_RETRY_AFTER), r->retry_after);
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
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, strerror(errno));
        return NULL;
    }
    nq_buf_t text = NQ_BUF_INIT;
    const char *why = NULL;
    for (size_t got = 1; !why && got > 0;) {
        if (text.len >= MAX_INPUT)
            why = M_FILE_TOO_BIG;
        else if (nq_buf_avail(&text) == 0 && nq_buf_grow(&text, 65536) != 0)
            why = M_OUT_OF_MEMORY;
        size_t room = nq_buf_avail(&text), left = MAX_INPUT - text.len;
        got = why ? 0 : fread(text.buf + text.len, 1, room < left ? room : left, f);
        nq_buf_setlen(&text, text.len + got);
        why = why ? why : ferror(f) ? M_READ_ERROR : NULL;
    }
    if (f != stdin)
        fclose(f);
    char *bytes = why ? NULL : nq_buf_detach(&text, len);
    if (!bytes) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, msg_tr(why ? why : M_OUT_OF_MEMORY));
        nq_buf_release(&text);
    }
    return bytes;
}

/* Read FILE and check it is a JSON object (or, when allow_array, an array).
 * Returns the text to send as is, or NULL after saying why. */
static char *read_json(const char *file, bool allow_array, size_t *len)
{
    json_error_t err;
    char *text = read_file(file, len);
    json_t *j = text ? json_loadb(text, *len, JSON_DECODE_ANY, &err) : NULL;
    if (text && !j)
        fprintf(stderr, msg_tr(M_JSON_ERROR), file, err.line, err.column, err.text);
    else if (j && !json_is_object(j) && !(allow_array && json_is_array(j)))
        fprintf(stderr, msg_tr(allow_array ? M_JSON_NOT_OBJECT_OR_ARRAY : M_JSON_NOT_OBJECT), file);
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
    fprintf(stderr, "%s", msg_tr(M_PATH_SLASH));
    return false;
}

/* -------------------------------------------------------------- get / put */

/* ---- rebuild ------------------------------------------------------------------ */

#define REBUILD_PATH    "/api/v1/admin/rebuild"
#define REBUILD_POLL_US 500000

/* GET the rebuild status into *status (caller decrefs). Returns CTL_* . */
static int rebuild_status(ctl_t *ctl, json_t **status)
{
    nq_httpc_response_t r;
    int rc = call(ctl, "GET", REBUILD_PATH, NULL, 0, &r);
    if (rc != CTL_OK)
        return rc;
    *status = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
    if (!*status)
        fprintf(stderr, msg_tr(M_HTTP_BODY), "GET", REBUILD_PATH, r.status, r.body ? r.body : "");
    nq_httpc_response_free(&r);
    return *status ? CTL_OK : CTL_REFUSED;
}

/* Ask for a rebuild (or follow the one running), then show its progress
 * until it is done or failed. */
static int cmd_rebuild(ctl_t *ctl, char **argv)
{
    char body[128] = "";
    if (ctl->from)
        snprintf(body, sizeof(body), "{\"from\":\"%s\"}", ctl->from);
    nq_httpc_response_t r;
    int rc = call(ctl, "POST", REBUILD_PATH, *body ? body : NULL, strlen(body), &r);
    if (rc != CTL_OK)
        return rc;
    bool running = r.status == 400 && r.body && strstr(r.body, "already running");
    if (!is_2xx(r.status) && !running) {
        fprintf(stderr, msg_tr(M_REBUILD_REFUSED), r.status, r.body ? r.body : "");
        nq_httpc_response_free(&r);
        return CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
    fprintf(stderr, "%s", msg_tr(running ? M_REBUILD_FOLLOWING : M_REBUILD_REQUESTED));
    for (;;) {
        json_t *st = NULL;
        if ((rc = rebuild_status(ctl, &st)) != CTL_OK)
            return rc;
        const char *state = str_of(st, "state");
        long long scanned = json_integer_value(json_object_get(st, "scanned"));
        long long total = json_integer_value(json_object_get(st, "total"));
        fprintf(stderr, msg_tr(M_REBUILD_PROGRESS), state, scanned, total,
                total > 0 ? 100.0 * (double)scanned / (double)total : 0.0);
        bool done = strcmp(state, "done") == 0, failed = strcmp(state, "failed") == 0;
        if (failed)
            fprintf(stderr, msg_tr(M_REBUILD_FAILED), str_of(st, "error"));
        else if (done)
            fprintf(stderr, "%s", msg_tr(M_REBUILD_DONE));
        json_decref(st);
        if (done || failed)
            return done ? CTL_OK : CTL_REFUSED;
        usleep(REBUILD_POLL_US);
    }
}

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

/* Called for each result of an activities answer that is not accepted or
 * duplicate (a borrowed {"index","event_id","status","errors"} object). */
typedef void (*result_fn)(const json_t *result, void *data);

/* Read the counters of an activities answer and pass each rejected or
 * conflicting result to `each`. Returns false when the body is not such an
 * answer. */
static bool read_outcome(const nq_httpc_response_t *r, outcome_t *o, result_fn each, void *data)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL), *res;
    size_t i;
    bool ok = json_is_object(j) && json_is_array(json_object_get(j, "results"));
    if (ok)
        ok = json_unpack(j, "{s:I, s:I, s:I, s:I}", "accepted", &o->accepted, "duplicate",
                         &o->duplicate, "conflict", &o->conflict, "rejected", &o->rejected) == 0;
    json_array_foreach (ok ? json_object_get(j, "results") : NULL, i, res) {
        const char *status = str_of(res, "status");
        if (strcmp(status, "rejected") == 0 || strcmp(status, "conflict") == 0)
            each(res, data);
    }
    json_decref(j);
    return ok;
}

/* result_fn of send and seed-demo: print the result and its errors on
 * stdout; conflicts only when *(bool *)list_conflicts. */
static void print_result(const json_t *res, void *list_conflicts)
{
    size_t k;
    json_t *e;
    const char *status = str_of(res, "status");
    if (strcmp(status, "conflict") == 0 && !*(bool *)list_conflicts)
        return;
    printf("  #%lld %s: %s\n", (long long)json_integer_value(json_object_get(res, "index")),
           str_of(res, "event_id"), status);
    json_array_foreach (json_object_get(res, "errors"), k, e) {
        printf("      %s: %s\n", str_of(e, "field"), str_of(e, "reason"));
    }
}

/* POST events (a JSON text) and read the outcome. Returns CTL_OK when the
 * gateway answered with per-event results, else explains and fails. */
static int post_events(ctl_t *ctl, const char *body, size_t len, bool list_conflicts, outcome_t *o)
{
    nq_httpc_response_t r;
    int rc = call(ctl, "POST", ACTIVITY_PATH, body, len, &r);
    if (rc == CTL_OK && !read_outcome(&r, o, print_result, &list_conflicts)) {
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
    printf(msg_tr(M_SEND_COUNTS), (long long)o.accepted, (long long)o.duplicate,
           (long long)o.conflict, (long long)o.rejected);
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
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
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
    int rc = call(ctl, "DELETE", path, NULL, 0, &r);
    if (rc == CTL_OK && !is_2xx(r.status) && r.status != 404) {
        explain_failure("DELETE", path, &r);
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
    int rc = post_events(ctl, body, strlen(body), false, &o);
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
    if (call(ctl, "GET", "/api/v1/teams/" DEMO_TEAM "/scorecard", NULL, 0, &r) != CTL_OK)
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

/* Compute periods and read local times in NQ_ZONE (default Asia/Shanghai).
 * Returns CTL_OK, or CTL_USAGE after saying why. */
static int use_zone(void)
{
    const char *zone = getenv("NQ_ZONE");
    if (nq_zone_set(zone && *zone ? zone : DEFAULT_ZONE) == 0)
        return CTL_OK;
    fprintf(stderr, msg_tr(M_BAD_ZONE), zone);
    return CTL_USAGE;
}

static int cmd_seed_demo(ctl_t *ctl, char **argv)
{
    if (use_zone() != CTL_OK)
        return CTL_USAGE;
    if (ctl->remove)
        return remove_demo(ctl);
    int rc = seed_org(ctl);
    if (rc == CTL_OK)
        rc = seed_activities(ctl);
    return rc == CTL_OK ? seed_plans(ctl) : rc;
}

/* ------------------------------------------------------------------ import */

#define SHOW_REFUSALS 20 /* refused rows told on stderr; all of them go to the rejects file */

/* The plan of a file sent row by row: targets, or teams / salespeople /
 * customers. Exactly one is set. */
typedef struct put_plan {
    import_target_plan_t *target; /* import targets */
    import_org_plan_t *org;       /* import teams, salespeople, customers */
} put_plan_t;

/* One import run: the input, the batch being built, the counts, the rejects
 * file, the progress shown. Lives on the stack of the command. */
typedef struct import {
    ctl_t *ctl;                        /* gateway and options */
    const char *what;                  /* M_WHAT_EVENTS or M_WHAT_ROWS, for messages */
    const char *file;                  /* input path, "-" for stdin */
    bool csv;                          /* CSV (else NDJSON) */
    FILE *in;                          /* the input */
    import_text_t *text;               /* its bytes as UTF-8 */
    import_csv_t *reader;              /* its records */
    uint64_t size;                     /* input bytes, 0 when unknown (not a regular file) */
    const import_activity_plan_t *act; /* import activities (CSV): names of columns */
    const put_plan_t *put;             /* the other imports: likewise */
    char *rejects_path;                /* rejects file name (malloc'd) */
    FILE *rejects;                     /* the rejects file, open once the header is read */
    uint64_t rejects_n;                /* lines written to it */
    bool rejects_failed;               /* a write to it failed */
    uint64_t told;                     /* refused rows told on stderr (or not: past the cap) */
    nq_buf_t body;                     /* import activities: NDJSON of the batch */
    long *lines;                       /* line of each event of the batch */
    size_t n, max;                     /* events in the batch / most per batch */
    uint64_t sent;                     /* events or rows the gateway answered for */
    uint64_t requests;                 /* requests answered */
    uint64_t accepted;                 /* stored (activities: accepted; others: 2xx) */
    uint64_t duplicate;                /* activities: already stored with the same content */
    uint64_t conflict;                 /* activities: already stored with other content */
    uint64_t rejected;                 /* refused by the gateway */
    uint64_t local;                    /* refused here, never sent */
    bool tty;                          /* stderr is a terminal */
    bool progress_shown;               /* a progress line is on the terminal, to clear */
    int64_t start_ms;                  /* monotonic clock at the start */
    int64_t shown_ms;                  /* monotonic clock of the last progress */
    uint64_t offset;                   /* input bytes handled (sent or rejected) */
    int stop;                          /* CTL_OK, or the exit code that stopped the run */
} import_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Clear the terminal's progress line before anything else goes to stderr. */
static void progress_clear(import_t *imp)
{
    if (imp->progress_shown)
        fputs("\r\033[K", stderr);
    imp->progress_shown = false;
}

/* A line on stderr: "nqctl: " and the message. */
__attribute__((format(printf, 2, 3))) static void say(import_t *imp, const char *fmt, ...)
{
    va_list ap;
    progress_clear(imp);
    fputs("nqctl: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* "1:05" or "2:03:10". */
static void format_duration(double s, char *buf, size_t len)
{
    long t = s < 0 ? 0 : s > 359999 ? 359999 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Progress on stderr: at most every PROGRESS_TTY_MS on a terminal (one line
 * rewritten in place), else a line every PROGRESS_LOG_MS. Done = events or
 * rows answered or rejected here; the share of the file, the total and the
 * time left are estimated from the bytes handled. */
static void progress(import_t *imp)
{
    int64_t now = mono_ms();
    if (now - imp->shown_ms < (imp->tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS))
        return;
    imp->shown_ms = now;
    uint64_t done = imp->sent + imp->local;
    double elapsed = (double)(now - imp->start_ms) / 1000.0;
    double share = imp->size > 0 ? (double)imp->offset / (double)imp->size : 0;
    char total[96] = "", eta[64] = "", left[48];
    share = share > 1 ? 1 : share;
    if (share > 0) {
        format_duration(elapsed * (1 - share) / share, left, sizeof(left));
        snprintf(total, sizeof(total), msg_tr(M_PROGRESS_TOTAL), (double)done / share, 100 * share);
        snprintf(eta, sizeof(eta), msg_tr(M_PROGRESS_ETA), left);
    }
    fputs(imp->tty ? "\r\033[K" : "nqctl: ", stderr);
    fprintf(stderr, msg_tr(M_PROGRESS), (unsigned long long)done, msg_tr(imp->what), total,
            elapsed > 0 ? (double)done / elapsed : 0.0, msg_tr(imp->what), eta);
    fputs(imp->tty ? "" : "\n", stderr);
    imp->progress_shown = imp->tty;
}

/* A JSON string of s; an incomplete UTF-8 character at the end (a reason
 * cut to fit) is dropped, other bytes that are not UTF-8 become '?'. New
 * reference (null for NULL). */
static json_t *safe_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    char *copy = strdup(s);
    size_t n = copy ? strlen(copy) : 0, i = 0;
    while (i < n) {
        size_t len = nq_utf8_seq(copy + i, n - i, NULL);
        if (len == 0 && nq_utf8_cut(copy + i, n - i))
            copy[n = i] = '\0';
        else if (len == 0)
            copy[i++] = '?';
        else
            i += len;
    }
    v = json_string(copy ? copy : "?");
    free(copy);
    return v;
}

/* Field errors as the gateway writes them: [{"field":..,"reason":..}]. */
static json_t *errors_json(const nq_field_errors_t *errs)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < errs->n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o}", "field", safe_string(errs->items[i].field),
                                           "reason", safe_string(errs->items[i].reason)));
    if (a && errs->dropped)
        json_array_append_new(
            a, json_pack("{s:s, s:s}", "field", "(more)", "reason", msg_tr(M_MORE_ERRORS)));
    return a;
}

/* The header's name of the column holding the API field `field`, or NULL. */
static const char *column_of(const import_t *imp, const char *field)
{
    if (imp->act)
        return import_activity_label(imp->act, field);
    if (imp->put && imp->put->target)
        return import_target_label(imp->put->target, field);
    if (imp->put && imp->put->org)
        return import_org_label(imp->put->org, field);
    return NULL;
}

/* Tell a refused row on stderr, one line per error ("line 12, column 金额:
 * expected ..."); a field of the gateway's is named as the header names it.
 * Only the first SHOW_REFUSALS rows: the rejects file has them all. */
static void tell_refusal(import_t *imp, long line, const char *status, const json_t *errors,
                         bool local)
{
    size_t i;
    json_t *e;
    if (imp->told++ >= SHOW_REFUSALS)
        return;
    if (json_array_size(errors) == 0)
        say(imp, msg_tr(strcmp(status, "conflict") == 0 ? M_REFUSAL_CONFLICT : M_REFUSAL_BARE),
            line);
    json_array_foreach (errors, i, e) {
        const char *field = str_of(e, "field"), *reason = str_of(e, "reason");
        const char *label = local ? field : column_of(imp, field);
        if (field[0] == '(')
            say(imp, msg_tr(M_REFUSAL_ROW), line, reason);
        else
            say(imp, msg_tr(M_REFUSAL_COLUMN), line, label ? label : field, reason);
    }
}

/* Write one rejects line: `entry` (stolen) gets "line", "status", "by" and
 * "errors" (stolen; NULL for none). The first ones are told on stderr too. */
static void write_reject(import_t *imp, json_t *entry, long line, const char *status, bool local,
                         json_t *errors)
{
    errors = errors ? errors : json_array();
    tell_refusal(imp, line, status, errors, local);
    if (entry && json_object_set_new(entry, "line", json_integer(line)) == 0 &&
        json_object_set_new(entry, "status", json_string(status)) == 0 &&
        json_object_set_new(entry, "by", json_string(local ? "nqctl" : "gateway")) == 0 &&
        json_object_set_new(entry, "errors", errors) == 0 &&
        json_dumpf(entry, imp->rejects, JSON_COMPACT) == 0 && fputc('\n', imp->rejects) != EOF)
        imp->rejects_n++;
    else
        imp->rejects_failed = true;
    json_decref(entry);
}

/* An entry naming an event: {"event_id": id or null}. */
static json_t *event_entry(const char *event_id)
{
    return json_pack("{s:o}", "event_id", safe_string(event_id));
}

/* A row refused here: counted and written to the rejects file. */
static void reject_local(import_t *imp, long line, json_t *entry, const nq_field_errors_t *errs)
{
    imp->local++;
    write_reject(imp, entry, line, "rejected", true, errors_json(errs));
}

/* The rejects file name: --rejects, or FILE.rejects.ndjson ("stdin..." for -). */
static char *rejects_name(const import_t *imp)
{
    const char *given = imp->ctl->rejects;
    const char *base = strcmp(imp->file, "-") == 0 ? "stdin" : imp->file;
    size_t len = given ? strlen(given) + 1 : strlen(base) + sizeof(REJECTS_SUFFIX);
    char *name = malloc(len);
    if (name)
        snprintf(name, len, "%s%s", given ? given : base, given ? "" : REJECTS_SUFFIX);
    return name;
}

/* Why reading the input failed: the text layer's reason or errno's. */
static const char *read_error(const import_t *imp)
{
    const char *why = imp->text ? import_text_why(imp->text) : NULL;
    return why ? why : strerror(errno);
}

/* Open the input, find its size, set up the reader (through the encoding
 * layer). Returns CTL_OK, or CTL_INPUT / CTL_USAGE after saying why. */
static int import_open(import_t *imp, ctl_t *ctl, const char *file, bool csv, const char *what)
{
    static const import_csv_options_t csv_opt = IMPORT_CSV_DEFAULTS, lines_opt = IMPORT_CSV_LINES;
    struct stat st;
    memset(imp, 0, sizeof(*imp));
    nq_buf_init(&imp->body);
    imp->ctl = ctl;
    imp->file = file;
    imp->csv = csv;
    imp->what = what;
    imp->tty = isatty(STDERR_FILENO);
    imp->start_ms = imp->shown_ms = mono_ms();
    if (use_zone() != CTL_OK)
        return CTL_USAGE;
    imp->in = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    if (!imp->in) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), file, strerror(errno));
        return CTL_INPUT;
    }
    if (fstat(fileno(imp->in), &st) == 0 && S_ISREG(st.st_mode))
        imp->size = (uint64_t)st.st_size;
    imp->text = import_text_new(ctl->encoding, import_csv_read_file, imp->in);
    if (!imp->text) {
        fprintf(stderr, msg_tr(M_NO_ICONV), import_enc_name(ctl->encoding));
        return CTL_INPUT;
    }
    imp->reader = import_csv_new(csv ? &csv_opt : &lines_opt, import_text_read, imp->text);
    if (!imp->reader) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        return CTL_INPUT;
    }
    return CTL_OK;
}

/* Bytes of the input handled, for progress. */
static uint64_t input_offset(const import_t *imp)
{
    return import_text_in_offset(imp->text, import_csv_offset(imp->reader));
}

/* Read the CSV header into *row. Returns CTL_OK or CTL_INPUT after saying why. */
static int read_header(import_t *imp, import_csv_row_t *row)
{
    const char *why = "";
    int rc = import_csv_next(imp->reader, row, &why);
    if (rc == IMPORT_CSV_ROW)
        return CTL_OK;
    if (rc == IMPORT_CSV_END)
        fprintf(stderr, msg_tr(M_FILE_EMPTY), imp->file);
    else if (rc == IMPORT_CSV_EBAD)
        fprintf(stderr, msg_tr(M_FILE_HEADER), imp->file, row->line, why);
    else
        fprintf(stderr, msg_tr(M_FILE_ERROR), imp->file,
                rc == IMPORT_CSV_EREAD ? read_error(imp) : msg_tr(M_OUT_OF_MEMORY));
    return CTL_INPUT;
}

/* Create (truncate) the rejects file; it is removed at the end when nothing
 * was rejected. Refuses to overwrite the input. Returns CTL_OK, or CTL_USAGE
 * / CTL_INPUT after saying why. */
static int rejects_open(import_t *imp)
{
    struct stat in, out;
    if (!(imp->rejects_path = rejects_name(imp))) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        return CTL_INPUT;
    }
    if (fstat(fileno(imp->in), &in) == 0 && stat(imp->rejects_path, &out) == 0 &&
        in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
        fprintf(stderr, msg_tr(M_REJECTS_IS_INPUT), imp->rejects_path);
        return CTL_USAGE;
    }
    if (!(imp->rejects = fopen(imp->rejects_path, "w"))) {
        fprintf(stderr, msg_tr(M_FILE_ERROR), imp->rejects_path, strerror(errno));
        return CTL_INPUT;
    }
    return CTL_OK;
}

static void import_close(import_t *imp)
{
    if (imp->rejects && fclose(imp->rejects) != 0)
        imp->rejects_failed = true;
    if (imp->rejects && imp->rejects_n == 0)
        unlink(imp->rejects_path);
    if (imp->in && imp->in != stdin)
        fclose(imp->in);
    import_csv_destroy(&imp->reader);
    import_text_destroy(&imp->text);
    free(imp->rejects_path);
    nq_buf_release(&imp->body);
    free(imp->lines);
}

/* How long to wait before try `next` (2..): doubling from IMPORT_BACKOFF_MS
 * up to IMPORT_MAX_WAIT_MS, +-20 % so that importers that failed together do
 * not come back together, and never less than the Retry-After the gateway
 * sent (in seconds, honoured up to 300). */
static int64_t backoff_ms(int next, const char *retry_after)
{
    int64_t ms = (int64_t)IMPORT_BACKOFF_MS << (next - 2 < 16 ? next - 2 : 16);
    ms += ms * (rand() % 41 - 20) / 100;
    ms = ms > IMPORT_MAX_WAIT_MS ? IMPORT_MAX_WAIT_MS : ms;
    char *end;
    long ra = strtol(retry_after, &end, 10);
    if (*retry_after && *end == '\0' && ra > 0 && ra <= 300 && ra * 1000 > ms)
        ms = ra * 1000;
    return ms;
}

/* Send one request of an import, trying again while the gateway answers 503
 * or cannot be reached, IMPORT_TRIES times in all. Returns 0 with r filled
 * (any other status), or -1 with imp->stop set (CTL_REFUSED: still 503;
 * CTL_UNREACHABLE: no answer) after saying why. */
static int send_retrying(import_t *imp, const char *method, const char *path, const char *ctype,
                         const char *body, size_t len, nq_httpc_response_t *r)
{
    char why[200], text[160];
    for (int tries = 1;; tries++) {
        int rc = request(imp->ctl, method, path, ctype, body, len, r);
        if (rc == 0 && r->status != 503)
            return 0;
        if (rc == NQ_HTTPC_EINVAL) {
            say(imp, msg_tr(M_INVALID_PATH), method, path);
            imp->stop = CTL_USAGE;
            return -1;
        }
        if (rc == 0)
            error_text(r, text, sizeof(text));
        snprintf(why, sizeof(why), "%s%s", rc == 0 ? "HTTP 503 " : msg_tr(nq_httpc_strerror(rc)),
                 rc == 0 ? text : "");
        int64_t wait = backoff_ms(tries + 1, rc == 0 ? r->retry_after : "");
        nq_httpc_response_free(r);
        if (tries == IMPORT_TRIES) {
            say(imp, msg_tr(M_GAVE_UP), method, imp->ctl->url, path, why, tries);
            imp->stop = rc < 0 ? CTL_UNREACHABLE : CTL_REFUSED;
            return -1;
        }
        say(imp, msg_tr(M_TRYING_AGAIN), method, imp->ctl->url, path, why, tries, IMPORT_TRIES,
            (double)wait / 1000.0);
        sleep_ms(wait);
    }
}

/* The closing summary on stdout, and the exit code. `safe` says why running
 * the same command again is harmless (a message). */
static int import_summary(import_t *imp, bool activities, const char *safe)
{
    double elapsed = (double)(mono_ms() - imp->start_ms) / 1000.0;
    uint64_t done = imp->sent + imp->local;
    import_enc_t enc = import_text_encoding(imp->text);
    progress_clear(imp);
    printf(msg_tr(imp->stop ? M_SUM_STOPPED : M_SUM_IMPORTED),
           strcmp(imp->file, "-") == 0 ? "stdin" : imp->file, (unsigned long long)done,
           msg_tr(imp->what), elapsed, elapsed > 0 ? (double)done / elapsed : 0.0,
           msg_tr(imp->what));
    if (!import_text_why(imp->text)) /* else the encoding was refused, and said so */
        printf(msg_tr(imp->ctl->encoding != IMPORT_ENC_AUTO ? M_SUM_ENCODING_GIVEN
                      : enc == IMPORT_ENC_AUTO              ? M_SUM_ENCODING_ASCII
                                                            : M_SUM_ENCODING_DETECTED),
               import_enc_name(enc));
    printf(msg_tr(imp->requests == 1 ? M_SUM_SENT_ONE : M_SUM_SENT), (unsigned long long)imp->sent,
           (unsigned long long)imp->requests);
    printf(msg_tr(activities ? M_SUM_ACCEPTED : M_SUM_STORED), (unsigned long long)imp->accepted);
    if (activities)
        printf(msg_tr(M_SUM_DUPLICATE), (unsigned long long)imp->duplicate,
               (unsigned long long)imp->conflict);
    printf(msg_tr(M_SUM_REJECTED), (unsigned long long)imp->rejected,
           (unsigned long long)imp->local);
    if (imp->rejects_n)
        printf(msg_tr(M_SUM_REJECTS), imp->rejects_path, (unsigned long long)imp->rejects_n);
    else
        printf("%s", msg_tr(M_SUM_NO_REJECTS));
    fflush(stdout);
    if (imp->told > SHOW_REFUSALS)
        say(imp, msg_tr(M_MORE_REFUSALS), (unsigned long long)(imp->told - SHOW_REFUSALS),
            imp->rejects_path);
    if (imp->rejects_failed)
        say(imp, msg_tr(M_REJECTS_WRITE_FAILED), imp->rejects_path);
    if (imp->stop == CTL_REFUSED || imp->stop == CTL_UNREACHABLE)
        say(imp, msg_tr(M_SAFE_AGAIN), msg_tr(safe));
    if (imp->stop)
        return imp->stop;
    bool all = !imp->conflict && !imp->rejected && !imp->local && !imp->rejects_failed;
    return all ? CTL_OK : CTL_REFUSED;
}

/* ------------------------------------------------------- import activities */

/* json_dump_callback sink: append to the batch body. */
static int append_body(const char *buf, size_t size, void *data)
{
    import_t *imp = data;
    return nq_buf_add(&imp->body, buf, size);
}

/* result_fn of import: one rejects line per rejected or conflicting event. */
static void reject_result(const json_t *res, void *data)
{
    import_t *imp = data;
    json_int_t index = json_integer_value(json_object_get(res, "index"));
    long line = index >= 0 && (size_t)index < imp->n ? imp->lines[index] : 0;
    json_t *errors = json_object_get(res, "errors");
    write_reject(imp, event_entry(json_string_value(json_object_get(res, "event_id"))), line,
                 str_of(res, "status"), false, errors ? json_incref(errors) : NULL);
}

/* POST the batch and count its answer; sets imp->stop when that fails. */
static void flush_events(import_t *imp)
{
    nq_httpc_response_t r;
    outcome_t o;
    if (imp->n == 0 || send_retrying(imp, "POST", ACTIVITY_PATH, "application/x-ndjson",
                                     imp->body.buf, imp->body.len, &r) != 0)
        return;
    if (read_outcome(&r, &o, reject_result, imp)) {
        imp->sent += imp->n;
        imp->requests++;
        imp->accepted += (uint64_t)o.accepted;
        imp->duplicate += (uint64_t)o.duplicate;
        imp->conflict += (uint64_t)o.conflict;
        imp->rejected += (uint64_t)o.rejected;
        imp->n = 0;
        nq_buf_reset(&imp->body);
        imp->offset = input_offset(imp);
        fflush(imp->rejects);
        progress(imp);
    } else {
        progress_clear(imp);
        explain_failure("POST", ACTIVITY_PATH, &r);
        if (r.status == 413)
            fprintf(stderr, "%s", msg_tr(M_LOWER_BATCH));
        imp->stop = CTL_REFUSED;
    }
    nq_httpc_response_free(&r);
}

/* Add one record to the batch, or reject it. plan is NULL for NDJSON. */
static void add_event(import_t *imp, const import_activity_plan_t *plan,
                      const import_csv_row_t *row)
{
    nq_field_errors_t errs = {0};
    json_t *ev = plan ? import_activity_event(plan, row, &errs)
                      : import_activity_ndjson(row->fields[0], row->lens[0], &errs);
    int rc = 0;
    if (!ev && errs.n == 0 && plan)
        rc = -1; /* out of memory */
    else if (!ev && errs.n == 0)
        return; /* a blank NDJSON line */
    else if (!ev)
        reject_local(imp, row->line, event_entry(plan ? import_activity_event_id(plan, row) : NULL),
                     &errs);
    else if (plan) /* CSV: the event as built */
        rc = json_dump_callback(ev, append_body, imp, JSON_COMPACT);
    else /* NDJSON: the line as written, so numbers reach the gateway unchanged */
        rc = append_body(row->fields[0], row->lens[0], imp);
    if (ev && rc == 0 && (rc = append_body("\n", 1, imp)) == 0)
        imp->lines[imp->n++] = row->line;
    if (rc != 0) {
        say(imp, "%s", msg_tr(M_OUT_OF_MEMORY));
        imp->stop = CTL_INPUT;
    }
    json_decref(ev);
}

/* The format of FILE by its extension, or NULL. */
static const char *format_of_file(const char *file)
{
    const char *dot = strrchr(file, '.');
    if (dot && strcasecmp(dot, ".csv") == 0)
        return "csv";
    if (dot && (strcasecmp(dot, ".ndjson") == 0 || strcasecmp(dot, ".jsonl") == 0))
        return "ndjson";
    return NULL;
}

/* A record the reader could not give: a malformed one is rejected, a read
 * error, a refused encoding or a lack of memory stops the import. */
static void record_failed(import_t *imp, int got, long line, const char *why, json_t *entry)
{
    if (got == IMPORT_CSV_EBAD) {
        nq_field_errors_t errs = {0};
        nq_field_errors_add(&errs, imp->csv ? "(row)" : "(line)", "%s", why);
        reject_local(imp, line, entry, &errs);
        return;
    }
    json_decref(entry);
    say(imp, "%s:%ld: %s", imp->file, import_csv_line(imp->reader),
        got == IMPORT_CSV_EREAD ? read_error(imp) : msg_tr(M_OUT_OF_MEMORY));
    imp->stop = CTL_INPUT;
}

static int cmd_import_activities(ctl_t *ctl, char **argv)
{
    import_t imp;
    import_csv_row_t row;
    import_activity_plan_t *plan = NULL;
    const char *format = ctl->format ? ctl->format : format_of_file(argv[0]), *why;
    char reason[400];
    if (!format) {
        fprintf(stderr, msg_tr(M_FORMAT_UNKNOWN), argv[0]);
        return CTL_USAGE;
    }
    int rc = import_open(&imp, ctl, argv[0], strcmp(format, "csv") == 0, M_WHAT_EVENTS);
    if (rc == CTL_OK && imp.csv && (rc = read_header(&imp, &row)) == CTL_OK &&
        import_activity_plan_new(&row, &plan, reason, sizeof(reason)) != 0) {
        fprintf(stderr, msg_tr(M_FILE_LINE), argv[0], row.line, reason);
        rc = CTL_INPUT;
    }
    imp.act = plan;
    imp.max = ctl->batch ? (size_t)ctl->batch : IMPORT_BATCH_DEFAULT;
    if (rc == CTL_OK && !(imp.lines = calloc(imp.max, sizeof(*imp.lines)))) {
        fprintf(stderr, "%s", msg_tr(M_NQCTL_OUT_OF_MEMORY));
        rc = CTL_INPUT;
    }
    if (rc == CTL_OK)
        rc = rejects_open(&imp);
    while (rc == CTL_OK && imp.stop == CTL_OK) {
        int got = import_csv_next(imp.reader, &row, &why);
        if (got == IMPORT_CSV_END)
            break;
        if (got == IMPORT_CSV_ROW && plan && import_csv_blank(&row))
            continue; /* Excel's row of empty cells */
        if (got == IMPORT_CSV_ROW)
            add_event(&imp, plan, &row);
        else
            record_failed(&imp, got, row.line, why, event_entry(NULL));
        if (imp.n == imp.max || imp.body.len >= IMPORT_BATCH_BYTES)
            flush_events(&imp);
        else if ((imp.local & 1023) == 1023)
            progress(&imp);
    }
    if (rc == CTL_OK && imp.stop == CTL_OK)
        flush_events(&imp);
    if (rc == CTL_OK)
        rc = import_summary(&imp, true, M_SAFE_EVENTS);
    import_activity_plan_destroy(&plan);
    import_close(&imp);
    return rc;
}

/* ------------------------------------ import targets, teams, salespeople, customers */

/* The kinds of file sent row by row, one PUT per row. Adding one is adding a
 * row here and a command. */
typedef enum { PUT_TARGETS, PUT_TEAMS, PUT_SALESPEOPLE, PUT_CUSTOMERS } put_kind_t;
static const struct {
    const char *command;    /* "targets", for messages */
    int org;                /* import_org_kind_t, or -1 for targets */
    const char *safe;       /* why importing again is harmless (a message) */
    const char *order_hint; /* what to import first (a message), or NULL */
} put_kinds[] = {
    [PUT_TARGETS] = {"targets", -1, M_SAFE_TARGETS, NULL},
    [PUT_TEAMS] = {"teams", IMPORT_ORG_TEAMS, M_SAFE_ORG, NULL},
    [PUT_SALESPEOPLE] = {"salespeople", IMPORT_ORG_SALESPEOPLE, M_SAFE_ORG, M_ORG_ORDER_HINT},
    [PUT_CUSTOMERS] = {"customers", IMPORT_ORG_CUSTOMERS, M_SAFE_ORG, M_ORG_ORDER_HINT},
};

static int put_plan_new(put_kind_t kind, const import_csv_row_t *header, put_plan_t *p, char *why,
                        size_t why_len)
{
    int org = put_kinds[kind].org;
    return org < 0 ? import_target_plan_new(header, &p->target, why, why_len)
                   : import_org_plan_new((import_org_kind_t)org, header, &p->org, why, why_len);
}

static json_t *put_request(const put_plan_t *p, const import_csv_row_t *row, char *path,
                           nq_field_errors_t *errs)
{
    return p->target ? import_target_request(p->target, row, path, IMPORT_PUT_PATH_MAX, errs)
                     : import_org_request(p->org, row, path, IMPORT_PUT_PATH_MAX, errs);
}

static json_t *put_ident(const put_plan_t *p, const import_csv_row_t *row)
{
    return p->target ? import_target_ident(p->target, row) : import_org_ident(p->org, row);
}

static void put_plan_destroy(put_plan_t *p)
{
    import_target_plan_destroy(&p->target);
    import_org_plan_destroy(&p->org);
}

/* The reasons of a refused PUT: the answer's field errors, or its error and
 * detail as one. New reference. */
static json_t *answer_errors(const nq_httpc_response_t *r)
{
    json_t *answer = json_loadb(r->body, r->len, 0, NULL);
    json_t *errors = json_object_get(answer, "errors");
    char text[200], reason[240];
    if (json_is_array(errors) && json_array_size(errors) > 0) {
        json_incref(errors);
    } else {
        error_text(r, text, sizeof(text));
        snprintf(reason, sizeof(reason), "HTTP %d %s", r->status, text);
        errors = json_pack("[{s:s, s:o}]", "field", "(row)", "reason", safe_string(reason));
    }
    json_decref(answer);
    return errors;
}

/* PUT one row (body stolen); a refusal goes to the rejects file. */
static void put_row(import_t *imp, const import_csv_row_t *row, const char *path, json_t *body)
{
    nq_httpc_response_t r;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        say(imp, "%s", msg_tr(M_OUT_OF_MEMORY));
        imp->stop = CTL_INPUT;
        return;
    }
    int rc = send_retrying(imp, "PUT", path, "application/json", text, strlen(text), &r);
    free(text);
    if (rc != 0)
        return;
    imp->sent++;
    imp->requests++;
    if (is_2xx(r.status)) {
        imp->accepted++;
    } else {
        imp->rejected++;
        write_reject(imp, put_ident(imp->put, row), row->line, "rejected", false,
                     answer_errors(&r));
    }
    nq_httpc_response_free(&r);
    imp->offset = input_offset(imp);
    progress(imp);
}

/* import targets / teams / salespeople / customers FILE: one PUT per row. */
static int import_puts(ctl_t *ctl, const char *file, put_kind_t kind)
{
    import_t imp;
    import_csv_row_t row;
    put_plan_t plan = {NULL, NULL};
    char reason[600], path[IMPORT_PUT_PATH_MAX];
    const char *why;
    if (ctl->format && strcmp(ctl->format, "csv") != 0) {
        fprintf(stderr, msg_tr(M_CSV_ONLY), put_kinds[kind].command);
        return CTL_USAGE;
    }
    int rc = import_open(&imp, ctl, file, true, M_WHAT_ROWS);
    if (rc == CTL_OK && (rc = read_header(&imp, &row)) == CTL_OK &&
        put_plan_new(kind, &row, &plan, reason, sizeof(reason)) != 0) {
        fprintf(stderr, msg_tr(M_FILE_LINE), file, row.line, reason);
        rc = CTL_INPUT;
    }
    imp.put = &plan;
    if (rc == CTL_OK)
        rc = rejects_open(&imp);
    while (rc == CTL_OK && imp.stop == CTL_OK) {
        nq_field_errors_t errs = {0};
        json_t *body = NULL;
        int got = import_csv_next(imp.reader, &row, &why);
        if (got == IMPORT_CSV_END)
            break;
        if (got == IMPORT_CSV_ROW && import_csv_blank(&row))
            continue; /* Excel's row of empty cells */
        if (got != IMPORT_CSV_ROW)
            record_failed(&imp, got, row.line, why, json_object());
        else if ((body = put_request(&plan, &row, path, &errs)))
            put_row(&imp, &row, path, body);
        else if (errs.n > 0)
            reject_local(&imp, row.line, put_ident(&plan, &row), &errs);
        else
            record_failed(&imp, IMPORT_CSV_ENOMEM, row.line, "", NULL);
    }
    if (rc == CTL_OK && imp.rejected > 0 && put_kinds[kind].order_hint)
        say(&imp, "%s", msg_tr(put_kinds[kind].order_hint));
    if (rc == CTL_OK)
        rc = import_summary(&imp, false, put_kinds[kind].safe);
    put_plan_destroy(&plan);
    import_close(&imp);
    return rc;
}

static int cmd_import_targets(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_TARGETS);
}

static int cmd_import_teams(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_TEAMS);
}

static int cmd_import_salespeople(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_SALESPEOPLE);
}

static int cmd_import_customers(ctl_t *ctl, char **argv)
{
    return import_puts(ctl, argv[0], PUT_CUSTOMERS);
}

/* -------------------------------------------------------------------- main */

/* The command whose name is the first word(s) of words[0..n); *used is set
 * to the number of words its name takes. NULL when none matches. */
static const command_t *find_command(char **words, int n, int *used)
{
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *name = commands[i].name;
        for (int k = 0; k < n; k++) {
            size_t len = strlen(words[k]);
            if (len == 0 || strncmp(name, words[k], len) != 0 ||
                (name[len] != '\0' && name[len] != ' '))
                break;
            if (name[len] == '\0') {
                *used = k + 1;
                return &commands[i];
            }
            name += len + 1;
        }
    }
    return NULL;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nqctl: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s", msg_tr(M_RUN_HELP));
    return CTL_USAGE;
}

/* Print the usage of every command whose name starts with the word `word`
 * ("import" -> both imports); returns how many there were. */
static int usage_of(const char *word)
{
    int found = 0;
    size_t len = strlen(word);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const char *name = commands[i].name;
        if (strncmp(name, word, len) == 0 && name[len] == ' ')
            fprintf(stderr, msg_tr(found++ ? M_USAGE_MORE : M_USAGE), name, commands[i].args);
    }
    return found;
}

/* Apply the option at argv[*i] (advancing *i past its value). Returns -1 to
 * go on, or the exit code to stop with. */
static int apply_option(ctl_t *ctl, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    size_t len = strcspn(arg, "=");
    const option_t *o = NULL;
    for (size_t k = 0; !o && k < N_OPTIONS; k++)
        if (strlen(options[k].name) == len && strncmp(options[k].name, arg, len) == 0)
            o = &options[k];
    if (!o)
        return usage_error(msg_tr(M_UNKNOWN_OPTION), arg);
    if (!o->arg && arg[len])
        return usage_error(msg_tr(M_OPTION_NO_VALUE), o->name);
    if (!o->arg)
        return o->set ? (o->set(ctl, ""), -1) : cmd_help(ctl, NULL);
    const char *v = arg[len] == '=' ? arg + len + 1 : *i + 1 < argc ? argv[++*i] : NULL;
    const char *why = v ? o->set(ctl, v) : M_MISSING_VALUE;
    if (why)
        return usage_error("%s %s: %s", o->name, v ? v : "", msg_tr(why));
    return -1;
}

int main(int argc, char **argv)
{
    ctl_t ctl = {.url = getenv("NQ_URL")};
    int n = 0, used = 0;
    const char *why = NULL;
    int lang = msg_lang_choose(getenv("NQ_LANG"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
                               getenv("LANG"), &why);
    if (lang < 0)
        return usage_error("NQ_LANG=%s: %s", getenv("NQ_LANG"), msg_tr(M_OPT_LANG));
    msg_set_lang((msg_lang_t)lang);
    /* Options anywhere (--lang among them); the other words move to argv[1..n]. */
    for (int i = 1; i < argc; i++) {
        bool is_option = strncmp(argv[i], "--", 2) == 0;
        int rc = is_option ? apply_option(&ctl, argc, argv, &i) : -1;
        if (rc >= 0)
            return rc;
        if (!is_option)
            argv[1 + n++] = argv[i];
    }
    char **words = argv + 1;
    if (n == 0)
        return usage_error("%s", msg_tr(M_MISSING_COMMAND));
    const command_t *cmd = find_command(words, n, &used);
    if (!cmd && usage_of(words[0]) > 0)
        return CTL_USAGE;
    if (!cmd)
        return usage_error(msg_tr(M_UNKNOWN_COMMAND), words[0]);
    if (n - used != cmd->nargs) {
        fprintf(stderr, msg_tr(M_USAGE), cmd->name, cmd->args);
        return CTL_USAGE;
    }
    if (!ctl.url || !*ctl.url)
        ctl.url = DEFAULT_URL;
    snprintf(ctl.headers, sizeof(ctl.headers),
             "Accept: application/json\r\nAccept-Language: %s\r\n", msg_accept_language());
    ctl.http = cmd->offline ? NULL : nq_httpc_new(ctl.url);
    if (!cmd->offline && !ctl.http)
        return usage_error(msg_tr(M_BAD_URL), ctl.url);
    if (ctl.http && ctl.timeout_ms > 0)
        nq_httpc_set_timeout(ctl.http, ctl.timeout_ms);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    int rc = cmd->run(&ctl, words + used);
    nq_httpc_destroy(&ctl.http);
    return rc;
}
