/* test_orghist.c — org history over time: nq/orghist.h (parse, set, the
 * value at a day, the stretches of a value), nq_kpi_span_parts, the
 * membership rules of nq-customers (membership.h), the rosters of
 * nq-reporting (roster.h), and the property the figures rest on, as a pure
 * model: for random histories and random daily counters, every period's
 * team total read the way reporting reads it (each member's counters over
 * their days in the team: whole months plus single days) equals the sum of
 * the counters of the days each member was in the team, and the company's
 * total equals the teams' plus the unassigned part. The seed is printed on
 * failure (NQ_TEST_SEED=<n> replays it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customers/membership.h"
#include "nq/kpi.h"
#include "nq/orghist.h"
#include "nq/period.h"
#include "nq_test.h"
#include "reporting/roster.h"

#define DAY_MS 86400000LL

/* Local midnight of a date "YYYY-MM-DD". */
static int64_t day_of(const char *date)
{
    nq_period_t p;
    CU_ASSERT_EQUAL_FATAL(nq_period_from_key(NQ_PERIOD_DAY, date, &p), 0);
    return p.start_ms;
}

static void parse(nq_orghist_t *h, const char *const *entries, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(nq_orghist_parse(h, entries, n), 0);
}

/* ---- nq/orghist.h ------------------------------------------------------------ */

static void test_parse(void)
{
    char oct[32], nov[32];
    snprintf(oct, sizeof(oct), "%lld|t-west", (long long)day_of("2026-10-01"));
    snprintf(nov, sizeof(nov), "%lld|", (long long)day_of("2026-11-15"));
    const char *entries[] = {nov, "0|t-east", oct}; /* any order */
    nq_orghist_t h;
    parse(&h, entries, 3);
    CU_ASSERT_EQUAL_FATAL(h.n, 3);
    CU_ASSERT_EQUAL(h.changes[0].from, 0);
    CU_ASSERT_STRING_EQUAL(h.changes[0].value, "t-east");
    CU_ASSERT_STRING_EQUAL(h.changes[1].value, "t-west");
    CU_ASSERT_STRING_EQUAL(h.changes[2].value, ""); /* no team */
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, day_of("2026-09-30"), "none"), "t-east");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, day_of("2026-10-01"), "none"), "t-west");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, day_of("2026-11-15") - 1, "none"), "t-west");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, day_of("2026-11-15"), "none"), "");
    char buf[NQ_ORGHIST_ENTRY_MAX];
    CU_ASSERT(nq_orghist_entry(buf, sizeof(buf), &h.changes[1]) > 0);
    CU_ASSERT_STRING_EQUAL(buf, oct);
    nq_orghist_t copy;
    CU_ASSERT_EQUAL(nq_orghist_copy(&copy, &h), 0);
    CU_ASSERT(nq_orghist_equal(&copy, &h));
    nq_orghist_free(&copy);
    nq_orghist_free(&h);
    CU_ASSERT_EQUAL(h.n, 0);

    /* Empty: the caller's `none`. Malformed entries and two on a day: refused. */
    parse(&h, NULL, 0);
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, 5, "active"), "active");
    static const char *const bad[][2] = {
        {"x|t", "0|t"}, {"|t", "0|t"}, {"-5|t", "0|t"}, {"12", "0|t"}, {"0|a", "0|b"}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_EQUAL(nq_orghist_parse(&h, bad[i], 2), -1);
        CU_ASSERT_EQUAL(h.n, 0);
    }
}

