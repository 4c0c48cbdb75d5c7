/* nqctl — command line for a running neiqin gateway (HTTP only).
 *
 *   nqctl get /api/v1/salespeople/sp-zhangwei/kpis?period=month
 *   nqctl send events.json            # or - for stdin
 *   nqctl put /api/v1/customers/c-1 customer.json
 *   nqctl seed-demo                   # --remove deletes the demo org
 *   nqctl import activities events.csv --batch 1000
 *   nqctl import targets targets-2026.csv
 *   nqctl import salespeople 业务员.csv --encoding gbk
 *   nqctl user add li --role coordinator --teams t-east --password-stdin
 *   nqctl apikey create --scope ingest --name erp --sources erp
 *
 * Commands live in one table {name, handler, arguments, help}, options in
 * another; adding one is adding a row (the handlers are in the modules
 * nqctl.h lists). `nqctl help` prints both tables and the exit codes. Every message is in msg_en.h and msg_zh.c (NQ_LANG or
 * --lang, else the locale). docs/nqctl.md is the manual.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "nq/httpc.h"
#include "nq/access.h"
#include "nq/period.h"
#include "nq/roles.h"
#include "nqctl.h"

/* What a command talks to. */
typedef enum {
    TALKS_GATEWAY, /* HTTP: ctl->http */
    TALKS_NOTHING, /* help */
    TALKS_REDIS,   /* users and keys, written by an operator on the server: ctl->redis */
} talks_t;

typedef struct command {
    const char *name;                    /* word(s) on the command line: "get", "import targets" */
    int (*run)(ctl_t *ctl, char **argv); /* argv holds exactly `nargs` words */
    int nargs;                           /* words after the name */
    talks_t talks;                       /* what it needs opened first */
    const char *args;                    /* usage of the words */
    const char *help;                    /* one line (a message) */
} command_t;

static int cmd_help(ctl_t *ctl, char **argv);

static const command_t commands[] = {
    {"get", cmd_get, 1, TALKS_GATEWAY, "PATH", M_HELP_GET},
    {"send", cmd_send, 1, TALKS_GATEWAY, "FILE|-", M_HELP_SEND},
    {"put", cmd_put, 2, TALKS_GATEWAY, "PATH FILE|-", M_HELP_PUT},
    {"seed-demo", cmd_seed_demo, 0, TALKS_GATEWAY, "", M_HELP_SEED_DEMO},
    {"import activities", cmd_import_activities, 1, TALKS_GATEWAY, "FILE|-",
     M_HELP_IMPORT_ACTIVITIES},
    {"import targets", cmd_import_targets, 1, TALKS_GATEWAY, "FILE|-", M_HELP_IMPORT_TARGETS},
    {"import teams", cmd_import_teams, 1, TALKS_GATEWAY, "FILE|-", M_HELP_IMPORT_TEAMS},
    {"import salespeople", cmd_import_salespeople, 1, TALKS_GATEWAY, "FILE|-",
     M_HELP_IMPORT_SALESPEOPLE},
    {"import customers", cmd_import_customers, 1, TALKS_GATEWAY, "FILE|-", M_HELP_IMPORT_CUSTOMERS},
    {"rebuild", cmd_rebuild, 0, TALKS_GATEWAY, "", M_HELP_REBUILD},
    {"user add", cmd_user_add, 1, TALKS_REDIS, "ID", M_HELP_USER_ADD},
    {"user list", cmd_user_list, 0, TALKS_REDIS, "", M_HELP_USER_LIST},
    {"user disable", cmd_user_disable, 1, TALKS_REDIS, "ID", M_HELP_USER_DISABLE},
    {"user passwd", cmd_user_passwd, 1, TALKS_REDIS, "ID", M_HELP_USER_PASSWD},
    {"apikey create", cmd_apikey_create, 0, TALKS_REDIS, "", M_HELP_APIKEY_CREATE},
    {"apikey list", cmd_apikey_list, 0, TALKS_REDIS, "", M_HELP_APIKEY_LIST},
    {"apikey revoke", cmd_apikey_revoke, 1, TALKS_REDIS, "ID", M_HELP_APIKEY_REVOKE},
    {"curve-keygen", cmd_curve_keygen, 1, TALKS_NOTHING, "DIR", M_HELP_CURVE_KEYGEN},
    {"redis-acl", cmd_redis_acl, 1, TALKS_NOTHING, "DIR", M_HELP_REDIS_ACL},
    {"help", cmd_help, 0, TALKS_NOTHING, "", M_HELP_HELP},
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

static const char *set_role(ctl_t *ctl, const char *v)
{
    if (!nq_role_find(v))
        return M_OPT_ROLE;
    ctl->role = v;
    return NULL;
}

static const char *set_scope(ctl_t *ctl, const char *v)
{
    if (!nq_scope_find(v))
        return M_OPT_SCOPE;
    ctl->scope = v;
    return NULL;
}

static const char *set_teams(ctl_t *ctl, const char *v)
{
    const char *why = NULL;
    if (!nq_teams_valid(v, &why))
        return why;
    ctl->teams = v;
    return NULL;
}

static const char *set_sources(ctl_t *ctl, const char *v)
{
    if (!nq_teams_valid(v, NULL) || !*v)
        return M_OPT_SOURCES;
    ctl->sources = v;
    return NULL;
}

static const char *set_salesperson(ctl_t *ctl, const char *v)
{
    ctl->salesperson = v;
    return NULL;
}

static const char *set_name(ctl_t *ctl, const char *v)
{
    ctl->name = v;
    return NULL;
}

static const char *set_password_stdin(ctl_t *ctl, const char *v)
{
    ctl->password_stdin = true;
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
    {"--role", "ROLE", set_role, M_HELP_OPT_ROLE},
    {"--teams", "T1,T2", set_teams, M_HELP_OPT_TEAMS},
    {"--salesperson", "ID", set_salesperson, M_HELP_OPT_SALESPERSON},
    {"--name", "NAME", set_name, M_HELP_OPT_NAME},
    {"--scope", "SCOPE", set_scope, M_HELP_OPT_SCOPE},
    {"--sources", "S1,S2", set_sources, M_HELP_OPT_SOURCES},
    {"--password-stdin", NULL, set_password_stdin, M_HELP_OPT_PASSWORD_STDIN},
    {"--help", NULL, NULL, M_HELP_HELP},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

int cmd_help(ctl_t *ctl, char **argv)
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
    ctl.http = cmd->talks == TALKS_GATEWAY ? nq_httpc_new(ctl.url) : NULL;
    if (cmd->talks == TALKS_GATEWAY && !ctl.http)
        return usage_error(msg_tr(M_BAD_URL), ctl.url);
    if (cmd->talks == TALKS_REDIS && ctl_redis_connect(&ctl) != CTL_OK)
        return CTL_UNREACHABLE;
    if (ctl.http && ctl.timeout_ms > 0)
        nq_httpc_set_timeout(ctl.http, ctl.timeout_ms);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    int rc = cmd->run(&ctl, words + used);
    nq_httpc_destroy(&ctl.http);
    if (ctl.redis)
        redisFree(ctl.redis);
    return rc;
}
