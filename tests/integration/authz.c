/* tests/integration/authz.c — the authorization matrix generator. See authz.h. */
#include "authz.h"

#include <stdio.h>
#include <string.h>

#include "nq/roles.h"

/* What a path's :id names, read from the segment before it; or, for a read
 * of activities, its query (NAMES_QUERY: each of query_names in turn). */
typedef enum {
    NAMES_NOTHING,
    NAMES_SP,
    NAMES_TEAM,
    NAMES_CUSTOMER,
    NAMES_OTHER,
    NAMES_QUERY
} names_t;

/* The query parameters that name a record on a NAMES_QUERY path. */
static const struct {
    const char *param;
    names_t names;
} query_names[] = {
    {"salesperson", NAMES_SP},
    {"customer", NAMES_CUSTOMER},
    {"team", NAMES_TEAM},
};
#define N_QUERY_NAMES (sizeof(query_names) / sizeof(query_names[0]))

/* A caller: how it authenticates and how far it reaches. */
typedef struct who {
    const char *name;
    const char *role; /* user role or key scope; NULL: no valid credential */
    nq_reach_t reach; /* ALL, TEAMS (AZ_TEAM_OWN), SELF (AZ_SP_OWN) */
} who_t;

static const who_t whos[AZ_WHO_COUNT] = {
    [AZ_ANON] = {"no credentials", NULL, NQ_REACH_ALL},
    [AZ_EXPIRED] = {"expired session", NULL, NQ_REACH_ALL},
    [AZ_REVOKED] = {"revoked key", NULL, NQ_REACH_ALL},
    [AZ_ADMIN] = {"admin", "admin", NQ_REACH_ALL},
    [AZ_MANAGER] = {"manager", "manager", NQ_REACH_ALL},
    [AZ_COORD] = {"coordinator", "coordinator", NQ_REACH_TEAMS},
    [AZ_SALES] = {"salesperson", "salesperson", NQ_REACH_SELF},
    [AZ_TEAM_KEY] = {"read key of one team", "read", NQ_REACH_TEAMS},
};

const char *az_who_name(az_who_t who)
{
    return who < AZ_WHO_COUNT ? whos[who].name : "?";
}

static const nq_role_t *role_of(az_who_t who)
{
    if (!whos[who].role)
        return NULL;
    return who == AZ_TEAM_KEY ? nq_scope_find(whos[who].role) : nq_role_find(whos[who].role);
}

/* A read whose path is a collection of events with no record in it takes the
 * record it is about in its query (?salesperson=, ?customer=, ?team=). */
static bool query_named(const nq_route_t *r)
{
    static const char tail[] = "/activities";
    size_t n = strlen(r->pattern), t = sizeof(tail) - 1;
    return strcmp(r->method, "GET") == 0 && n >= t && strcmp(r->pattern + n - t, tail) == 0 &&
           !strstr(r->pattern, "/:");
}

static names_t names_of(const char *pattern)
{
    static const struct {
        const char *seg;
        names_t names;
    } table[] = {
        {"/salespeople/:id", NAMES_SP},
        {"/teams/:id", NAMES_TEAM},
        {"/customers/:id", NAMES_CUSTOMER},
    };
    if (!strstr(pattern, "/:id"))
        return NAMES_NOTHING;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strstr(pattern, table[i].seg))
            return table[i].names;
    return NAMES_OTHER; /* alerts: by declared subject only */
}

/* The record :id names for a caller: one in scope or one out of it. A
 * salesperson's "out of scope" is a teammate; a team-limited caller's is
 * another team's. */
static const char *id_for(names_t names, az_who_t who, bool in_scope)
{
    bool self = whos[who].reach == NQ_REACH_SELF;
    switch (names) {
    case NAMES_SP:
        return in_scope ? AZ_SP_OWN : self ? AZ_SP_MATE : AZ_SP_OTHER;
    case NAMES_TEAM:
        return in_scope || self ? AZ_TEAM_OWN : AZ_TEAM_OTHER;
    case NAMES_CUSTOMER:
        return in_scope ? AZ_CUST_OWN : self ? AZ_CUST_MATE : AZ_CUST_OTHER;
    default:
        return "az-none";
    }
}