static void test_set(void)
{
    nq_orghist_t h = {0};
    int64_t d1 = day_of("2026-10-01"), d2 = day_of("2026-10-15"), d3 = day_of("2026-11-01");
    /* A no-op is not stored. */
    CU_ASSERT_EQUAL(nq_orghist_set(&h, 0, "", ""), 0);
    CU_ASSERT_EQUAL(h.n, 0);
    CU_ASSERT_EQUAL(nq_orghist_set(&h, 0, "t-a", ""), 0);
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d1, "t-b", ""), 0);
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d3, "t-c", ""), 0);
    CU_ASSERT_EQUAL(h.n, 3);
    /* From d2 on t-a: the later changes go, t-a again from d2. */
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d2, "t-a", ""), 0);
    CU_ASSERT_EQUAL_FATAL(h.n, 3);
    CU_ASSERT_EQUAL(h.changes[2].from, d2);
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, d3, ""), "t-a");
    /* The same day again replaces it; back to what was before drops it. */
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d2, "t-b", ""), 0);
    CU_ASSERT_EQUAL(h.n, 2);
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&h, d3, ""), "t-b");
    /* From the start: one change. */
    CU_ASSERT_EQUAL(nq_orghist_set(&h, 0, "t-z", ""), 0);
    CU_ASSERT_EQUAL_FATAL(h.n, 1);
    CU_ASSERT_STRING_EQUAL(h.changes[0].value, "t-z");
    nq_orghist_free(&h);

    /* At most NQ_ORGHIST_MAX changes. */
    for (int i = 0; i < NQ_ORGHIST_MAX; i++)
        CU_ASSERT_EQUAL(nq_orghist_set(&h, d1 + i * DAY_MS, i % 2 ? "a" : "b", ""), 0);
    CU_ASSERT_EQUAL(h.n, NQ_ORGHIST_MAX);
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d1 + NQ_ORGHIST_MAX * DAY_MS, "c", ""), -2);
    CU_ASSERT_EQUAL(h.n, NQ_ORGHIST_MAX);
    CU_ASSERT_EQUAL(nq_orghist_set(&h, d1, "c", ""), 0); /* replacing is fine */
    CU_ASSERT_EQUAL(h.n, 1);
    nq_orghist_free(&h);
}

static void test_spans(void)
{
    nq_orghist_t h = {0};
    int64_t oct = day_of("2026-10-01"), oct15 = day_of("2026-10-15"), nov = day_of("2026-11-01"),
            nov10 = day_of("2026-11-10"), dec = day_of("2026-12-01");
    nq_orghist_set(&h, 0, "t-a", "");
    nq_orghist_set(&h, oct15, "t-b", "");
    nq_orghist_set(&h, nov10, "t-a", "");
    nq_span_t s[8];
    size_t n = nq_orghist_spans(&h, "t-a", "", oct, dec, s);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT(s[0].start_ms == oct && s[0].end_ms == oct15);
    CU_ASSERT(s[1].start_ms == nov10 && s[1].end_ms == dec);
    n = nq_orghist_spans(&h, "t-b", "", oct, dec, s);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT(s[0].start_ms == oct15 && s[0].end_ms == nov10);
    /* Inside one stretch: the whole period. */
    n = nq_orghist_spans(&h, "t-a", "", day_of("2026-11-20"), dec, s);
    CU_ASSERT(n == 1 && s[0].start_ms == day_of("2026-11-20") && s[0].end_ms == dec);
    CU_ASSERT_EQUAL(nq_orghist_spans(&h, "t-c", "", oct, dec, s), 0);
    CU_ASSERT_EQUAL(nq_orghist_spans(&h, "", "", oct, dec, s), 0);
    /* Before the first change the value is `none`. */
    nq_orghist_free(&h);
    nq_orghist_set(&h, nov, "t-a", "");
    n = nq_orghist_spans(&h, "", "", oct, dec, s);
    CU_ASSERT(n == 1 && s[0].start_ms == oct && s[0].end_ms == nov);
    nq_orghist_free(&h);
}

/* ---- nq_kpi_span_parts --------------------------------------------------------- */

static void test_span_parts(void)
{
    nq_period_t parts[NQ_KPI_SPAN_PARTS_MAX];
    /* Oct 15 .. Dec 10: 17 days, November, 9 days. */
    nq_span_t one = {day_of("2026-10-15"), day_of("2026-12-10")};
    int n = nq_kpi_span_parts(&one, 1, parts, NQ_KPI_SPAN_PARTS_MAX);
    CU_ASSERT_EQUAL_FATAL(n, 17 + 1 + 9);
    CU_ASSERT_STRING_EQUAL(parts[0].key, "2026-10-15");
    CU_ASSERT_STRING_EQUAL(parts[16].key, "2026-10-31");
    CU_ASSERT_STRING_EQUAL(parts[17].key, "2026-11");
    CU_ASSERT_STRING_EQUAL(parts[18].key, "2026-12-01");
    /* A whole month is one part; two spans keep their order. */
    nq_span_t two[] = {{day_of("2026-09-01"), day_of("2026-10-01")},
                       {day_of("2026-10-30"), day_of("2026-11-01")}};
    n = nq_kpi_span_parts(two, 2, parts, NQ_KPI_SPAN_PARTS_MAX);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_STRING_EQUAL(parts[0].key, "2026-09");
    CU_ASSERT_STRING_EQUAL(parts[2].key, "2026-10-31");
    /* Not midnights, overlapping, too many: refused. */
    nq_span_t odd = {day_of("2026-10-15") + 1, day_of("2026-10-16")};
    CU_ASSERT_EQUAL(nq_kpi_span_parts(&odd, 1, parts, NQ_KPI_SPAN_PARTS_MAX), -1);
    nq_span_t overlap[] = {two[0], two[0]};
    CU_ASSERT_EQUAL(nq_kpi_span_parts(overlap, 2, parts, NQ_KPI_SPAN_PARTS_MAX), -1);
    CU_ASSERT_EQUAL(nq_kpi_span_parts(&one, 1, parts, 5), -1);
}

