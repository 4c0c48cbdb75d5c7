/* Tests for nq/i18n.h: Accept-Language, the template matcher, and a catalogue
 * that covers every reason the sources can put in an answer. */
#include "nq/i18n.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"
#include "nq_test.h"

/* ---- Accept-Language ----------------------------------------------------------- */

static void test_accept_language(void)
{
    CU_ASSERT_EQUAL(nq_lang_accept(NULL), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept(""), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh-CN"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("zh"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("zh-Hans-CN"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("ZH-cn"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("en"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("en-US,en;q=0.9"), NQ_LANG_EN);
    /* A browser in China; nqctl under NQ_LANG=zh-CN. */
    CU_ASSERT_EQUAL(nq_lang_accept("zh-CN,zh;q=0.9,en;q=0.8,en-GB;q=0.7"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("zh-CN, zh;q=0.9, en;q=0.5"), NQ_LANG_ZH);
    /* q-values weigh, whatever the order; the first wins a tie. */
    CU_ASSERT_EQUAL(nq_lang_accept("en;q=0.4, zh;q=0.6"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=0.5, en ; q=0.8"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=0.5, en;q=0.5"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("en;q=1.000, zh;q=1"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;Q=0.001"), NQ_LANG_ZH);
    /* q=0 refuses; languages we do not speak are passed over. */
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=0"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=0.000, en;q=0"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("fr-FR, de;q=0.9, zh;q=0.1"), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_accept("fr, de"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("*"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("*;q=0.5, zh"), NQ_LANG_ZH);
    /* Not zh: "zhx", "english"; a malformed q ignores its item. */
    CU_ASSERT_EQUAL(nq_lang_accept("zhx, english"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=2"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept("zh;q=abc, en;q=0.1"), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_accept(" , ,zh-TW"), NQ_LANG_ZH);

    CU_ASSERT_EQUAL(nq_lang_of_tag("zh_CN.UTF-8", 11), NQ_LANG_ZH);
    CU_ASSERT_EQUAL(nq_lang_of_tag("en", 2), NQ_LANG_EN);
    CU_ASSERT_EQUAL(nq_lang_of_tag("zh-CN", 1), -1);
    CU_ASSERT_EQUAL(nq_lang_of_tag("fr", 2), -1);
}

/* ---- the matcher ---------------------------------------------------------------- */

/* nq_i18n_render's answer, or "(no match)". */
static const char *render(const char *en, const char *zh, const char *text)
{
    static char out[512];
    return nq_i18n_render(en, zh, text, out, sizeof(out)) == 0 ? out : "(no match)";
}

static void test_render(void)
{
    CU_ASSERT_STRING_EQUAL(
        render("must be greater than 0", "金额须大于 0", "must be greater than 0"), "金额须大于 0");
    CU_ASSERT_STRING_EQUAL(
        render("must be from %lld to %lld", "须在 %lld 到 %lld 之间", "must be from -5 to 86400"),
        "须在 -5 到 86400 之间");
    CU_ASSERT_STRING_EQUAL(render("must be 1-%zu bytes of UTF-8 text", "须为 1-%zu 字节的文本",
                                  "must be 1-200 bytes of UTF-8 text"),
                           "须为 1-200 字节的文本");
    /* Values with spaces, quotes and Chinese; the order of the Chinese kept. */
    CU_ASSERT_STRING_EQUAL(render("%s in the team now (move them first)", "%s 目前在该团队中",
                                  "u-li, u-zhao in the team now (move them first)"),
                           "u-li, u-zhao 目前在该团队中");
    CU_ASSERT_STRING_EQUAL(
        render("unknown field '%.40s'", "未知字段“%.40s”", "unknown field '客户 名称 '"),
        "未知字段“客户 名称 ”");
    CU_ASSERT_STRING_EQUAL(render("line %zu is not valid JSON: %s", "第 %zu 行不是有效的 JSON：%s",
                                  "line 3 is not valid JSON: '[' or '{' expected near 'x'"),
                           "第 3 行不是有效的 JSON：'[' or '{' expected near 'x'");
    /* Floating conversions, %d, %%. */
    CU_ASSERT_STRING_EQUAL(render("weights must add up to 1 (they add up to %g)",
                                  "权重之和须为 1（现为 %g）",
                                  "weights must add up to 1 (they add up to 0.95)"),
                           "权重之和须为 1（现为 0.95）");
    CU_ASSERT_STRING_EQUAL(render("%.2f%% of %d", "%.2f%%，共 %d", "12.50% of 8"), "12.50%，共 8");
    CU_ASSERT_STRING_EQUAL(render("up %.2f%%", "增长 %.2f%%", "up -1e+05%"), "增长 -1e+05%");
    CU_ASSERT_STRING_EQUAL(render("a %s needs rating", "%s 需要评分", "a  needs rating"),
                           " 需要评分");
    CU_ASSERT_STRING_EQUAL(render("ratio from 0 to 10 (0.9 = 90 %)", "0 到 10（0.9 = 90 %）",
                                  "ratio from 0 to 10 (0.9 = 90 %)"),
                           "0 到 10（0.9 = 90 %）");
    /* A literal or a number that differs is no match. */
    CU_ASSERT_STRING_EQUAL(render("must be greater than 0", "须大于 0", "must be greater than 1"),
                           "(no match)");
    CU_ASSERT_STRING_EQUAL(render("must be greater than 0", "须大于 0", "must be greater than 0!"),
                           "(no match)");
    CU_ASSERT_STRING_EQUAL(render("at most %d items", "最多 %d 项", "at most many items"),
                           "(no match)");
    CU_ASSERT_STRING_EQUAL(render("at most %d items", "最多 %d 项", "at most  items"),
                           "(no match)");
    CU_ASSERT_STRING_EQUAL(render("%zu", "%zu 个", "-3"), "(no match)");
    CU_ASSERT_STRING_EQUAL(render("%.2f of %s", "%s 中的 %.2f", "x of y"), "(no match)");
    CU_ASSERT_STRING_EQUAL(render("%s and %s", "%s 和 %s", "a and b and c"), "a 和 b and c");
    /* Cut between characters to fit. */
    char out[8];
    CU_ASSERT_EQUAL(nq_i18n_render("x %s", "值 %s", "x 金额", out, sizeof(out)), 0);
    CU_ASSERT_STRING_EQUAL(out, "值 金");
}

static void test_tr(void)
{
    char out[512];
    /* English: as it is, also for texts in the catalogue. */
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_EN, "must be greater than 0", out, sizeof(out)),
                           "must be greater than 0");
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_ZH, "must be greater than 0", out, sizeof(out)),
                           "金额须大于 0");
    /* No template: English kept. */
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_ZH, "no such text anywhere", out, sizeof(out)),
                           "no such text anywhere");
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_ZH, NULL, out, sizeof(out)), "");
    /* A %s value that is a catalogued text is translated too. */
    CU_ASSERT_STRING_EQUAL(
        nq_i18n_tr(NQ_LANG_ZH, "the service is unavailable, retry later", out, sizeof(out)),
        "服务暂时不可用，请稍后重试");
    /* ... and an id is not, though it spells a noun of the catalogue. */
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_ZH, "team team not found", out, sizeof(out)),
                           "团队 team 不存在");
    CU_ASSERT_STRING_EQUAL(nq_i18n_tr(NQ_LANG_ZH, "salesperson ids " NQ_ID_RULE, out, sizeof(out)),
                           "业务员编号应为 1-64 个字符，只能是 A-Z a-z 0-9 _ . : -");
    /* A %s value stays as it is. */
    CU_ASSERT_STRING_EQUAL(
        nq_i18n_tr(NQ_LANG_ZH, "no salesperson u-li in the directory", out, sizeof(out)),
        "名录中没有业务员 u-li");
    /* The template with the most literal text wins. */
    CU_ASSERT_STRING_EQUAL(
        nq_i18n_tr(NQ_LANG_ZH, "must be 1-64 bytes of UTF-8 text", out, sizeof(out)),
        "应为 1-64 字节的 UTF-8 文本");
}

