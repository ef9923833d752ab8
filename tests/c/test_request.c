/* The raw request, from the real cloud: a metadata definitions namespace
 * created, listed and deleted as admin; Glance's refusals as statuses. */
#include "suite.h"

static void namespace_listed(glance_client *admin, const char *name, bool expected) {
    glance_response *listing = NULL;
    OK(glance_request(admin, "GET", "/v2/metadefs/namespaces?limit=1000", NULL, 0, NULL, 0,
                      &listing));
    char quoted[160];
    snprintf(quoted, sizeof quoted, "\"namespace\": \"%s\"", name);
    const char *body = (const char *)glance_response_body(listing);
    CHECK((strstr(body, quoted) != NULL) == expected);
    glance_response_free(listing);
}

void test_request(void) {
    glance_client *admin = cloud_client("admin");
    char name[128];
    unique_name(name, sizeof name, "raw-ns");
    char body[256];
    int len = snprintf(body, sizeof body, "{\"namespace\": \"%s\", \"display_name\": \"c\"}", name);
    const char *headers[] = {"Content-Type: application/json", "X-Test-Header:  kept "};
    glance_response *created = SENTINEL(glance_response);
    OK(glance_request(admin, "POST", "/v2/metadefs/namespaces", headers, 2,
                      (const uint8_t *)body, (size_t)len, &created));
    CHECK(glance_response_status(created) == 201);
    CHECK_CONTAINS(glance_response_header(created, "X-OpenStack-Request-Id"), "req-");
    CHECK_STR(glance_response_header(created, "content-type"), "application/json");
    CHECK(glance_response_header(created, "x-absent") == NULL);
    size_t count = glance_response_header_count(created);
    CHECK(count >= 3);
    bool seen_location = false;
    for (size_t i = 0; i < count; i++) {
        CHECK(glance_response_header_name(created, i) != NULL);
        CHECK(glance_response_header_value(created, i) != NULL);
        if (strcmp(glance_response_header_name(created, i), "location") == 0) seen_location = true;
    }
    CHECK(seen_location);
    CHECK(glance_response_header_name(created, count) == NULL);
    const char *json = (const char *)glance_response_body(created);
    CHECK(strlen(json) == glance_response_body_len(created));
    CHECK_CONTAINS(json, name);
    glance_response_free(created);
    namespace_listed(admin, name, true);

    char path[200];
    snprintf(path, sizeof path, "/v2/metadefs/namespaces/%s", name);
    glance_response *deleted = NULL;
    OK(glance_request(admin, "DELETE", path, NULL, 0, NULL, 0, &deleted));
    CHECK(glance_response_status(deleted) == 204);
    CHECK(glance_response_body_len(deleted) == 0);
    glance_response_free(deleted);
    namespace_listed(admin, name, false);

    glance_response *gone = SENTINEL(glance_response);
    EXPECT(GLANCE_NOT_FOUND, glance_request(admin, "GET", path, NULL, 0, NULL, 0, &gone));
    CHECK_ERROR(GLANCE_NOT_FOUND, 404, true, name);
    CHECK(gone == SENTINEL(glance_response));

    glance_client *demo = demo_client();
    EXPECT(GLANCE_FORBIDDEN, glance_request(demo, "POST", "/v2/metadefs/namespaces", NULL, 0,
                                            (const uint8_t *)body, (size_t)len, &gone));
    CHECK_ERROR(GLANCE_FORBIDDEN, 403, true, "");
    EXPECT(GLANCE_INVALID_ARG, glance_request(demo, "GET", "http://127.0.0.2:9/v2/images", NULL,
                                              0, NULL, 0, &gone));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "token stays private");
    const char *no_colon[] = {"X-No-Colon"};
    EXPECT(GLANCE_INVALID_ARG,
           glance_request(demo, "GET", "/v2/info/usage", no_colon, 1, NULL, 0, &gone));
    const char *token[] = {"X-Auth-Token: stolen"};
    EXPECT(GLANCE_INVALID_ARG,
           glance_request(demo, "GET", "/v2/info/usage", token, 1, NULL, 0, &gone));
    EXPECT(GLANCE_NULL_ARG, glance_request(demo, NULL, "/v2/info/usage", NULL, 0, NULL, 0, &gone));
    EXPECT(GLANCE_NULL_ARG, glance_request(demo, "GET", "/v2/info/usage", NULL, 1, NULL, 0, &gone));
    EXPECT(GLANCE_INVALID_UTF8,
           glance_request(demo, "GET", INVALID_UTF8, NULL, 0, NULL, 0, &gone));
    CHECK(gone == SENTINEL(glance_response));
    CHECK(glance_response_status(NULL) == 0);
    CHECK(glance_response_body(NULL) == NULL);
    CHECK(glance_response_body_len(NULL) == 0);
    glance_response_free(NULL);
    glance_client_free(demo);
    glance_client_free(admin);
}
