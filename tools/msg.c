/* msg.c — the language in force and the lookup of translations (see msg.h). */
#include "msg.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nq/i18n.h"

static msg_lang_t s_lang = MSG_EN;

/* The Chinese catalogue sorted by English text, built on the first lookup. */
static const msg_pair_t **s_sorted;

int msg_lang_choose(const char *nq_lang, const char *lc_all, const char *lc_messages,
                    const char *lang, const char **why)
{
    if (nq_lang && *nq_lang) {
        int l = nq_lang_of_tag(nq_lang, strlen(nq_lang));
        if (l >= 0)
            return l == NQ_LANG_ZH ? MSG_ZH : MSG_EN;
        if (why)
            *why = "expected zh-CN or en";
        return -1;
    }
    const char *locale = lc_all && *lc_all             ? lc_all
                         : lc_messages && *lc_messages ? lc_messages
                                                       : lang;
    return locale && nq_lang_of_tag(locale, strlen(locale)) == NQ_LANG_ZH ? MSG_ZH : MSG_EN;
}

void msg_set_lang(msg_lang_t lang)
{
    s_lang = lang;
}

msg_lang_t msg_lang(void)
{
    return s_lang;
}

const char *msg_accept_language(void)
{
    return s_lang == MSG_ZH ? "zh-CN, zh;q=0.9, en;q=0.5" : "en";
}

static int by_en(const void *a, const void *b)
{
    return strcmp((*(const msg_pair_t *const *)a)->en, (*(const msg_pair_t *const *)b)->en);
}

const char *msg_zh_of(const char *en)
{
    if (!s_sorted) {
        const msg_pair_t **sorted = malloc(msg_zh_count * sizeof(*sorted));
        if (!sorted)
            goto linear;
        for (size_t i = 0; i < msg_zh_count; i++)
            sorted[i] = &msg_zh_catalogue[i];
        qsort(sorted, msg_zh_count, sizeof(*sorted), by_en);
        s_sorted = sorted;
    }
    msg_pair_t key = {en, NULL};
    const msg_pair_t *k = &key;
    const msg_pair_t **hit = bsearch(&k, s_sorted, msg_zh_count, sizeof(*s_sorted), by_en);
    return hit ? (*hit)->zh : NULL;
linear: /* no memory for the index: look through the catalogue */
    for (size_t i = 0; i < msg_zh_count; i++) {
        if (strcmp(msg_zh_catalogue[i].en, en) == 0)
            return msg_zh_catalogue[i].zh;
    }
    return NULL;
}

const char *msg_tr(const char *en)
{
    if (s_lang != MSG_ZH || !en)
        return en;
    const char *zh = msg_zh_of(en);
    return zh ? zh : en;
}