/* ---- the catalogue covers the sources -------------------------------------------- */

/* Where a reason can be spelled: a call's argument (1-based), or a literal
 * assigned to a `why`. */
static const struct {
    const char *name; /* function or macro */
    int arg;          /* the argument that holds the text */
} sites[] = {
    {"nq_field_errors_add", 3},
    {"field_error", 4},
    {"nq_call_fail", 3},
    {"nq_reply_header_init", 4},
    {"gw_respond_error", 4},
    {"gw_respond_error_headers", 4},
    {"unauthorized", 2},
    {"forbidden", 3},
    {"gw_respond_unavailable", 2},
    {"fail", 2},
    {"answer_fail_invalid", 2},
    {"org_fail_invalid", 2},
    {"NQ_REASON", 1},
};

/* The snprintf buffers whose text becomes a reason. */
static const char *const buffers[] = {"reason", "detail", "why", NULL};

/* The variables whose literal values become reasons ("why = ..."). */
static const char *const assigned[] = {"why", "reason", NULL};

/* Files whose texts never reach an error answer: configuration errors stop
 * the process at start; a rebuild job's failure is its status; the catalogue. */
static const char *const skipped[] = {"config.c", "rebuild.c", "i18n.c", "i18n_zh.c", NULL};

typedef struct text {
    char en[512];   /* the template */
    char where[96]; /* file:line */
} text_t;

