/* gateway/scope.c — team scoping (pure). See scope.h. */
#include "scope.h"

#include <stdio.h>
#include <string.h>

void gw_scope_make(gw_scope_t *s, nq_reach_t reach, bool is_key, const char *teams,
                   const char *salesperson)
{
    memset(s, 0, sizeof(*s));
    s->reach = reach;
    if (is_key) /* a key reaches every team unless limited to some */
        s->reach = teams && *teams ? NQ_REACH_TEAMS : NQ_REACH_ALL;
    if (s->reach == NQ_REACH_SELF)
        snprintf(s->self, sizeof(s->self), "%s", salesperson ? salesperson : "");
    for (const char *p = teams && s->reach == NQ_REACH_TEAMS ? teams : ""; *p;) {
        size_t len = strcspn(p, ", ");
        if (len > 0 && len <= NQ_ID_MAX && s->n < SCOPE_TEAMS_MAX) {
            memcpy(s->teams[s->n], p, len);
            s->teams[s->n++][len] = '\0';
        }
        p += len;
        p += strspn(p, ", ");
    }
}

void gw_scope_of(gw_scope_t *s, const gw_principal_t *p)
{
    if (!p || !p->role) {
        gw_scope_make(s, NQ_REACH_ALL, false, "", "");
        return;
    }
    gw_scope_make(s, (nq_reach_t)p->role->reach, p->is_key, p->teams, p->salesperson);
}

bool gw_scope_all(const gw_scope_t *s)
{
    return s->reach == NQ_REACH_ALL;
}

bool gw_scope_sees_team(const gw_scope_t *s, const char *team)
{
    if (s->reach == NQ_REACH_ALL)
        return true;
    for (size_t i = 0; team && *team && s->reach == NQ_REACH_TEAMS && i < s->n; i++)
        if (strcmp(s->teams[i], team) == 0)
            return true;
    return false;
}

bool gw_scope_sees_salesperson(const gw_scope_t *s, const char *sp, const char *team)
{
    switch (s->reach) {
    case NQ_REACH_ALL:
        return true;
    case NQ_REACH_TEAMS:
        return gw_scope_sees_team(s, team);
    case NQ_REACH_SELF:
        return sp && *sp && strcmp(sp, s->self) == 0;
    }
    return false;
}

bool gw_scope_sees_customer(const gw_scope_t *s, const char *owner, const char *owner_team)
{
    if (s->reach == NQ_REACH_ALL)
        return true;
    return owner && *owner && gw_scope_sees_salesperson(s, owner, owner_team);
}

bool gw_scope_sees_pool(const gw_scope_t *s, const char *pool_team, const char *self_team)
{
    if (s->reach == NQ_REACH_ALL)
        return true;
    if (!pool_team || !*pool_team)
        return false;
    if (s->reach == NQ_REACH_TEAMS)
        return gw_scope_sees_team(s, pool_team);
    return *s->self && self_team && strcmp(pool_team, self_team) == 0;
}

bool gw_scope_sees_company_people(const gw_scope_t *s)
{
    return s->reach == NQ_REACH_ALL;
}

bool gw_scope_sees_alert(const gw_scope_t *s, const char *team, const char *sp)
{
    return gw_scope_sees_salesperson(s, sp, team);
}
