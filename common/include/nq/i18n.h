/* nq/i18n.h — the API's error texts in English and Chinese (zh-CN).
 *
 * Services and the gateway write every reason and detail in English, with
 * printf as they always did. The gateway translates when it renders an error
 * answer: nq_lang_accept() reads the request's Accept-Language, and
 * nq_i18n_tr() turns an English text back into the template it came from
 * (literal parts equal, each conversion capturing what printf wrote there) and
 * writes the captured values into that template's Chinese, conversions in the
 * same order. English texts pass through untouched, so English costs nothing.
 *
 *   char zh[512];
 *   nq_i18n_tr(NQ_LANG_ZH, "must be 1-64 bytes of UTF-8 text", zh, sizeof(zh));
 *   // "须为 1-64 字节的 UTF-8 文本"
 *
 * In a Chinese template, "%#s" stands for a value that is itself an English
 * text of the catalogue (a reason, a noun such as "customer") and is
 * translated in turn; "%s" is data (an id, the client's text) copied as it is.
 *
 * The catalogue (i18n_zh.c) pairs each English template, spelled as in the
 * code, with its Chinese; tests/unit/test_i18n.c reads the sources and fails
 * when a reason given to an error function, assigned to a `why`, or marked
 * NQ_REASON (nq/fielderr.h) has no translation with the same conversions. Error codes and
 * field names are never translated. A text that matches no template stays
 * English.
 */
#ifndef NQ_I18N_H
#define NQ_I18N_H

#include <stddef.h>

typedef enum {
    NQ_LANG_EN, /* English: the texts as written */
    NQ_LANG_ZH, /* 简体中文 (zh-CN) */
} nq_lang_t;

/* One translation: an English template and its Chinese. */
typedef struct nq_i18n_pair {
    const char *en; /* printf template as in the code */
    const char *zh; /* the same, in Chinese: the same conversions in the same order */
} nq_i18n_pair_t;

/* The Chinese catalogue (i18n_zh.c). */
extern const nq_i18n_pair_t nq_i18n_zh_catalogue[];
extern const size_t nq_i18n_zh_count;

/* The language of a language tag of `len` bytes: "zh", "zh-CN", "zh_CN",
 * "zh-Hans-CN", "ZH" (zh then nothing, '-', '_' or '.') is NQ_LANG_ZH; "en",
 * "en-US", "en_GB.UTF-8" is NQ_LANG_EN; anything else -1. */
int nq_lang_of_tag(const char *tag, size_t len);

/* The language to answer a request in, from its Accept-Language header (NULL
 * when absent). RFC 9110: the language ranges we speak (zh... and en...) are
 * weighed by their q-values (1 when not given, q=0 refuses), the highest wins,
 * the first listed on a tie. Nothing we speak, "*" or no header: English. */
nq_lang_t nq_lang_accept(const char *accept_language);

/* The printf conversions of fmt, flags and widths included, written in order
 * into out ("%zu%s%%"; always NUL-terminated). A '%' that starts none
 * ("90 %)") is text; "%#s" is listed as "%s". Returns the number of
 * conversions. */
size_t nq_i18n_conversions(const char *fmt, char *out, size_t len);

/* Render `text`, produced by printf(en_fmt, ...), with zh_fmt: the values the
 * conversions of en_fmt wrote, in order, replace those of zh_fmt, copied as
 * they are. Returns 0 with out filled (valid UTF-8, cut between characters to
 * fit), or -1 when text is not en_fmt's output (out untouched). */
int nq_i18n_render(const char *en_fmt, const char *zh_fmt, const char *text, char *out, size_t len);

/* `text` in `lang`, written to out (len >= 1, always NUL-terminated, valid
 * UTF-8 when text is): for NQ_LANG_ZH the rendering of the catalogue template
 * that matches it with the most literal text (its "%#s" values translated
 * too), otherwise text unchanged. Returns out. */
const char *nq_i18n_tr(nq_lang_t lang, const char *text, char *out, size_t len);

#endif
