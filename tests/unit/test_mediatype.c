/* tests/unit/test_mediatype.c — which body types a route takes (gateway/mediatype.h),
 * and the door's table of routes that take more than JSON (door.h). */
#include "door.h"
#include "mediatype.h"
#include "nq_test.h"

#include <string.h>

static const char *const csv[] = {"text/csv", NULL};
static const char *const feeds[] = {"application/json", "application/x-ndjson",
                                    "application/x-protobuf", NULL};

static void test_parse(void)
{
    CU_ASSERT(media_type_is("application/json", "application/json"));
    CU_ASSERT(media_type_is("Application/JSON", "application/json"));
    CU_ASSERT(media_type_is("application/json; charset=utf-8", "application/json"));
    CU_ASSERT(media_type_is("  application/json ;charset=utf-8", "application/json"));
    CU_ASSERT(media_type_is("text/csv; header=present", "text/csv"));
    CU_ASSERT_FALSE(media_type_is(NULL, "application/json"));
    CU_ASSERT_FALSE(media_type_is("", "application/json"));
    CU_ASSERT_FALSE(media_type_is("application/jsonp", "application/json"));
    CU_ASSERT_FALSE(media_type_is("application/json-seq", "application/json"));
    CU_ASSERT_FALSE(media_type_is("application/jso", "application/json"));
    CU_ASSERT_FALSE(media_type_is("text/plain", "application/json"));
    CU_ASSERT_FALSE(media_type_is("application/x-www-form-urlencoded", "application/json"));
    CU_ASSERT_FALSE(media_type_is("multipart/form-data; boundary=x", "application/json"));
}

static void test_accepted(void)
{
    CU_ASSERT(media_type_accepted("application/json", NULL));
    CU_ASSERT_FALSE(media_type_accepted(NULL, NULL)); /* a body must say its type */
    CU_ASSERT_FALSE(media_type_accepted("text/plain", NULL));
    CU_ASSERT(media_type_accepted("text/CSV", csv));
    CU_ASSERT_FALSE(media_type_accepted("application/json", csv));
    CU_ASSERT(media_type_accepted("application/x-ndjson", feeds));
    CU_ASSERT(media_type_accepted("application/x-protobuf", feeds));
    CU_ASSERT_FALSE(media_type_accepted("text/plain", feeds));
}

static void test_text(void)
{
    char buf[160];
    CU_ASSERT_STRING_EQUAL(media_types_text(NULL, buf, sizeof(buf)), "application/json");
    CU_ASSERT_STRING_EQUAL(media_types_text(csv, buf, sizeof(buf)), "text/csv");
    CU_ASSERT_STRING_EQUAL(media_types_text(feeds, buf, sizeof(buf)),
                           "application/json, application/x-ndjson or application/x-protobuf");
    char small[10];
    media_types_text(feeds, small, sizeof(small));
    CU_ASSERT(strlen(small) < sizeof(small));
}

/* Every row of the door's table is a route of the table, and takes JSON too. */
static void test_door_rows(void)
{
    size_t n = 0;
    const nq_route_t *routes = gateway_routes(&n);
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        const char *const *m = gw_door_media_of(routes[i].pattern);
        if (!m)
            continue;
        found++;
        CU_ASSERT(media_type_accepted("application/json", m));
    }
    CU_ASSERT_EQUAL(found, 3); /* POST activities, GET activities (no body), POST feeds */
    CU_ASSERT_PTR_EQUAL(gw_door_media_of("/api/v1/activities"), gw_activity_media);
    CU_ASSERT_PTR_NULL(gw_door_media_of("/api/v1/teams/:id"));
}

static CU_TestInfo tests[] = {
    {"a Content-Type's media type", test_parse},
    {"a route's list", test_accepted},
    {"the types for an error", test_text},
    {"the door's rows are routes", test_door_rows},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"mediatype", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

NQ_TEST_MAIN(suites)