/* ---- membership.h -------------------------------------------------------------- */

static void test_membership_day(void)
{
    nq_field_errors_t errs = {0};
    int64_t now = day_of("2026-11-20") + 10 * 3600000, day = -1;
    CU_ASSERT_EQUAL(membership_day(false, 0, true, now, "effective_from", &errs, &day), 0);
    CU_ASSERT_EQUAL(day, 0); /* a first change: since the start */
    CU_ASSERT_EQUAL(membership_day(false, 0, false, now, "effective_from", &errs, &day), 0);
    CU_ASSERT_EQUAL(day, day_of("2026-11-20")); /* else today */
    CU_ASSERT_EQUAL(membership_day(true, day_of("2026-11-15") + 5000, false, now, "effective_from",
                                   &errs, &day),
                    0);
    CU_ASSERT_EQUAL(day, day_of("2026-11-15")); /* the day containing it */
    CU_ASSERT_EQUAL(membership_day(true, now + 3600000, true, now, "f", &errs, &day), 0);
    CU_ASSERT_EQUAL(errs.n, 0);
    /* Ahead of today, or before 2000: refused, naming the field. */
    CU_ASSERT_EQUAL(
        membership_day(true, day_of("2026-11-21"), false, now, "status_from", &errs, &day), -1);
    CU_ASSERT_EQUAL(
        membership_day(true, day_of("1999-12-31"), false, now, "effective_from", &errs, &day), -1);
    CU_ASSERT_EQUAL_FATAL(errs.n, 2);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "status_from");
    CU_ASSERT_STRING_EQUAL(errs.items[1].field, "effective_from");
}

static void test_team_put(void)
{
    int64_t now = day_of("2026-11-20") + 1000, nov10 = day_of("2026-11-10");
    member_change_t p[3] = {{.id = "sp-a", .listed = true},
                            {.id = "sp-b", .listed = false},
                            {.id = "sp-c", .listed = true}};
    nq_orghist_set(&p[1].before, 0, "t-x", ""); /* sp-b is in t-x now, not listed */
    nq_orghist_set(&p[2].before, 0, "t-y", ""); /* sp-c moves from t-y */
    /* sp-a has no history: listed, they join on the day given. */
    nq_field_errors_t errs = {0};
    CU_ASSERT_EQUAL(membership_team_put(p, 3, "t-x", true, nov10, now, &errs), 0);
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&p[0].after, nov10 - 1, ""), "");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&p[0].after, nov10, ""), "t-x");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&p[1].after, nov10 - 1, ""), "t-x");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&p[1].after, nov10, ""), "");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&p[2].after, nov10 - 1, ""), "t-y");
    CU_ASSERT(membership_is_current(&p[2].after, "t-x"));
    for (int i = 0; i < 3; i++) {
        nq_orghist_free(&p[i].before);
        nq_orghist_free(&p[i].after);
    }
    /* Without a day: a first team since the start, a move from today. */
    member_change_t r[2] = {{.id = "sp-d", .listed = true}, {.id = "sp-e", .listed = true}};
    nq_orghist_set(&r[1].before, 0, "t-y", "");
    CU_ASSERT_EQUAL(membership_team_put(r, 2, "t-x", false, 0, now, &errs), 0);
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&r[0].after, day_of("2001-01-01"), ""), "t-x");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&r[1].after, now - DAY_MS, ""), "t-y");
    CU_ASSERT_STRING_EQUAL(nq_orghist_at(&r[1].after, now, ""), "t-x");
    for (int i = 0; i < 2; i++) {
        nq_orghist_free(&r[i].before);
        nq_orghist_free(&r[i].after);
    }
    /* Dated ahead: refused. */
    member_change_t q = {.id = "sp-a", .listed = true};
    CU_ASSERT_EQUAL(membership_team_put(&q, 1, "t-x", true, now + 2 * DAY_MS, now, &errs), -1);
    CU_ASSERT_STRING_EQUAL(errs.items[0].field, "effective_from");
    nq_orghist_free(&q.after);
}

