/* tools/msg.h — nqctl's messages in English and Chinese (zh-CN).
 *
 * Every text nqctl shows a person is a message of the English catalogue
 * (msg_en.h: one macro per message, M_..., whose value is the English text)
 * and has its translation in the Chinese catalogue (msg_zh.c, keyed by the
 * same macro). Code never spells a message out: it writes msg_tr(M_...),
 * which gives the text in the language in force. Because msg_tr is declared
 * format_arg, the compiler checks a printf-style call's arguments against
 * the English text; tests/unit/test_import_excel.c checks that every message
 * has a translation with the same conversions in the same order.
 *
 *   msg_set_lang(msg_lang_choose(getenv("NQ_LANG"), getenv("LC_ALL"),
 *                                getenv("LC_MESSAGES"), getenv("LANG"), NULL));
 *   fprintf(stderr, msg_tr(M_LINE_COLUMN), line, column, reason);
 *   // "line 12, column amount: ..." or "第 12 行，列“金额”：..."
 *
 * The language is one setting of the process (like the zone of nq/period.h):
 * English until msg_set_lang is called.
 */
#ifndef NQ_TOOLS_MSG_H
#define NQ_TOOLS_MSG_H

#include <stddef.h>

#include "msg_en.h"

typedef enum {
    MSG_EN, /* English */
    MSG_ZH, /* 简体中文 (zh-CN) */
} msg_lang_t;

/* One translation: the English text (a M_... macro) and its Chinese. */
typedef struct msg_pair {
    const char *en; /* key: the English text */
    const char *zh; /* the same message in Chinese */
} msg_pair_t;

/* The Chinese catalogue (msg_zh.c). */
extern const msg_pair_t msg_zh_catalogue[];
extern const size_t msg_zh_count;

/* The language to use. nq_lang (NQ_LANG) wins when set: "zh-CN", "zh_CN",
 * "zh" (any case) is Chinese, "en", "en-US", "en_GB"... is English; any other
 * value is refused (returns -1 with *why = the English reason when why is
 * not NULL). Unset or empty, the first non-empty of lc_all, lc_messages, lang
 * (the POSIX order) decides: starting with "zh" is Chinese, anything else
 * (or nothing) English. Returns the msg_lang_t (>= 0) or -1. */
int msg_lang_choose(const char *nq_lang, const char *lc_all, const char *lc_messages,
                    const char *lang, const char **why);

/* Use `lang` from now on. */
void msg_set_lang(msg_lang_t lang);

/* The language in force. */
msg_lang_t msg_lang(void);

/* The value of an Accept-Language header for the language in force:
 * "zh-CN, zh;q=0.9, en;q=0.5" or "en". */
const char *msg_accept_language(void);

/* `en` (a M_... message) in the language in force: its Chinese translation,
 * or `en` itself in English or when it has none. Never NULL for a non-NULL
 * en; the result is static. */
const char *msg_tr(const char *en) __attribute__((format_arg(1)));

/* The translation of `en` in the Chinese catalogue, or NULL. */
const char *msg_zh_of(const char *en);

#endif
