/* schedtext.c — the schedule rules' titles and explanations. See schedule.h.
 *
 * Each text is one catalogue template (NQ_REASON, nq/i18n.h): written with
 * the English figures ("CNY 1,000.00", "sales", "Nov 2026") it is the English
 * text; written with the Chinese ones ("¥1,000.00", "销售额", "2026年11月") and
 * rendered through the catalogue it is the Chinese text. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nq/fielderr.h"
#include "nq/i18n.h"
#include "nq/kpi.h"
#include "nq/money.h"
#include "schedule.h"

#define EXPAND(...) __VA_ARGS__

/* d->field_en from fmt with the English values EN, d->field from the
 * catalogue's Chinese of fmt with the Chinese values ZH. */
#define BILINGUAL(d, field, fmt, EN, ZH)                                                           \
    do {                                                                                           \
        char zh_text_[1024];                                                                       \
        snprintf((d)->field##_en, sizeof((d)->field##_en), fmt, EXPAND EN);                        \
        snprintf(zh_text_, sizeof(zh_text_), fmt, EXPAND ZH);                                      \
        nq_i18n_tr(NQ_LANG_ZH, zh_text_, (d)->field, sizeof((d)->field));                          \
    } while (0)

/* A figure in both languages. */
typedef struct words {
    char en[64];
    char zh[64];
} words_t;

/* Who: the name when known, else the id; a team's alert names the team. */
static const char *who(const alert_draft_t *d, const alert_names_t *n)
{
    if (!*d->salesperson_id)
        return *n->team ? n->team : d->team_id;
    return *n->salesperson ? n->salesperson : d->salesperson_id;
}

/* The console page: the salesperson's, or a team's alerts. */
static void link_of(alert_draft_t *d)
{
    if (*d->salesperson_id)
        snprintf(d->link, sizeof(d->link), "/salespeople/%s", d->salesperson_id);
    else
        snprintf(d->link, sizeof(d->link), "/alerts?team=%s", d->team_id);
}

/* Value v of metric m (its unit: fen, a count, a ratio...); `count_zh` is
 * what follows a count in Chinese ("次" for a gap of visits, "" for figures). */
static void figure(nq_metric_id_t m, double v, const char *count_en, const char *count_zh,
                   words_t *w)
{
    char yuan[NQ_MONEY_BUF];
    switch (nq_metric_defs[m].unit) {
    case NQ_UNIT_MONEY:
        nq_money_format_grouped((int64_t)llround(v), yuan, sizeof(yuan));
        snprintf(w->en, sizeof(w->en), "CNY %s", yuan);
        snprintf(w->zh, sizeof(w->zh), "¥%s", yuan);
        return;
    case NQ_UNIT_COUNT:
        snprintf(w->en, sizeof(w->en), "%lld%s", (long long)llround(v), count_en);
        snprintf(w->zh, sizeof(w->zh), "%lld%s", (long long)llround(v), count_zh);
        return;
    case NQ_UNIT_RATIO:
        snprintf(w->en, sizeof(w->en), "%.2f%%", v * 100.0);
        break;
    default: /* scores, hours */
        snprintf(w->en, sizeof(w->en), "%.2f", v);
    }
    snprintf(w->zh, sizeof(w->zh), "%s", w->en);
}

/* A metric's name in sentences: "sales" / "销售额". */
static void metric_words(nq_metric_id_t m, words_t *w)
{
    snprintf(w->en, sizeof(w->en), "%s", nq_metric_defs[m].en);
    snprintf(w->zh, sizeof(w->zh), "%s", nq_metric_defs[m].zh);
}

/* A period's label: "Nov 2026" / "2026年11月", "2026 Q4" / "2026年第4季度",
 * "2026" / "2026年"; the key itself for anything else. */
static void period_words(const char *key, words_t *w)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y = 0, k = 0;
    char tail;
    if (sscanf(key, "%4d-Q%1d%c", &y, &k, &tail) == 2 && k >= 1 && k <= 4) {
        snprintf(w->en, sizeof(w->en), "%d Q%d", y, k);
        snprintf(w->zh, sizeof(w->zh), "%d年第%d季度", y, k);
    } else if (sscanf(key, "%4d-%2d%c", &y, &k, &tail) == 2 && k >= 1 && k <= 12) {
        snprintf(w->en, sizeof(w->en), "%s %d", months[k - 1], y);
        snprintf(w->zh, sizeof(w->zh), "%d年%d月", y, k);
    } else if (sscanf(key, "%4d%c", &y, &tail) == 1) {
        snprintf(w->en, sizeof(w->en), "%d", y);
        snprintf(w->zh, sizeof(w->zh), "%d年", y);
    } else {
        snprintf(w->en, sizeof(w->en), "%s", key);
        snprintf(w->zh, sizeof(w->zh), "%s", key);
    }
}

