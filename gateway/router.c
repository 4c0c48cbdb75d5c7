/* gateway/router.c — HTTP route table. See router.h. */
#include "router.h"

#include <stdbool.h>
#include <string.h>

/* Does the pattern segment pat[0..plen) accept the path segment seg[0..slen)?
 * A parameter segment captures the text into params. */
static bool segment_match(const char *pat, size_t plen, const char *seg, size_t slen,
                          nq_route_params_t *params)
{
    if (plen == 0 || pat[0] != ':')
        return plen == slen && memcmp(pat, seg, slen) == 0;
    if (slen == 0 || slen >= NQ_ROUTE_PARAM_LEN || params->n == NQ_ROUTE_MAX_PARAMS)
        return false;
    params->names[params->n] = pat + 1;
    memcpy(params->values[params->n], seg, slen);
    params->values[params->n][slen] = '\0';
    params->n++;
    return true;
}

/* Match a whole path against a pattern; both must start with '/'. */
static bool path_match(const char *pattern, const char *path, nq_route_params_t *params)
{
    params->n = 0;
    if (pattern[0] != '/' || path[0] != '/')
        return false;
    while (*pattern == '/' && *path == '/') {
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/");
        size_t slen = strcspn(path, "/");
        if (!segment_match(pattern, plen, path, slen, params))
            return false;
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && *path == '\0';
}

const nq_route_t *nq_route_find(const nq_route_t *routes, size_t n, const char *method,
                                const char *path, nq_route_params_t *params, int *status)
{
    nq_route_params_t scratch;
    nq_route_params_t *p = params ? params : &scratch;
    bool path_known = false;

    for (size_t i = 0; path && method && i < n; i++) {
        if (!path_match(routes[i].pattern, path, p))
            continue;
        if (strcmp(routes[i].method, method) == 0)
            return &routes[i];
        path_known = true;
    }
    p->n = 0;
    if (status)
        *status = path_known ? 405 : 404;
    return NULL;
}

const char *nq_route_param(const nq_route_params_t *params, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < params->n; i++) {
        const char *have = params->names[i];
        if (strncmp(have, name, len) == 0 && (have[len] == '\0' || have[len] == '/'))
            return params->values[i];
    }
    return NULL;
}

const char *gw_subject_name(int subject)
{
    static const char *const names[GW_SUBJ_COUNT] = {
        [GW_SUBJ_UNSET] = "undeclared",
        [GW_SUBJ_NONE] = "none",
        [GW_SUBJ_SALESPERSON] = "salesperson",
        [GW_SUBJ_TEAM] = "team",
        [GW_SUBJ_CUSTOMER] = "customer",
        [GW_SUBJ_COMPANY] = "company",
        [GW_SUBJ_FILTERED] = "filtered",
        [GW_SUBJ_RECORD] = "record",
        [GW_SUBJ_BOARD] = "board",
        [GW_SUBJ_EVERY_TEAM] = "every team",
        [GW_SUBJ_QUERY] = "query",
        [GW_SUBJ_QUERY_CUSTOMER] = "query customer",
    };
    return subject >= 0 && subject < GW_SUBJ_COUNT ? names[subject] : "undeclared";
}
