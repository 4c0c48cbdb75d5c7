/* roles.c — the table of roles and API key scopes. See nq/roles.h.
 *
 * Adding a role is adding a row; docs/api.md describes each row. */
#include "nq/roles.h"

#include <stdio.h>
#include <string.h>

#define RW(kind)  (NQ_BIT_READ(kind) | NQ_BIT_WRITE(kind))
#define ALL_BITS  (NQ_BIT_READ(NQ_KIND_COUNT) - 1)
#define SELF_BITS RW(NQ_KIND_SELF)

/* Reading everything but users and keys. */
#define READ_ALL                                                                                   \
    (NQ_BIT_READ(NQ_KIND_ACTIVITY) | NQ_BIT_READ(NQ_KIND_KPI) | NQ_BIT_READ(NQ_KIND_ORG) |         \
     NQ_BIT_READ(NQ_KIND_TARGET) | NQ_BIT_READ(NQ_KIND_PLAN) | NQ_BIT_READ(NQ_KIND_ALERT) |        \
     NQ_BIT_READ(NQ_KIND_SYSTEM) | NQ_BIT_READ(NQ_KIND_METRICS) | NQ_BIT_READ(NQ_KIND_RULES) |     \
     NQ_BIT_READ(NQ_KIND_POOL))

static const nq_role_t roles[] = {
    {"admin", ALL_BITS, "everything, including users, API keys, rebuilds and /metrics",
     NQ_REACH_ALL},
    {"manager",
     READ_ALL - NQ_BIT_READ(NQ_KIND_METRICS) + NQ_BIT_WRITE(NQ_KIND_ACTIVITY) +
         NQ_BIT_WRITE(NQ_KIND_ORG) + NQ_BIT_WRITE(NQ_KIND_TARGET) + NQ_BIT_WRITE(NQ_KIND_PLAN) +
         NQ_BIT_WRITE(NQ_KIND_ALERT) + NQ_BIT_WRITE(NQ_KIND_RULES) + NQ_BIT_READ(NQ_KIND_AUDIT) +
         NQ_BIT_WRITE(NQ_KIND_POOL) + SELF_BITS,
     "reads and writes the figures, org, targets, plans and alert rules of every team; reads "
     "the audit log; no users, keys, rebuilds",
     NQ_REACH_ALL},
    {"coordinator",
     NQ_BIT_READ(NQ_KIND_KPI) | RW(NQ_KIND_ACTIVITY) | RW(NQ_KIND_ORG) | RW(NQ_KIND_TARGET) |
         NQ_BIT_READ(NQ_KIND_PLAN) | RW(NQ_KIND_ALERT) | NQ_BIT_READ(NQ_KIND_RULES) |
         NQ_BIT_WRITE(NQ_KIND_POOL) | SELF_BITS,
     "reads figures, writes activities, org, targets and alerts; reads plans and alert rules",
     NQ_REACH_TEAMS},
    {"salesperson",
     NQ_BIT_READ(NQ_KIND_KPI) | RW(NQ_KIND_ACTIVITY) | NQ_BIT_READ(NQ_KIND_ORG) |
         NQ_BIT_READ(NQ_KIND_TARGET) | NQ_BIT_READ(NQ_KIND_PLAN) | NQ_BIT_READ(NQ_KIND_ALERT) |
         NQ_BIT_WRITE(NQ_KIND_POOL) | SELF_BITS,
     "reads figures, targets, plans and alerts; reads and writes their own activities; claims "
     "customers from their team's public pool",
     NQ_REACH_SELF},
};

static const nq_role_t scopes[] = {
    {"ingest", NQ_BIT_WRITE(NQ_KIND_ACTIVITY) | NQ_BIT_READ(NQ_KIND_SELF),
     "POST activities and feeds only", NQ_REACH_ALL},
    {"read", READ_ALL | NQ_BIT_READ(NQ_KIND_SELF), "every GET but users and keys; /metrics",
     NQ_REACH_ALL},
    {"admin", ALL_BITS, "everything", NQ_REACH_ALL},
};

#define N_ROLES  (int)(sizeof(roles) / sizeof(roles[0]))
#define N_SCOPES (int)(sizeof(scopes) / sizeof(scopes[0]))

static const char *const kind_names[NQ_KIND_COUNT] = {
    [NQ_KIND_NONE] = "none",     [NQ_KIND_ACTIVITY] = "activity", [NQ_KIND_KPI] = "kpi",
    [NQ_KIND_ORG] = "org",       [NQ_KIND_TARGET] = "target",     [NQ_KIND_PLAN] = "plan",
    [NQ_KIND_ALERT] = "alert",   [NQ_KIND_SYSTEM] = "system",     [NQ_KIND_METRICS] = "metrics",
    [NQ_KIND_ACCESS] = "access", [NQ_KIND_SELF] = "self",         [NQ_KIND_RULES] = "rules",
    [NQ_KIND_AUDIT] = "audit",   [NQ_KIND_POOL] = "pool",
};

static const nq_role_t *find(const nq_role_t *rows, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

const nq_role_t *nq_role_find(const char *name)
{
    return find(roles, N_ROLES, name);
}

const nq_role_t *nq_scope_find(const char *name)
{
    return find(scopes, N_SCOPES, name);
}

const nq_role_t *nq_roles(int *n)
{
    *n = N_ROLES;
    return roles;
}

const nq_role_t *nq_scopes(int *n)
{
    *n = N_SCOPES;
    return scopes;
}

bool nq_perm_valid(nq_perm_t perm)
{
    if (perm.action == NQ_ACT_OPEN)
        return perm.kind == NQ_KIND_NONE;
    return (perm.action == NQ_ACT_READ || perm.action == NQ_ACT_WRITE) &&
           perm.kind > NQ_KIND_NONE && perm.kind < NQ_KIND_COUNT;
}

bool nq_role_allows(const nq_role_t *role, nq_perm_t perm)
{
    if (!nq_perm_valid(perm))
        return false;
    if (perm.action == NQ_ACT_OPEN)
        return true;
    uint32_t bit = perm.action == NQ_ACT_READ ? NQ_BIT_READ(perm.kind) : NQ_BIT_WRITE(perm.kind);
    return role && (role->allows & bit) != 0;
}

const char *nq_kind_name(nq_kind_t kind)
{
    return kind >= 0 && kind < NQ_KIND_COUNT ? kind_names[kind] : "?";
}

const char *nq_perm_name(nq_perm_t perm, char *buf, int len)
{
    if (!nq_perm_valid(perm))
        snprintf(buf, (size_t)len, "undeclared");
    else if (perm.action == NQ_ACT_OPEN)
        snprintf(buf, (size_t)len, "open");
    else
        snprintf(buf, (size_t)len, "%s %s", perm.action == NQ_ACT_READ ? "read" : "write",
                 nq_kind_name((nq_kind_t)perm.kind));
    return buf;
}