static void test_view(void)
{
    nq_orghist_t teams = {0}, status = {0};
    int64_t d1 = day_of("2026-10-01"), d2 = day_of("2026-11-01");
    nq_orghist_set(&teams, 0, "t-a", "");
    nq_orghist_set(&teams, d2, "t-b", "");
    nq_orghist_set(&status, d1, "leave", MEMBERSHIP_ACTIVE);
    nq_orghist_set(&status, d2, "active", MEMBERSHIP_ACTIVE);
    Nq__SalespersonChange out[5];
    size_t n = membership_view(&teams, &status, out);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT(!out[0].has_from);
    CU_ASSERT_STRING_EQUAL(out[0].team_id, "t-a");
    CU_ASSERT_STRING_EQUAL(out[0].status, "active");
    CU_ASSERT(out[1].has_from && out[1].from == d1);
    CU_ASSERT_STRING_EQUAL(out[1].team_id, "t-a");
    CU_ASSERT_STRING_EQUAL(out[1].status, "leave");
    CU_ASSERT(out[2].from == d2);
    CU_ASSERT_STRING_EQUAL(out[2].team_id, "t-b");
    CU_ASSERT_STRING_EQUAL(out[2].status, "active");
    nq_orghist_free(&teams);
    nq_orghist_free(&status);
}

static void test_legacy_team(void)
{
    char *teams[] = {"t-a", "t-b"};
    char *a[] = {"sp-1"}, *b[] = {"sp-2", "sp-1"};
    char **members[] = {a, b};
    size_t n_members[] = {1, 2};
    /* The profile wins when its team exists; else the first list naming them. */
    CU_ASSERT_STRING_EQUAL(membership_legacy_team("sp-1", "t-b", teams, 2, members, n_members),
                           "t-b");
    CU_ASSERT_STRING_EQUAL(membership_legacy_team("sp-1", "t-gone", teams, 2, members, n_members),
                           "t-a");
    CU_ASSERT_STRING_EQUAL(membership_legacy_team("sp-2", "", teams, 2, members, n_members), "t-b");
    CU_ASSERT_STRING_EQUAL(membership_legacy_team("sp-3", "", teams, 2, members, n_members), "");
}

/* ---- roster.h -------------------------------------------------------------------- */

static void test_roster(void)
{
    roster_t ro = {0};
    CU_ASSERT_EQUAL(roster_add(&ro, "sp-b", true), 0);
    CU_ASSERT_EQUAL(roster_add(&ro, "sp-a", false), 0);
    CU_ASSERT_EQUAL(roster_add(&ro, "sp-b", false), 0);
    CU_ASSERT_EQUAL(roster_add(&ro, "sp-a", true), 0);
    roster_sort(&ro);
    CU_ASSERT_EQUAL_FATAL(ro.n, 2);
    CU_ASSERT_STRING_EQUAL(ro.people[0].id, "sp-a");
    CU_ASSERT(ro.people[0].known && ro.people[1].known);
    int64_t oct = day_of("2026-10-01"), nov = day_of("2026-11-01"), dec = day_of("2026-12-01");
    roster_person_t *a = &ro.people[0];
    nq_orghist_set(&a->teams, 0, "t-x", "");
    nq_orghist_set(&a->teams, nov, "", "");
    nq_orghist_set(&a->status, day_of("2026-10-20"), "leave", ROSTER_ACTIVE);
    CU_ASSERT(roster_listed(a, "t-x", day_of("2026-10-19")));
    CU_ASSERT(!roster_listed(a, "t-x", day_of("2026-10-20"))); /* on leave */
    CU_ASSERT(!roster_listed(a, NULL, day_of("2026-10-25")));
    CU_ASSERT(roster_listed(&ro.people[1], NULL, oct)); /* no history: active, no team */
    CU_ASSERT(!roster_listed(&ro.people[1], "t-x", oct));
    nq_span_t s[4];
    size_t n = roster_spans(a, "t-x", oct, dec, s);
    CU_ASSERT(n == 1 && s[0].start_ms == oct && s[0].end_ms == nov);
    CU_ASSERT(!roster_whole(s, n, oct, dec));
    CU_ASSERT(roster_whole(s, n, oct, nov));
    n = roster_spans(a, "", oct, dec, s);
    CU_ASSERT(n == 1 && s[0].start_ms == nov);
    /* An id seen only in events: never listed, every day unassigned. */
    roster_person_t ghost = {.id = "sp-typo"};
    CU_ASSERT(!roster_listed(&ghost, NULL, oct));
    CU_ASSERT_EQUAL(roster_spans(&ghost, "t-x", oct, dec, s), 0);
    n = roster_spans(&ghost, "", oct, dec, s);
    CU_ASSERT(n == 1 && roster_whole(s, n, oct, dec));
    for (size_t i = 0; i < ro.n; i++) {
        nq_orghist_free(&ro.people[i].teams);
        nq_orghist_free(&ro.people[i].status);
    }
    free(ro.people);
}