/* A percentage shown rounded down: 79.6 % reads 79 %, never "80 % below 80 %". */
static int pct_down(double ratio)
{
    return (int)(ratio * 100.0 + 1e-9);
}

void sched_pace_describe(alert_draft_t *d, const alert_names_t *n)
{
    int m = nq_metric_find(d->metric);
    if (m < 0)
        return;
    bool sales = m == NQ_METRIC_SALES_AMOUNT;
    words_t what = {"visit", "拜访"}, gap, target, actual;
    if (sales)
        what = (words_t){"sales", "销售"};
    figure((nq_metric_id_t)m, d->gap, sales ? "" : " visits", " 次", &gap);
    figure((nq_metric_id_t)m, d->target, sales ? "" : " visits", " 次拜访", &target);
    figure((nq_metric_id_t)m, d->actual, sales ? "" : " visits", " 次拜访", &actual);
    const char *sp = who(d, n);
    int pct = pct_down(d->pace);
    BILINGUAL(d, title, NQ_REASON("%s's %s pace this month is %d%%, below %d%%: %s to go"),
              (sp, what.en, pct, d->min_pace_pct, gap.en),
              (sp, what.zh, pct, d->min_pace_pct, gap.zh));
    BILINGUAL(d, explanation,
              NQ_REASON("Target for %s: %s; done so far: %s; %s short of the share of the target "
                        "the working days gone call for."),
              (d->period, target.en, actual.en, gap.en), (d->period, target.zh, actual.zh, gap.zh));
    link_of(d);
}

void sched_idle_describe(alert_draft_t *d, const alert_names_t *n)
{
    const char *sp = who(d, n);
    int h = d->at_minute / 60, m = d->at_minute % 60;
    BILINGUAL(d, title, NQ_REASON("%s has no activity recorded today (%s)"), (sp, d->period),
              (sp, d->period));
    BILINGUAL(d, explanation,
              NQ_REASON("By %02d:%02d %s has recorded no visit, call, meeting, order or any other "
                        "activity today."),
              (h, m, sp), (h, m, sp));
    link_of(d);
}

/* targets_missed's texts by the metric's direction: a goal not reached, or
 * a ceiling gone over. Each takes the same values in the same order. */
static const struct {
    const char *title;       /* who, period, metric, pct, actual, target */
    const char *explanation; /* period, metric, actual, target, pct, threshold */
    const char *derived;     /* the same, of a target derived from the months' */
} missed_texts[NQ_DIRECTION_COUNT] = {
    [NQ_HIGHER_IS_BETTER] =
        {NQ_REASON("%s, %s: %s at %d%% of target (%s / %s), target missed"),
         NQ_REASON("%s closed with %s of %s against a target of %s: %d%% attained, below %d%%."),
         NQ_REASON("%s closed with %s of %s against a target of %s derived from its "
                   "months' targets: %d%% attained, below %d%%.")},
    [NQ_LOWER_IS_BETTER] =
        {NQ_REASON("%s, %s: %s over its ceiling, %d%% attained (%s / %s), target missed"),
         NQ_REASON("%s closed with %s of %s, above the allowed %s (lower is better): %d%% "
                   "attained, below %d%%."),
         NQ_REASON("%s closed with %s of %s, above the allowed %s derived from its months' "
                   "targets (lower is better): %d%% attained, below %d%%.")},
};

void sched_missed_describe(alert_draft_t *d, const alert_names_t *n)
{
    int m = nq_metric_find(d->metric);
    if (m < 0)
        return;
    words_t metric, period, target, actual;
    metric_words((nq_metric_id_t)m, &metric);
    period_words(d->period, &period);
    figure((nq_metric_id_t)m, d->target, "", "", &target);
    figure((nq_metric_id_t)m, d->actual, "", "", &actual);
    const char *sp = who(d, n);
    int pct = pct_down(d->attainment);
    const char *title = missed_texts[nq_metric_direction((nq_metric_id_t)m)].title;
    const char *why = d->target_derived
                          ? missed_texts[nq_metric_direction((nq_metric_id_t)m)].derived
                          : missed_texts[nq_metric_direction((nq_metric_id_t)m)].explanation;
    BILINGUAL(d, title, title, (sp, period.en, metric.en, pct, actual.en, target.en),
              (sp, period.zh, metric.zh, pct, actual.zh, target.zh));
    BILINGUAL(d, explanation, why,
              (period.en, metric.en, actual.en, target.en, pct, d->min_attainment_pct),
              (period.zh, metric.zh, actual.zh, target.zh, pct, d->min_attainment_pct));
    link_of(d);
}