typedef struct scan {
    text_t *texts; /* found */
    size_t n;      /* used */
    size_t cap;    /* allocated */
} scan_t;

/* Comments blanked out (strings kept), so examples in comments do not count. */
static void strip_comments(char *s)
{
    for (char *p = s; *p; p++) {
        if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; *p && *p != q; p++)
                p += *p == '\\' && p[1];
        } else if (p[0] == '/' && p[1] == '*') {
            for (; *p && !(p[0] == '*' && p[1] == '/'); p++)
                *p = *p == '\n' ? '\n' : ' ';
            if (*p)
                p[0] = p[1] = ' ';
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; p++)
                *p = ' ';
        }
        if (!*p)
            break;
    }
}

static bool ident(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* End of the expression starting at p: the ',' ';' or closing bracket at
 * depth 0. */
static const char *expr_end(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; *p && *p != q; p++)
                p += *p == '\\' && p[1];
        } else if (*p == '(' || *p == '[' || *p == '{') {
            depth++;
        } else if (*p == ')' || *p == ']' || *p == '}') {
            if (depth-- == 0)
                return p;
        } else if ((*p == ',' || *p == ';') && depth == 0) {
            return p;
        }
    }
    return p;
}

/* The string macros of the headers that the sources pass as reasons. */
static const struct {
    const char *name;
    const char *value;
} macros[] = {{"NQ_ID_RULE", NQ_ID_RULE}};

static void add_text(scan_t *sc, const char *en, const char *file, int line)
{
    if (!*en || strcmp(en, "%s") == 0) /* nothing, or another text passed through */
        return;
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? 2 * sc->cap : 256;
        sc->texts = realloc(sc->texts, sc->cap * sizeof(*sc->texts));
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc->texts);
    }
    text_t *t = &sc->texts[sc->n++];
    snprintf(t->en, sizeof(t->en), "%s", en);
    snprintf(t->where, sizeof(t->where), "%s:%d", file, line);
}

/* The texts of the expression [p, end): each run of adjacent string literals
 * and string macros is one ("a" "b" NQ_ID_RULE); anything else separates
 * them (c ? "x" : "y" gives two). Literals inside parentheses are another
 * call's arguments (json_object_get(e, "reason")) and do not count. */
static void texts_of(scan_t *sc, const char *p, const char *end, const char *file, int line)
{
    char buf[512];
    size_t k = 0;
    while (p < end) {
        if (*p == '(') {
            const char *close = expr_end(p + 1);
            while (*close == ',')
                close = expr_end(close + 1);
            p = close < end ? close + 1 : end;
            continue;
        }
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++) {
                char c = *p;
                if (c == '\\') {
                    c = *++p;
                    c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
                }
                if (k + 1 < sizeof(buf))
                    buf[k++] = c;
            }
            p++;
            continue;
        }
        if (*p == ' ' || *p == '\t' || *p == '\n') {
            p++;
            continue;
        }
        size_t n = 0;
        while (p + n < end && ident(p[n]))
            n++;
        const char *value = NULL;
        for (size_t i = 0; n && i < sizeof(macros) / sizeof(macros[0]); i++) {
            if (strlen(macros[i].name) == n && strncmp(p, macros[i].name, n) == 0)
                value = macros[i].value;
        }
        if (value) {
            k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s", value);
        } else {
            buf[k] = '\0';
            add_text(sc, buf, file, line);
            k = 0;
        }
        p += n ? n : 1;
    }
    buf[k] = '\0';
    add_text(sc, buf, file, line);
}

static int line_at(const char *src, const char *p)
{
    int line = 1;
    for (; src < p; src++)
        line += *src == '\n';
    return line;
}