/* ---- the property, as a pure model ------------------------------------------------ */

#define M_DAYS   92 /* 2026-10-01 .. 2026-12-31 */
#define M_PEOPLE 8
#define M_TEAMS  3
#define M_ROUNDS 200

static unsigned s_seed;

static unsigned rnd(unsigned n)
{
    s_seed = s_seed * 1103515245u + 12345u;
    return (s_seed >> 16) % n;
}

/* A model store: a counter per person and day; a month's hash holds the sum
 * of its days (as the scorers keep them). */
typedef struct model {
    int64_t start;                    /* 2026-10-01 */
    int64_t day_start[M_DAYS];        /* each day's start, computed once: periods are costly */
    long long day[M_PEOPLE][M_DAYS];  /* counter per day */
    char team[M_PEOPLE][M_DAYS][8];   /* oracle: the team on each day ("" none) */
    roster_person_t people[M_PEOPLE]; /* histories as nq-customers writes them */
} model_t;

/* The counter of stored period p (a day or a month) of person i. */
static long long stored(const model_t *m, int i, const nq_period_t *p)
{
    long long sum = 0;
    for (int d = 0; d < M_DAYS; d++)
        if (m->day_start[d] >= p->start_ms && m->day_start[d] < p->end_ms)
            sum += m->day[i][d];
    return sum;
}

/* Person i's figures of p for `team` as reporting reads them: spans, then
 * whole months and single days. */
static long long read_share(const model_t *m, int i, const char *team, const nq_period_t *p)
{
    nq_span_t spans[NQ_ORGHIST_MAX + 1];
    nq_period_t parts[NQ_KPI_SPAN_PARTS_MAX];
    size_t n = roster_spans(&m->people[i], team, p->start_ms, p->end_ms, spans);
    if (n == 0)
        return 0;
    int k = nq_kpi_span_parts(spans, n, parts, NQ_KPI_SPAN_PARTS_MAX);
    CU_ASSERT(k > 0);
    long long sum = 0;
    for (int j = 0; j < k; j++)
        sum += stored(m, i, &parts[j]);
    return sum;
}

/* The oracle: the counters of the days of p on which person i was in team. */
static long long oracle(const model_t *m, int i, const char *team, const nq_period_t *p)
{
    long long sum = 0;
    for (int d = 0; d < M_DAYS; d++) {
        int64_t t = m->start + (int64_t)d * DAY_MS + 12 * 3600000;
        if (t >= p->start_ms && t < p->end_ms && strcmp(m->team[i][d], team) == 0)
            sum += m->day[i][d];
    }
    return sum;
}

