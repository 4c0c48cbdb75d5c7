/* keys.c — Redis key names. See nq/keys.h. */
#include "nq/keys.h"

#include <stdio.h>
#include <string.h>

static int fit(int n, size_t len)
{
    return n < 0 || (size_t)n >= len ? -1 : n;
}

/* buf = a b c d, or -1 when it does not fit. Plain copies: these names are
 * built several times per scored event. */
static int join4(char *buf, size_t len, const char *a, const char *b, const char *c, const char *d)
{
    const char *parts[4] = {a, b, c, d};
    size_t at = 0;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(parts[i]);
        if (at + n >= len)
            return -1;
        memcpy(buf + at, parts[i], n);
        at += n;
    }
    buf[at] = '\0';
    return (int)at;
}

int nq_key_kpi(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_KPI_INFIX, period->key);
}

int nq_key_visited(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_VISITED_INFIX, period->key);
}

int nq_key_due(char *buf, size_t len, const char *salesperson_id, const nq_period_t *period)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_DUE_INFIX, period->key);
}

int nq_key_on_time(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_ON_TIME_SUFFIX, "");
}

int nq_key_key_customers(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_KEY_CUSTOMERS_SUFFIX, "");
}

int nq_key_key_log(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_KEY_LOG_SUFFIX, "");
}

int nq_key_salesperson(char *buf, size_t len, const char *salesperson_id)
{
    return fit(snprintf(buf, len, NQ_KEY_SP_PREFIX "%s" NQ_KEY_PROFILE_SUFFIX, salesperson_id),
               len);
}

int nq_key_sp_teams(char *buf, size_t len, const char *salesperson_id)
{
    return fit(snprintf(buf, len, NQ_KEY_SP_PREFIX "%s" NQ_KEY_SP_TEAMS_SUFFIX, salesperson_id),
               len);
}

int nq_key_sp_status(char *buf, size_t len, const char *salesperson_id)
{
    return fit(snprintf(buf, len, NQ_KEY_SP_PREFIX "%s" NQ_KEY_SP_STATUS_SUFFIX, salesperson_id),
               len);
}

int nq_key_team_members(char *buf, size_t len, const char *team_id)
{
    return fit(snprintf(buf, len, NQ_KEY_TEAM_PREFIX "%s" NQ_KEY_MEMBERS_SUFFIX, team_id), len);
}

int nq_key_sp_acts(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_ACTS_SUFFIX, "");
}

int nq_key_sp_timeline(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_TIMELINE_SUFFIX, "");
}

int nq_key_customer_timeline(char *buf, size_t len, const char *customer_id)
{
    return join4(buf, len, NQ_KEY_CUSTOMER_PREFIX, customer_id, ":timeline", "");
}

int nq_key_customer_sums(char *buf, size_t len, const char *customer_id)
{
    return join4(buf, len, NQ_KEY_CUSTOMER_PREFIX, customer_id, ":sums", "");
}

int nq_key_customer_tickets(char *buf, size_t len, const char *customer_id)
{
    return join4(buf, len, NQ_KEY_CUSTOMER_PREFIX, customer_id, ":tickets", "");
}

int nq_key_customer_ar(char *buf, size_t len, const char *customer_id)
{
    return join4(buf, len, "nq:cust:", customer_id, ":ar", "");
}

int nq_key_sp_ar(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_SP_AR_SUFFIX, "");
}

int nq_key_customer_ar_sum(char *buf, size_t len, const char *customer_id)
{
    return join4(buf, len, NQ_KEY_CUSTOMER_PREFIX, customer_id, ":ar:sum", "");
}

int nq_key_sp_ar_totals(char *buf, size_t len, const char *salesperson_id, const char *part)
{
    if (strcmp(salesperson_id, "*") == 0) /* NQ_AR_COMPANY */
        return join4(buf, len, NQ_KEY_AR_COMPANY_PREFIX, part, "", "");
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_SP_AR_TOTALS_SUFFIX, part);
}

int nq_key_sp_intel(char *buf, size_t len, const char *salesperson_id, const char *part)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_SP_INTEL_SUFFIX, part);
}

int nq_key_sp_tickets(char *buf, size_t len, const char *salesperson_id)
{
    return join4(buf, len, NQ_KEY_SP_PREFIX, salesperson_id, NQ_KEY_SP_TICKETS_SUFFIX, "");
}

int nq_key_team(char *buf, size_t len, const char *team_id)
{
    return fit(snprintf(buf, len, NQ_KEY_TEAM_PREFIX "%s", team_id), len);
}

int nq_key_customer(char *buf, size_t len, const char *customer_id)
{
    return fit(snprintf(buf, len, NQ_KEY_CUSTOMER_PREFIX "%s", customer_id), len);
}

