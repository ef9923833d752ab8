/* Image calls on the real cloud: get, find, create, update (add, replace,
 * remove), set properties, rename, delete, deactivate, reactivate, and their
 * failures. */
#include "suite.h"

static void calls_check_their_arguments(glance_client *client) {
    glance_image *image = SENTINEL(glance_image);
    glance_image_create_opts *opts = glance_image_create_opts_new();
    glance_image_patch *patch = glance_image_patch_new();

    EXPECT(GLANCE_NULL_ARG, glance_image_get(NULL, "x", &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_get(client, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_get(client, "x", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_get(client, INVALID_UTF8, &image));
    EXPECT(GLANCE_INVALID_ARG, glance_image_get(client, "", &image));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "image id must not be empty");
    EXPECT(GLANCE_INVALID_ARG, glance_image_get(client, "a/b", &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_find(client, NULL, &image));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_find(client, INVALID_UTF8, &image));
    EXPECT(GLANCE_INVALID_ARG, glance_image_find(client, "", &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create(client, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create(NULL, opts, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create(client, opts, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_update(client, "x", NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_update(client, NULL, patch, &image));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_update(client, INVALID_UTF8, patch, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_set_properties(client, "x", NULL, &image));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_set_properties(client, "x", INVALID_UTF8, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_rename(client, "x", NULL, &image));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_rename(client, "x", INVALID_UTF8, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_delete(client, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_delete(NULL, "x"));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_delete(client, INVALID_UTF8));
    EXPECT(GLANCE_NULL_ARG, glance_image_deactivate(client, NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_image_deactivate(client, ""));
    EXPECT(GLANCE_NULL_ARG, glance_image_reactivate(NULL, "x"));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_reactivate(client, INVALID_UTF8));
    CHECK(image == SENTINEL(glance_image));

    /* A known field given as a custom property fails before any request. */
    OK(glance_image_create_opts_set_property(opts, "name", "x"));
    EXPECT(GLANCE_INVALID_ARG, glance_image_create(client, opts, &image));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'name' is not a custom property name");
    CHECK(image == SENTINEL(glance_image));

    glance_image_create_opts_free(opts);
    glance_image_patch_free(patch);
}

static void patch_checks_its_arguments(void) {
    glance_image_patch *patch = glance_image_patch_new();
    CHECK(patch != NULL);
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_add(NULL, "k", "v"));
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_add(patch, NULL, "v"));
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_add(patch, "k", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_patch_add(patch, "k", INVALID_UTF8));
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_add_json(patch, "k", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_image_patch_add_json(patch, "k", "{not json"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'json' is not valid JSON");
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_replace(NULL, "k", "v"));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_patch_replace(patch, INVALID_UTF8, "v"));
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_replace_json(patch, NULL, "1"));
    EXPECT(GLANCE_INVALID_ARG, glance_image_patch_replace_json(patch, "k", "[1,"));
    EXPECT(GLANCE_NULL_ARG, glance_image_patch_remove(NULL, "k"));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_patch_remove(patch, INVALID_UTF8));
    glance_image_patch_free(patch);
    glance_image_patch_free(NULL);
}

static void update_add_replace_remove(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "update");
    glance_image *image = create_image(client, name);
    const char *id = glance_image_id(image);

    /* Keys that need escaping in a JSON pointer work as they are. */
    glance_image_patch *patch = glance_image_patch_new();
    OK(glance_image_patch_add(patch, "os_distro", "debian"));
    OK(glance_image_patch_add(patch, "path/with~tilde", "odd key"));
    OK(glance_image_patch_add_json(patch, "c_suite_json", "\"a json string\""));
    OK(glance_image_patch_replace_json(patch, "min_ram", "1024"));
    OK(glance_image_patch_replace(patch, "container_format", "ovf"));
    glance_image *updated = NULL;
    OK(glance_image_update(client, id, patch, &updated));
    glance_image_patch_free(patch);
    glance_image_free(updated);

    glance_image *fresh = NULL;
    OK(glance_image_get(client, id, &fresh));
    CHECK_STR(glance_image_property(fresh, "os_distro"), "debian");
    CHECK_STR(glance_image_property(fresh, "path/with~tilde"), "odd key");
    CHECK_STR(glance_image_property(fresh, "c_suite_json"), "a json string");
    CHECK(glance_image_min_ram(fresh) == 1024);
    CHECK_STR(glance_image_container_format(fresh), "ovf");
    glance_image_free(fresh);

    patch = glance_image_patch_new();
    OK(glance_image_patch_remove(patch, "os_distro"));
    OK(glance_image_patch_replace(patch, "os_distro_never_there", "x"));
    updated = SENTINEL(glance_image);
    /* replace of a missing property is an error in JSON Patch. */
    EXPECT(GLANCE_CONFLICT, glance_image_update(client, id, patch, &updated));
    CHECK(updated == SENTINEL(glance_image));
    CHECK_ERROR(GLANCE_CONFLICT, 409, true, "PATCH");
    glance_image_patch_free(patch);

    patch = glance_image_patch_new();
    OK(glance_image_patch_remove(patch, "os_distro"));
    OK(glance_image_update(client, id, patch, &updated));
    CHECK(glance_image_property(updated, "os_distro") == NULL);
    glance_image_free(updated);
    /* Removing it again: Glance answers 409. */
    EXPECT(GLANCE_CONFLICT, glance_image_update(client, id, patch, &updated));
    CHECK_ERROR(GLANCE_CONFLICT, 409, true, "");
    glance_image_patch_free(patch);

    /* Read-only attributes are refused by the server. */
    patch = glance_image_patch_new();
    OK(glance_image_patch_replace(patch, "status", "active"));
    EXPECT(GLANCE_FORBIDDEN, glance_image_update(client, id, patch, &updated));
    CHECK_ERROR(GLANCE_FORBIDDEN, 403, true, "");
    glance_image_patch_free(patch);

    /* An empty patch only fetches. */
    patch = glance_image_patch_new();
    OK(glance_image_update(client, id, patch, &updated));
    CHECK_STR(glance_image_id(updated), id);
    glance_image_free(updated);
    glance_image_patch_free(patch);

    /* Set properties: add, replace, remove, leave alone. */
    OK(glance_image_set_properties(client, id,
                                   "{\"os_distro\": \"arch\", \"path/with~tilde\": null, "
                                   "\"c_suite_json\": \"changed\", \"never_there\": null}",
                                   &updated));
    glance_image_free(updated);
    OK(glance_image_get(client, id, &fresh));
    CHECK_STR(glance_image_property(fresh, "os_distro"), "arch");
    CHECK(glance_image_property(fresh, "path/with~tilde") == NULL);
    CHECK_STR(glance_image_property(fresh, "c_suite_json"), "changed");
    CHECK_STR(glance_image_property(fresh, "c_suite_run"), env("GLANCE_C_RUN_ID"));
    glance_image_free(fresh);
    updated = SENTINEL(glance_image);
    EXPECT(GLANCE_INVALID_ARG, glance_image_set_properties(client, id, "[1, 2]", &updated));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'properties' is not a JSON object");
    CHECK(updated == SENTINEL(glance_image));

    /* Rename. */
    char renamed[220];
    snprintf(renamed, sizeof renamed, "%s-renamed", name);
    OK(glance_image_rename(client, id, renamed, &updated));
    CHECK_STR(glance_image_name(updated), renamed);
    glance_image_free(updated);
    OK(glance_image_get(client, id, &fresh));
    CHECK_STR(glance_image_name(fresh), renamed);
    glance_image_free(fresh);

    /* Delete; then it is gone, with the server's message and request id. */
    char gone[64];
    snprintf(gone, sizeof gone, "%s", id);
    glance_image_free(image);
    OK(glance_image_delete(client, gone));
    fresh = SENTINEL(glance_image);
    EXPECT(GLANCE_NOT_FOUND, glance_image_get(client, gone, &fresh));
    CHECK(fresh == SENTINEL(glance_image));
    CHECK_ERROR(GLANCE_NOT_FOUND, 404, true, gone);
    CHECK_CONTAINS(glance_error_request_id(glance_error_last()), "req-");
    EXPECT(GLANCE_NOT_FOUND, glance_image_delete(client, gone));
    EXPECT(GLANCE_NOT_FOUND, glance_image_rename(client, gone, "x", &fresh));
    EXPECT(GLANCE_NOT_FOUND, glance_image_deactivate(client, gone));
}

static void find_by_name(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "find");
    glance_image *first = create_image(client, name);
    glance_image *found = NULL;
    OK(glance_image_find(client, name, &found));
    CHECK_STR(glance_image_id(found), glance_image_id(first));
    glance_image_free(found);

    glance_image *second = create_image(client, name);
    found = SENTINEL(glance_image);
    EXPECT(GLANCE_AMBIGUOUS, glance_image_find(client, name, &found));
    CHECK(found == SENTINEL(glance_image));
    CHECK_ERROR(GLANCE_AMBIGUOUS, 0, false, glance_image_id(second));

    char missing[220];
    snprintf(missing, sizeof missing, "%s-missing", name);
    EXPECT(GLANCE_NO_MATCH, glance_image_find(client, missing, &found));
    CHECK_ERROR(GLANCE_NO_MATCH, 0, false, missing);
    CHECK(found == SENTINEL(glance_image));

    OK(glance_image_delete(client, glance_image_id(first)));
    OK(glance_image_delete(client, glance_image_id(second)));
    glance_image_free(first);
    glance_image_free(second);
}

static void protected_images_resist_deletion(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "protected");
    glance_image_create_opts *opts = run_opts(name);
    OK(glance_image_create_opts_set_protected(opts, true));
    glance_image *image = NULL;
    OK(glance_image_create(client, opts, &image));
    glance_image_create_opts_free(opts);
    CHECK(glance_image_protected(image));
    EXPECT(GLANCE_FORBIDDEN, glance_image_delete(client, glance_image_id(image)));
    CHECK_ERROR(GLANCE_FORBIDDEN, 403, true, "");
    glance_image_patch *patch = glance_image_patch_new();
    OK(glance_image_patch_replace_json(patch, "protected", "false"));
    glance_image *updated = NULL;
    OK(glance_image_update(client, glance_image_id(image), patch, &updated));
    CHECK(!glance_image_protected(updated));
    OK(glance_image_delete(client, glance_image_id(image)));
    glance_image_patch_free(patch);
    glance_image_free(updated);
    glance_image_free(image);
}

