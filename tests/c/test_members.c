/* Sharing on the real cloud: demo shares an image with alt_demo, who accepts
 * it and then sees it; every failure a user can act on has its own status. */
#include "suite.h"

static void calls_check_their_arguments(glance_client *client) {
    glance_member *member = SENTINEL(glance_member);
    glance_members *members = SENTINEL(glance_members);
    EXPECT(GLANCE_NULL_ARG, glance_member_list(NULL, "i", &members));
    EXPECT(GLANCE_NULL_ARG, glance_member_list(client, NULL, &members));
    EXPECT(GLANCE_NULL_ARG, glance_member_list(client, "i", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_member_list(client, INVALID_UTF8, &members));
    EXPECT(GLANCE_NULL_ARG, glance_member_get(client, "i", NULL, &member));
    EXPECT(GLANCE_INVALID_UTF8, glance_member_get(client, "i", INVALID_UTF8, &member));
    EXPECT(GLANCE_NULL_ARG, glance_member_add(client, NULL, "m", &member));
    EXPECT(GLANCE_INVALID_ARG, glance_member_add(client, "i", "", &member));
    EXPECT(GLANCE_NULL_ARG, glance_member_remove(client, "i", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_member_remove(client, INVALID_UTF8, "m"));
    EXPECT(GLANCE_NULL_ARG, glance_member_update_status(client, "i", "m", NULL, &member));
    EXPECT(GLANCE_INVALID_ARG, glance_member_update_status(client, "i", "m", "maybe", &member));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "received 'maybe'");
    CHECK(member == SENTINEL(glance_member) && members == SENTINEL(glance_members));

    CHECK(glance_members_count(NULL) == 0);
    CHECK(glance_members_get(NULL, 0) == NULL);
    CHECK(glance_member_member_id(NULL) == NULL);
    CHECK(glance_member_image_id(NULL) == NULL);
    CHECK(glance_member_status(NULL) == NULL);
    CHECK(glance_member_created_at(NULL) == NULL);
    CHECK(glance_member_updated_at(NULL) == NULL);
    CHECK(glance_member_clone(NULL) == NULL);
    glance_member_free(NULL);
    glance_members_free(NULL);
}

/* Whether `client` sees image `id` in its default listing. */
static bool listed(glance_client *client, const char *id) {
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_set_id(opts, id));
    glance_image_page *page = NULL;
    OK(glance_image_list(client, opts, &page));
    bool seen = glance_image_page_count(page) == 1;
    glance_image_page_free(page);
    glance_list_opts_free(opts);
    return seen;
}

static void share_accept_see(glance_client *demo, glance_client *alt) {
    const char *alt_project = env("GLANCE_TEST_ALT_PROJECT_ID");
    char name[200];
    unique_name(name, sizeof name, "shared");
    glance_image *image = create_image(demo, name);
    char id[64];
    snprintf(id, sizeof id, "%s", glance_image_id(image));
    glance_image_free(image);

    /* A private image cannot have members. */
    glance_member *member = SENTINEL(glance_member);
    EXPECT(GLANCE_UNSHARABLE, glance_member_add(demo, id, alt_project, &member));
    CHECK_ERROR(GLANCE_UNSHARABLE, 403, true, "");
    CHECK(member == SENTINEL(glance_member));

    glance_image_patch *patch = glance_image_patch_new();
    OK(glance_image_patch_replace(patch, "visibility", "shared"));
    OK(glance_image_update(demo, id, patch, &image));
    glance_image_free(image);
    glance_image_patch_free(patch);

    OK(glance_member_add(demo, id, alt_project, &member));
    CHECK_STR(glance_member_member_id(member), alt_project);
    CHECK_STR(glance_member_image_id(member), id);
    CHECK_STR(glance_member_status(member), "pending");
    CHECK(glance_member_created_at(member) != NULL);
    CHECK(glance_member_updated_at(member) != NULL);
    glance_member_free(member);
    EXPECT(GLANCE_ALREADY_MEMBER, glance_member_add(demo, id, alt_project, &member));
    CHECK_ERROR(GLANCE_ALREADY_MEMBER, 409, true, "");

    glance_members *members = NULL;
    OK(glance_member_list(demo, id, &members));
    CHECK(glance_members_count(members) == 1);
    CHECK(glance_members_get(members, 1) == NULL);
    glance_member *copy = glance_member_clone(glance_members_get(members, 0));
    glance_members_free(members);
    CHECK_STR(glance_member_member_id(copy), alt_project);
    glance_member_free(copy);

    /* Pending: alt_demo can fetch it but does not list it yet. */
    CHECK(!listed(alt, id));
    /* Only the member answers for itself. */
    EXPECT(GLANCE_MEMBER_STATUS_FORBIDDEN,
           glance_member_update_status(demo, id, alt_project, "accepted", &member));
    CHECK_ERROR(GLANCE_MEMBER_STATUS_FORBIDDEN, 403, true, "");
    OK(glance_member_update_status(alt, id, alt_project, "accepted", &member));
    CHECK_STR(glance_member_status(member), "accepted");
    glance_member_free(member);
    CHECK(listed(alt, id));
    OK(glance_member_get(demo, id, alt_project, &member));
    CHECK_STR(glance_member_status(member), "accepted");
    glance_member_free(member);
    image = NULL;
    OK(glance_image_get(alt, id, &image));
    CHECK_STR(glance_image_name(image), name);
    glance_image_free(image);

    OK(glance_member_update_status(alt, id, alt_project, "rejected", &member));
    glance_member_free(member);
    CHECK(!listed(alt, id));

    /* Answering as one's own project needs a client that knows it. */
    EXPECT(GLANCE_CONFIG, glance_member_update_own_status(alt, id, "accepted", &member));
    glance_config *config = NULL;
    OK(glance_config_from_cloud("alt_demo", &config));
    glance_client *alt_keystone = NULL;
    OK(glance_config_build(config, &alt_keystone));
    OK(glance_member_update_own_status(alt_keystone, id, "accepted", &member));
    CHECK_STR(glance_member_status(member), "accepted");
    CHECK_STR(glance_member_member_id(member), alt_project);
    glance_member_free(member);
    CHECK(listed(alt, id));
    EXPECT(GLANCE_INVALID_ARG, glance_member_update_own_status(alt_keystone, id, "yes", &member));
    EXPECT(GLANCE_NULL_ARG, glance_member_update_own_status(alt_keystone, id, "accepted", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_member_update_own_status(alt_keystone, INVALID_UTF8, "accepted", &member));
    glance_client_free(alt_keystone);

    OK(glance_member_remove(demo, id, alt_project));
    member = SENTINEL(glance_member);
    EXPECT(GLANCE_NOT_A_MEMBER, glance_member_get(demo, id, alt_project, &member));
    CHECK_ERROR(GLANCE_NOT_A_MEMBER, 404, true, "");
    CHECK(member == SENTINEL(glance_member));
    EXPECT(GLANCE_NOT_A_MEMBER, glance_member_remove(demo, id, alt_project));
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_NOT_FOUND, glance_image_get(alt, id, &image));

    OK(glance_image_delete(demo, id));
    EXPECT(GLANCE_NOT_FOUND, glance_member_list(demo, id, &members));
}

void test_members(void) {
    glance_client *demo = demo_client();
    glance_client *alt = alt_client();
    calls_check_their_arguments(demo);
    share_accept_see(demo, alt);
    glance_client_free(alt);
    glance_client_free(demo);
}