int nq_key_customer_owners(char *buf, size_t len, const char *customer_id)
{
    return fit(snprintf(buf, len, NQ_KEY_CUSTOMER_PREFIX "%s:owners", customer_id), len);
}

int nq_key_target(char *buf, size_t len, nq_subject_t subject, const char *id,
                  const nq_period_t *period)
{
    static const char *const formats[] = {
        [NQ_SUBJECT_SALESPERSON] = NQ_KEY_SP_PREFIX "%s}" NQ_KEY_TARGET_INFIX "%s",
        [NQ_SUBJECT_TEAM] = NQ_KEY_TEAM_PREFIX "%s" NQ_KEY_TARGET_INFIX "%s",
        [NQ_SUBJECT_COMPANY] = NQ_KEY_COMPANY "%.0s" NQ_KEY_TARGET_INFIX "%s",
    };
    if ((unsigned)subject > NQ_SUBJECT_COMPANY)
        return -1;
    return fit(snprintf(buf, len, formats[subject], id ? id : "", period->key), len);
}

int nq_key_plans(char *buf, size_t len, const char *team_id, const char *kind)
{
    return fit(snprintf(buf, len, NQ_KEY_TEAM_PREFIX "%s" NQ_KEY_PLANS_INFIX "%s", team_id, kind),
               len);
}

int nq_key_shadow(char *buf, size_t len, const char *attempt, const char *live)
{
    if (strncmp(live, "nq:", 3) != 0)
        return -1;
    return fit(snprintf(buf, len, NQ_KEY_SHADOW_PREFIX "%s:%s", attempt, live + 3), len);
}

int nq_key_dedupe_bucket(char *buf, size_t len, long long start)
{
    return fit(snprintf(buf, len, NQ_KEY_DEDUPE_BUCKET_PREFIX "%lld", start), len);
}

int nq_key_scoring_unchecked(char *buf, size_t len, const char *member)
{
    return fit(snprintf(buf, len, NQ_KEY_SCORING_UNCHECKED "%s", member), len);
}

int nq_key_feed_seen(char *buf, size_t len, const char *delivery)
{
    return fit(snprintf(buf, len, NQ_KEY_FEED_SEEN_PREFIX "%s", delivery), len);
}

int nq_key_user(char *buf, size_t len, const char *id)
{
    return fit(snprintf(buf, len, NQ_KEY_USER_PREFIX "%s", id), len);
}

int nq_key_apikey(char *buf, size_t len, const char *hash_hex)
{
    return fit(snprintf(buf, len, NQ_KEY_APIKEY_PREFIX "%s", hash_hex), len);
}

int nq_key_session(char *buf, size_t len, const char *hash_hex)
{
    return fit(snprintf(buf, len, NQ_KEY_SESSION_PREFIX "%s", hash_hex), len);
}

int nq_key_login_fail(char *buf, size_t len, const char *what, const char *name)
{
    return fit(snprintf(buf, len, NQ_KEY_LOGIN_FAIL "%s:%s", what, name), len);
}

int nq_key_index(char *buf, size_t len, const char *list, const char *filter, const char *value)
{
    if (!filter)
        return fit(snprintf(buf, len, NQ_KEY_INDEX_PREFIX "%s", list), len);
    return fit(snprintf(buf, len, NQ_KEY_INDEX_PREFIX "%s:%s=%s", list, filter, value), len);
}

int nq_key_alert(char *buf, size_t len, const char *id)
{
    return fit(snprintf(buf, len, NQ_KEY_ALERT_PREFIX "%s", id), len);
}

int nq_key_channels(char *buf, size_t len, const char *team_id)
{
    return fit(snprintf(buf, len, NQ_KEY_CHANNELS_PREFIX "%s", team_id), len);
}

int nq_key_dlv_alert(char *buf, size_t len, const char *alert_id)
{
    return fit(snprintf(buf, len, NQ_KEY_DLV_ALERT_PREFIX "%s", alert_id), len);
}

int nq_key_dlv_dead(char *buf, size_t len, const char *team_id)
{
    return fit(snprintf(buf, len, NQ_KEY_DLV_DEAD_PREFIX "%s", team_id), len);
}

int nq_key_dlv_sent(char *buf, size_t len, const char *team_id, const char *channel_id)
{
    return fit(snprintf(buf, len, NQ_KEY_DLV_SENT_PREFIX "%s/%s", team_id, channel_id), len);
}

int nq_key_dlv_last(char *buf, size_t len, const char *team_id)
{
    return fit(snprintf(buf, len, NQ_KEY_DLV_LAST_PREFIX "%s", team_id), len);
}

int nq_key_alert_seen(char *buf, size_t len, const char *rule, const char *subject,
                      const char *window)
{
    return fit(snprintf(buf, len, NQ_KEY_ALERT_SEEN_PREFIX "%s:%zu:%s:%s", rule, strlen(subject),
                        subject, window),
               len);
}
