/* The JSON schemas, from the real cloud. */
#include "suite.h"

void test_schema(void) {
    glance_client *client = demo_client();
    const char *names[] = {"images", "image", "members", "member", "tasks", "task"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *json = NULL;
        OK(glance_schema_get(client, names[i], &json));
        char expected[64];
        snprintf(expected, sizeof expected, "\"name\":\"%s\"", names[i]);
        CHECK_CONTAINS(json, expected);
        glance_string_free(json);
    }
    char *json = SENTINEL(char);
    EXPECT(GLANCE_INVALID_ARG, glance_schema_get(client, "imagez", &json));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "not 'imagez'");
    EXPECT(GLANCE_NULL_ARG, glance_schema_get(client, NULL, &json));
    EXPECT(GLANCE_NULL_ARG, glance_schema_get(NULL, "image", &json));
    EXPECT(GLANCE_NULL_ARG, glance_schema_get(client, "image", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_schema_get(client, INVALID_UTF8, &json));
    CHECK(json == SENTINEL(char));
    glance_client_free(client);
}
