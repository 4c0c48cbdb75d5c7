/* tests/integration/acl_cases.h — what each service's Redis user may do
 * with one key of a family, written out by hand (not from the grants table
 * it checks). tests/unit/test_acl_grants.c asks nq_redis_acl_may;
 * test_redis_acl.c asks a Redis running the generated ACL file. Every key
 * is one no test writes otherwise (a string may be SET on it). */
#ifndef NQ_TEST_ACL_CASES_H
#define NQ_TEST_ACL_CASES_H

#include <stdbool.h>

#include "nq/keys.h"

#define ACL_SP   NQ_KEY_SP_PREFIX "sp-acl-x"
#define ACL_TEAM NQ_KEY_TEAM_PREFIX "t-acl-x"

static const struct {
    const char *user; /* a service's Redis user */
    const char *key;  /* a key of some family */
    bool write;       /* the user may write it */
    bool read;        /* the user may read it */
} acl_cases[] = {
    {"nq-ingest", NQ_KEY_FEED_SEEN_PREFIX "src:00ff", true, true},
    {"nq-ingest", NQ_KEY_DEDUPE_BUCKET_PREFIX "42", true, true},
    {"nq-ingest", NQ_KEY_UNKNOWN_CUSTOMERS, true, true},
    {"nq-ingest", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", false, false},
    {"nq-ingest", NQ_KEY_CUSTOMER_PREFIX "c-acl-x", false, false},
    {"nq-ingest", NQ_KEY_SESSION_PREFIX "acl", false, false},
    {"nq-ingest", NQ_KEY_KPI_VERSION, false, false},

    {"nq-scoring", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", true, true},
    {"nq-scoring", ACL_SP NQ_KEY_VISITED_INFIX "m:209901", true, true},
    {"nq-scoring", ACL_SP NQ_KEY_ON_TIME_SUFFIX, true, true},
    {"nq-scoring", NQ_KEY_SHADOW_PREFIX "9:{sp:sp-acl-x}:kpi:d:20990101", true, true},
    {"nq-scoring", NQ_KEY_SCORING_UNCHECKED "nq-scoring/acl", true, true},
    {"nq-scoring", ACL_SP NQ_KEY_PROFILE_SUFFIX, false, false},
    {"nq-scoring", ACL_SP "}" NQ_KEY_TARGET_INFIX "m:209901", false, false},
    {"nq-scoring", ACL_SP NQ_KEY_KEY_CUSTOMERS_SUFFIX, false, false},
    {"nq-scoring", NQ_KEY_DEDUPE_BUCKET_PREFIX "42", false, false},
    {"nq-scoring", NQ_KEY_USER_PREFIX "acl", false, false},

    {"nq-customers", ACL_SP NQ_KEY_PROFILE_SUFFIX, true, true},
    {"nq-customers", ACL_SP NQ_KEY_KEY_LOG_SUFFIX, true, true},
    {"nq-customers", ACL_SP NQ_KEY_TIMELINE_SUFFIX, true, true},
    {"nq-customers", NQ_KEY_CUSTOMER_PREFIX "c-acl-x:sums", true, true},
    {"nq-customers", ACL_TEAM NQ_KEY_MEMBERS_SUFFIX, true, true},
    {"nq-customers", ACL_SP NQ_KEY_SP_AR_SUFFIX, true, true},
    {"nq-customers", NQ_KEY_AR_CUSTOMERS, true, true},
    {"nq-customers", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "due", true, true},
    {"nq-customers", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "credit", true, true},
    {"nq-customers", NQ_KEY_CUSTOMER_PREFIX "c-acl-x:ar:sum", true, true},
    {"nq-gateway", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "invoiced", false, true},
    {"nq-customers", NQ_KEY_AR_TOTALS, true, true},
    {"nq-customers", NQ_KEY_AR_COMPANY_PREFIX "due", true, true},
    {"nq-scoring", NQ_KEY_AR_COMPANY_PREFIX "due", false, false},
    {"nq-gateway", NQ_KEY_AR_TOTALS, false, true},
    {"nq-scoring", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "due", false, false},
    {"nq-customers", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "shared", true, true},
    {"nq-gateway", ACL_SP NQ_KEY_SP_AR_TOTALS_SUFFIX "shared", false, true},
    {"nq-customers", ACL_SP NQ_KEY_SP_INTEL_SUFFIX "sums:2099-01", true, true},
    {"nq-customers", NQ_KEY_INTEL_SALESPEOPLE, true, true},
    {"nq-gateway", ACL_SP NQ_KEY_SP_INTEL_SUFFIX "obs", false, true},
    {"nq-gateway", NQ_KEY_INTEL_SALESPEOPLE, false, true},
    {"nq-scoring", ACL_SP NQ_KEY_SP_INTEL_SUFFIX "notes", false, false},
    {"nq-customers", NQ_KEY_POOL_DUE, true, true},
    {"nq-customers", NQ_KEY_CUSTOMER_SIGNALS, true, true},
    {"nq-scoring", NQ_KEY_POOL_DUE, false, false},
    {"nq-scoring", NQ_KEY_AR_CUSTOMERS, false, false},
    {"nq-customers", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":tag=acl", true, true},
    {"nq-customers", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":pool_team=acl", true, true},
    {"nq-customers", NQ_KEY_INDEX_PREFIX NQ_IX_ALERTS ":team=acl", false, false},
    {"nq-customers", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", false, false},
    {"nq-customers", ACL_SP NQ_KEY_ON_TIME_SUFFIX, false, false},
    {"nq-customers", NQ_KEY_ALERT_PREFIX "1234567890123-acl", false, false},
    {"nq-customers", NQ_KEY_APIKEY_PREFIX "acl", false, false},

    {"nq-alerting", NQ_KEY_ALERT_PREFIX "1234567890123-acl", true, true},
    {"nq-alerting", NQ_KEY_ALERT_SEEN_PREFIX "acl", true, true},
    {"nq-alerting", NQ_KEY_DLV_SENT_PREFIX "t-acl-x/ch", true, true},
    {"nq-alerting", NQ_KEY_DLV_DEPTH, true, true},
    {"nq-alerting", NQ_KEY_INDEX_PREFIX NQ_IX_ALERTS ":team=acl", true, true},
    {"nq-alerting", NQ_KEY_CHANNELS_PREFIX "t-acl-x", false, true},
    {"nq-alerting", NQ_KEY_ALERT_PREFIX "acl-rules", false, true},
    {"nq-alerting", ACL_SP NQ_KEY_PROFILE_SUFFIX, false, true},
    {"nq-alerting", ACL_TEAM, false, true},
    {"nq-alerting", NQ_KEY_ALERT_TIMERS, true, true},
    {"nq-alerting", NQ_KEY_ALERT_TIMER_OPEN, true, true},
    {"nq-alerting", NQ_KEY_CADENCE, false, true},
    {"nq-customers", NQ_KEY_ALERT_TIMERS, false, false},
    {"nq-alerting", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":tag=acl", false, false},
    {"nq-alerting", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", false, true},
    {"nq-alerting", NQ_KEY_INDEX_PREFIX NQ_IX_TEAMS ":acl=x", false, true},
    {"nq-alerting", NQ_KEY_SESSION_PREFIX "acl", false, false},
    {"nq-alerting", NQ_KEY_CUSTOMER_SIGNALS, true, true},
    {"nq-scoring", NQ_KEY_CUSTOMER_SIGNALS, false, false},

    {"nq-reporting", ACL_SP "}" NQ_KEY_TARGET_INFIX "m:209901", true, true},
    {"nq-reporting", ACL_TEAM NQ_KEY_TARGET_INFIX "m:209901", true, true},
    {"nq-reporting", NQ_KEY_COMPANY NQ_KEY_TARGET_INFIX "m:209901", true, true},
    {"nq-reporting", ACL_TEAM NQ_KEY_PLANS_INFIX "acl", true, true},
    {"nq-reporting", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", false, true},
    {"nq-reporting", ACL_SP NQ_KEY_PROFILE_SUFFIX, false, true},
    {"nq-reporting", ACL_TEAM, false, true},
    {"nq-reporting", NQ_KEY_CUSTOMER_PREFIX "c-acl-x", false, false},
    {"nq-reporting", NQ_KEY_USER_PREFIX "acl", false, false},

    {"nq-gateway", NQ_KEY_SESSION_PREFIX "acl", true, true},
    {"nq-gateway", NQ_KEY_CHANNELS_PREFIX "t-acl-x", true, true},
    {"nq-gateway", ACL_SP NQ_KEY_KPI_INFIX "d:20990101", false, true},
    {"nq-gateway", NQ_KEY_CUSTOMER_PREFIX "c-acl-x", false, true},

    {"nq-customers", NQ_KEY_AR_DUE, true, true},
    {"nq-customers", ACL_SP NQ_KEY_SP_TICKETS_SUFFIX, true, true},
    {"nq-customers", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":overdue=receivable", true, true},
    {"nq-reporting", NQ_KEY_CUSTOMER_PREFIX "c-acl-x:ar", false, true},
    {"nq-reporting", ACL_SP NQ_KEY_SP_TICKETS_SUFFIX, false, true},
    {"nq-reporting", NQ_KEY_AR_DUE, false, false},
    {"nq-scoring", NQ_KEY_AR_DUE, false, false},
    {"nq-alerting", NQ_KEY_CUSTOMER_PREFIX "c-acl-x:ar", false, true},
    {"nq-gateway", NQ_KEY_TRAINING_REQUIRED, true, true},
    {"nq-reporting", NQ_KEY_TRAINING_REQUIRED, false, false},
    {"nq-customers", NQ_KEY_CUSTSUMS_LAYOUT, true, true},
    {"nq-scoring", NQ_KEY_CUSTSUMS_LAYOUT, false, false},
    {"nq-customers", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":sort=by_owner", true, true},
    {"nq-gateway", NQ_KEY_INDEX_PREFIX NQ_IX_CUSTOMERS ":sort=by_owner", false, true},
    {"nq-customers", NQ_KEY_FOLLOWUP_DIRTY, true, true},
    {"nq-gateway", NQ_KEY_FOLLOWUP_DIRTY, false, true},
    {"nq-scoring", NQ_KEY_FOLLOWUP_DIRTY, false, false},
};

#endif