/* A value for any other parameter, by its name. */
static const char *param_value(const char *name, size_t len)
{
    static const struct {
        const char *name;
        const char *value;
    } table[] = {
        {"period", "month"},
        {"key", "2026-12"},
        {"action", "ack"},
        {"source", "erp"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strlen(table[i].name) == len && strncmp(table[i].name, name, len) == 0)
            return table[i].value;
    return "x";
}

static int fill_path(char *out, size_t len, const char *pattern, const char *id)
{
    size_t at = 0;
    for (const char *p = pattern; *p;) {
        size_t seg = strcspn(p + 1, "/") + 1; /* "/name" */
        int n;
        if (p[1] == ':') {
            bool is_id = seg == 4 && strncmp(p + 2, "id", 2) == 0;
            n = snprintf(out + at, len - at, "/%s", is_id ? id : param_value(p + 2, seg - 2));
        } else {
            n = snprintf(out + at, len - at, "%.*s", (int)seg, p);
        }
        if (n < 0 || (size_t)n >= len - at)
            return -1;
        at += (size_t)n;
        p += seg;
    }
    return 0;
}

/* The answer a caller allowed by its role must get. */
static az_want_t scoped_want(const nq_route_t *r, az_who_t who, names_t names, bool in_scope)
{
    nq_reach_t reach = whos[who].reach;
    bool write = r->perm.action == NQ_ACT_WRITE;
    if (reach == NQ_REACH_ALL) {
        /* an every-team caller's DELETE would delete: not sent */
        return write && strcmp(r->method, "DELETE") == 0 ? AZ_WANT_SKIP : AZ_WANT_AS_ADMIN;
    }
    if (r->subject == GW_SUBJ_EVERY_TEAM)
        return AZ_WANT_403; /* not scoped yet: closed to team-limited callers */
    switch (names) {
    case NAMES_SP:
    case NAMES_CUSTOMER:
    case NAMES_TEAM:
        if (!in_scope || (names == NAMES_TEAM && reach == NQ_REACH_SELF))
            return AZ_WANT_404;
        return strcmp(r->method, "DELETE") == 0 ? AZ_WANT_SKIP : AZ_WANT_AS_ADMIN;
    case NAMES_OTHER:
        /* a record the handler checks once fetched (alerts; the matrix's id names none, so
         * test_authz checks real ones): a read is 404; the matrix's write body is refused
         * first, as for an admin */
        return write ? AZ_WANT_AS_ADMIN : AZ_WANT_404;
    default:
        break;
    }
    if (r->subject == GW_SUBJ_COMPANY && write)
        return AZ_WANT_403;
    return AZ_WANT_AS_ADMIN;
}

static az_want_t want_of(const nq_route_t *r, az_who_t who, names_t names, bool in_scope)
{
    if (r->perm.action == NQ_ACT_OPEN)
        return AZ_WANT_AS_ADMIN;
    const nq_role_t *role = role_of(who);
    if (!role)
        return AZ_WANT_401;
    if (!nq_role_allows(role, r->perm))
        return AZ_WANT_403;
    /* one's own session: signing out would end the caller's session mid-matrix */
    if (r->perm.kind == NQ_KIND_SELF && r->perm.action == NQ_ACT_WRITE)
        return AZ_WANT_SKIP;
    return scoped_want(r, who, names, in_scope);
}

/* One case of route r for who, its :id (or query) naming a record in or out of scope. */
static int add_case(az_case_t *c, const nq_route_t *r, az_who_t who, names_t names, bool in_scope,
                    int query, bool stream)
{
    c->route = r;
    c->who = who;
    c->in_scope = in_scope;
    c->want = stream ? AZ_WANT_SKIP : want_of(r, who, names, in_scope);
    const char *id = id_for(names, who, in_scope);
    if (fill_path(c->path, sizeof(c->path), r->pattern, id) != 0)
        return -1;
    if (query < 0)
        return 0;
    size_t at = strlen(c->path);
    int n = snprintf(c->path + at, sizeof(c->path) - at, "?%s=%s", query_names[query].param, id);
    return n < 0 || (size_t)n >= sizeof(c->path) - at ? -1 : 0;
}

int az_generate(const nq_route_t *routes, size_t n, az_case_t *out, size_t max, char *err,
                size_t errlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const nq_route_t *r = &routes[i];
        if (!nq_perm_valid(r->perm)) {
            snprintf(err, errlen, "%s %s: no permission declared", r->method, r->pattern);
            return -1;
        }
        names_t path_names = query_named(r) ? NAMES_QUERY : names_of(r->pattern);
        /* a stream never ends: its scoping is checked by its own test */
        bool stream =
            strlen(r->pattern) > 7 && strcmp(r->pattern + strlen(r->pattern) - 7, "/stream") == 0;
        int queries = path_names == NAMES_QUERY ? (int)N_QUERY_NAMES : 1;
        int sides = path_names == NAMES_NOTHING ? 1 : 2;
        for (int w = 0; w < AZ_WHO_COUNT; w++) {
            for (int q = 0; q < queries; q++) {
                names_t names = path_names == NAMES_QUERY ? query_names[q].names : path_names;
                for (int side = 0; side < sides; side++) {
                    if (k == max) {
                        snprintf(err, errlen, "more than %zu cases", max);
                        return -1;
                    }
                    if (add_case(&out[k++], r, (az_who_t)w, names, side == 0,
                                 path_names == NAMES_QUERY ? q : -1, stream) != 0) {
                        snprintf(err, errlen, "%s %s: path too long", r->method, r->pattern);
                        return -1;
                    }
                }
            }
        }
    }
    return (int)k;
}

bool az_check(const az_case_t *c, int status, int admin_status)
{
    switch (c->want) {
    case AZ_WANT_401:
        return status == 401;
    case AZ_WANT_403:
        return status == 403;
    case AZ_WANT_404:
        return status == 404;
    case AZ_WANT_AS_ADMIN:
        return status == admin_status;
    case AZ_WANT_SKIP:
        return true;
    }
    return false;
}

const char *az_want_name(const az_case_t *c, int admin_status, char *buf, size_t len)
{
    static const char *const names[] = {"401", "403", "404", "", "skip"};
    if (c->want == AZ_WANT_AS_ADMIN)
        snprintf(buf, len, "as admin (%d)", admin_status);
    else
        snprintf(buf, len, "%s", names[c->want]);
    return buf;
}