static void deactivate_and_reactivate(glance_client *client) {
    const char *id = env("GLANCE_C_ACTIVE_ID");
    OK(glance_image_deactivate(client, id));
    glance_image *image = NULL;
    OK(glance_image_get(client, id, &image));
    CHECK_STR(glance_image_status(image), "deactivated");
    glance_image_free(image);
    OK(glance_image_reactivate(client, id));
    OK(glance_image_get(client, id, &image));
    CHECK_STR(glance_image_status(image), "active");
    glance_image_free(image);
}

static void wrong_token_is_unauthorized(void) {
    glance_config *config = glance_config_new();
    OK(glance_config_set_endpoint(config, env("GLANCE_TEST_GLANCE_URL")));
    OK(glance_config_set_token(config, "not-a-token"));
    OK(glance_config_disable_proxy(config));
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_UNAUTHORIZED, glance_image_get(client, env("GLANCE_C_ACTIVE_ID"), &image));
    /* keystonemiddleware answers before Glance assigns a request id. */
    CHECK_ERROR(GLANCE_UNAUTHORIZED, 401, false, "401");
    CHECK(image == SENTINEL(glance_image));
    glance_client_free(client);
}

void test_images(void) {
    glance_client *client = demo_client();
    calls_check_their_arguments(client);
    patch_checks_its_arguments();
    update_add_replace_remove(client);
    find_by_name(client);
    protected_images_resist_deletion(client);
    deactivate_and_reactivate(client);
    wrong_token_is_unauthorized();
    glance_client_free(client);
}