static void test_model_property(void)
{
    const char *env = getenv("NQ_TEST_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 20261207u;
    static const char *const teams[M_TEAMS] = {"t-0", "t-1", "t-2"};
    model_t *m = calloc(1, sizeof(*m));
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    for (int round = 0; round < M_ROUNDS; round++) {
        s_seed = seed + (unsigned)round;
        memset(m, 0, sizeof(*m));
        m->start = day_of("2026-10-01");
        for (int d = 0; d < M_DAYS; d++) {
            nq_period_t k;
            nq_period_of(NQ_PERIOD_DAY, m->start + (int64_t)d * DAY_MS + 12 * 3600000, &k);
            m->day_start[d] = k.start_ms;
        }
        /* Everyone starts in a team or none, since the start. */
        for (int i = 0; i < M_PEOPLE; i++) {
            m->people[i].known = i < M_PEOPLE - 1; /* the last one is seen only in events */
            snprintf(m->people[i].id, sizeof(m->people[i].id), "sp-%d", i);
            const char *t = rnd(4) ? teams[rnd(M_TEAMS)] : "";
            if (!m->people[i].known)
                t = "";
            nq_orghist_set(&m->people[i].teams, 0, t, "");
            for (int d = 0; d < M_DAYS; d++)
                snprintf(m->team[i][d], sizeof(m->team[i][d]), "%s", t);
        }
        /* Random moves, each "from day D on", in any order of dates. */
        for (int k = rnd(12); k > 0; k--) {
            int i = (int)rnd(M_PEOPLE - 1), from = (int)rnd(M_DAYS);
            const char *t = rnd(5) ? teams[rnd(M_TEAMS)] : "";
            nq_period_t d;
            nq_period_of(NQ_PERIOD_DAY, m->start + (int64_t)from * DAY_MS + 12 * 3600000, &d);
            CU_ASSERT_EQUAL(nq_orghist_set(&m->people[i].teams, d.start_ms, t, ""), 0);
            for (int x = from; x < M_DAYS; x++)
                snprintf(m->team[i][x], sizeof(m->team[i][x]), "%s", t);
        }
        for (int k = rnd(200); k > 0; k--)
            m->day[rnd(M_PEOPLE)][rnd(M_DAYS)] += 1 + rnd(100000);
        /* Periods of every kind over the three months: each team's share and
         * the unassigned one against the oracle, and the company's total
         * (every day of everyone) against their sum. */
        bool ok = true;
        for (int d = 0; d < M_DAYS && ok; d += 1 + (int)rnd(9)) {
            for (int kind = NQ_PERIOD_DAY; kind <= NQ_PERIOD_QUARTER && ok; kind++) {
                nq_period_t p;
                nq_period_of((nq_period_kind_t)kind, m->start + (int64_t)d * DAY_MS + 3600000, &p);
                long long company = 0, parts = 0;
                for (int i = 0; i < M_PEOPLE; i++) {
                    for (int t = 0; t < M_TEAMS; t++) {
                        long long got = read_share(m, i, teams[t], &p);
                        ok = ok && got == oracle(m, i, teams[t], &p);
                        parts += got;
                    }
                    long long none = read_share(m, i, "", &p);
                    ok = ok && none == oracle(m, i, "", &p);
                    parts += none;
                    for (int x = 0; x < M_DAYS; x++) {
                        int64_t t = m->start + (int64_t)x * DAY_MS + 12 * 3600000;
                        company += t >= p.start_ms && t < p.end_ms ? m->day[i][x] : 0;
                    }
                }
                ok = ok && company == parts;
                if (!ok)
                    fprintf(stderr, "\n    model property failed: seed %u round %d, period %s\n",
                            seed, round, p.key);
            }
        }
        CU_ASSERT(ok);
        for (int i = 0; i < M_PEOPLE; i++)
            nq_orghist_free(&m->people[i].teams);
        if (!ok)
            break;
    }
    free(m);
}

static CU_TestInfo orghist_tests[] = {
    {"parse, the value at an instant, entries", test_parse},
    {"set: from a day on, later changes dropped, no no-ops", test_set},
    {"spans of a value in a period", test_spans},
    {"span parts: whole months and single days", test_span_parts},
    {"membership: the day a change applies from", test_membership_day},
    {"membership: a team put moves listed and unlisted members", test_team_put},
    {"membership: the history view merges team and status", test_view},
    {"membership: the team of a first-layout salesperson", test_legacy_team},
    {"roster: listed on a day, spans, ids seen only in events", test_roster},
    {"property: team totals are their members' days, company = teams + unassigned",
     test_model_property},
    CU_TEST_INFO_NULL,
};

static int suite_init(void)
{
    return nq_zone_set("Asia/Shanghai");
}

static CU_SuiteInfo suites[] = {
    {"orghist", suite_init, NULL, NULL, NULL, orghist_tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
