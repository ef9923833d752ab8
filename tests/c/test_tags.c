/* Tags on the real cloud: plain ones, ones a URL cannot carry, replacing all. */
#include "suite.h"

static bool has_tag(const glance_image *image, const char *tag) {
    for (size_t i = 0; i < glance_image_tag_count(image); i++) {
        if (strcmp(glance_image_tag(image, i), tag) == 0) return true;
    }
    return false;
}

void test_tags(void) {
    glance_client *client = demo_client();
    char name[200];
    unique_name(name, sizeof name, "tags");
    glance_image *image = create_image(client, name);
    char id[64];
    snprintf(id, sizeof id, "%s", glance_image_id(image));
    glance_image_free(image);

    EXPECT(GLANCE_NULL_ARG, glance_tag_add(NULL, id, "t"));
    EXPECT(GLANCE_NULL_ARG, glance_tag_add(client, NULL, "t"));
    EXPECT(GLANCE_NULL_ARG, glance_tag_add(client, id, NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_tag_add(client, id, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_ARG, glance_tag_add(client, id, ""));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "a tag must not be empty");
    EXPECT(GLANCE_NULL_ARG, glance_tag_remove(client, id, NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_tag_remove(client, INVALID_UTF8, "t"));
    const char *bad[] = {"ok", NULL};
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_NULL_ARG, glance_tag_replace_all(client, id, bad, 2, &image));
    EXPECT(GLANCE_NULL_ARG, glance_tag_replace_all(client, id, NULL, 1, &image));
    EXPECT(GLANCE_NULL_ARG, glance_tag_replace_all(client, id, bad, 1, NULL));
    CHECK(image == SENTINEL(glance_image));

    OK(glance_tag_add(client, id, "plain"));
    OK(glance_tag_add(client, id, "plain")); /* idempotent */
    OK(glance_tag_add(client, id, "a/b caf\xc3\xa9")); /* needs a JSON Patch */
    OK(glance_image_get(client, id, &image));
    CHECK(glance_image_tag_count(image) == 2);
    CHECK(has_tag(image, "plain") && has_tag(image, "a/b caf\xc3\xa9"));
    glance_image_free(image);

    OK(glance_tag_remove(client, id, "plain"));
    EXPECT(GLANCE_NO_MATCH, glance_tag_remove(client, id, "plain"));
    CHECK_ERROR(GLANCE_NO_MATCH, 0, false, "has no tag 'plain'");
    OK(glance_tag_remove(client, id, "a/b caf\xc3\xa9"));

    const char *tags[] = {"x", "y", "z"};
    OK(glance_tag_replace_all(client, id, tags, 3, &image));
    CHECK(glance_image_tag_count(image) == 3 && has_tag(image, "y"));
    glance_image_free(image);
    OK(glance_tag_replace_all(client, id, NULL, 0, &image));
    CHECK(glance_image_tag_count(image) == 0);
    glance_image_free(image);

    OK(glance_image_delete(client, id));
    EXPECT(GLANCE_NOT_FOUND, glance_tag_add(client, id, "late"));
    CHECK_ERROR(GLANCE_NOT_FOUND, 404, true, "");
    glance_client_free(client);
}
