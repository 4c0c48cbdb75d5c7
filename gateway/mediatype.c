/* gateway/mediatype.c — body types. See mediatype.h. */
#include "mediatype.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const json_only[] = {"application/json", NULL};

bool media_type_is(const char *ct, const char *type)
{
    if (!ct)
        return false;
    ct += strspn(ct, " \t");
    size_t len = strcspn(ct, "; \t");
    return len == strlen(type) && strncasecmp(ct, type, len) == 0;
}

bool media_type_accepted(const char *ct, const char *const *types)
{
    for (const char *const *t = types ? types : json_only; *t; t++)
        if (media_type_is(ct, *t))
            return true;
    return false;
}

const char *media_types_text(const char *const *types, char *buf, size_t len)
{
    const char *const *t = types ? types : json_only;
    size_t n = 0, used = 0;
    while (t[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        int w = snprintf(buf + used, len - used, "%s%s", sep, t[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}