/* The texts of one source file. */
static void scan_source(scan_t *sc, const char *path, const char *file)
{
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *src = malloc((size_t)size + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    src[fread(src, 1, (size_t)size, f)] = '\0';
    fclose(f);
    strip_comments(src);
    for (const char *p = src; *p; p++) {
        if (p > src && ident(p[-1]))
            continue;
        /* a call at one of the sites: its argument */
        for (size_t i = 0; i < sizeof(sites) / sizeof(sites[0]); i++) {
            size_t n = strlen(sites[i].name);
            if (strncmp(p, sites[i].name, n) != 0 || p[n] != '(')
                continue;
            const char *start = p + n + 1;
            for (int k = 1; k < sites[i].arg; k++) {
                start = expr_end(start);
                if (*start != ',')
                    break;
                start++;
            }
            texts_of(sc, start, expr_end(start), file, line_at(src, p));
        }
        /* snprintf(reason, ...): its format */
        if (strncmp(p, "snprintf(", 9) == 0) {
            const char *buf = p + 9;
            for (size_t i = 0; buffers[i]; i++) {
                size_t n = strlen(buffers[i]);
                if (strncmp(buf, buffers[i], n) == 0 && buf[n] == ',') {
                    const char *fmt = expr_end(expr_end(buf) + 1) + 1;
                    texts_of(sc, fmt, expr_end(fmt), file, line_at(src, p));
                }
            }
        }
        /* why = ...; */
        for (size_t i = 0; assigned[i]; i++) {
            size_t n = strlen(assigned[i]);
            if (strncmp(p, assigned[i], n) != 0 || ident(p[n]))
                continue;
            const char *q = p + n + strspn(p + n, " \t");
            if (q[0] == '=' && q[1] != '=')
                texts_of(sc, q + 1, expr_end(q + 1), file, line_at(src, p));
        }
    }
    free(src);
}

/* Every .c file under dir (and its folders), but the skipped ones. */
static void scan_dir(scan_t *sc, const char *dir)
{
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[1024];
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        bool skip = false;
        for (size_t i = 0; skipped[i]; i++)
            skip |= strcmp(e->d_name, skipped[i]) == 0;
        if (n > 2 && strcmp(e->d_name + n - 2, ".c") == 0) {
            if (!skip)
                scan_source(sc, path, e->d_name);
        } else if (!strchr(e->d_name, '.')) {
            DIR *sub = opendir(path);
            if (sub) {
                closedir(sub);
                scan_dir(sc, path);
            }
        }
    }
    closedir(d);
}

static const nq_i18n_pair_t *pair_of(const char *en)
{
    for (size_t i = 0; i < nq_i18n_zh_count; i++) {
        if (strcmp(nq_i18n_zh_catalogue[i].en, en) == 0)
            return &nq_i18n_zh_catalogue[i];
    }
    return NULL;
}

static void test_catalogue_covers_sources(void)
{
    static const char *const dirs[] = {"gateway", "services", "common/src"};
    scan_t sc = {0};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/%s", NQ_SOURCE_DIR, dirs[i]);
        scan_dir(&sc, dir);
    }
    /* The scan finds what it should: a sample of each kind of site. */
    CU_ASSERT(sc.n > 200);
    bool *used = calloc(nq_i18n_zh_count + 1, sizeof(*used));
    CU_ASSERT_PTR_NOT_NULL_FATAL(used);
    size_t missing = 0;
    for (size_t i = 0; i < sc.n; i++) {
        const nq_i18n_pair_t *p = pair_of(sc.texts[i].en);
        char want[64], got[64];
        if (!p) {
            if (missing++ < 400)
                fprintf(stderr, "\n  %s: no translation of \"%s\"", sc.texts[i].where,
                        sc.texts[i].en);
            continue;
        }
        used[p - nq_i18n_zh_catalogue] = true;
        nq_i18n_conversions(p->en, want, sizeof(want));
        nq_i18n_conversions(p->zh, got, sizeof(got));
        if (strcmp(want, got) != 0)
            fprintf(stderr, "\n  \"%s\": English %s, Chinese %s", p->en, want, got);
        CU_ASSERT_STRING_EQUAL(got, want);
    }
    CU_ASSERT_EQUAL(missing, 0);
    /* ... and the catalogue holds nothing else, nothing twice. */
    for (size_t i = 0; i < nq_i18n_zh_count; i++) {
        if (!used[i])
            fprintf(stderr, "\n  not in the sources: \"%s\"", nq_i18n_zh_catalogue[i].en);
        CU_ASSERT(used[i]);
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(strcmp(nq_i18n_zh_catalogue[i].en, nq_i18n_zh_catalogue[j].en) != 0);
    }
    free(used);
    free(sc.texts);
}

static CU_TestInfo i18n_tests[] = {
    {"Accept-Language: q-values, zh..., en..., the rest English", test_accept_language},
    {"render: literals exact, conversions captured and moved", test_render},
    {"translate by the catalogue", test_tr},
    {"every reason in the sources has its translation", test_catalogue_covers_sources},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"i18n", NULL, NULL, NULL, NULL, i18n_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
