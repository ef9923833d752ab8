/* Create options and the getters of an image record, on the real cloud. */
#include <time.h>

#include "suite.h"

static void random_uuid(char *buf, size_t len) {
    static bool seeded;
    if (!seeded) {
        srand((unsigned)time(NULL) ^ (unsigned)strlen(env("GLANCE_C_RUN_ID")));
        seeded = true;
    }
    snprintf(buf, len, "%04x%04x-%04x-4%03x-a%03x-%04x%04x%04x", rand() & 0xffff,
             rand() & 0xffff, rand() & 0xffff, rand() & 0xfff, rand() & 0xfff, rand() & 0xffff,
             rand() & 0xffff, rand() & 0xffff);
}

static void create_opts_check_their_arguments(void) {
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_id(NULL, "x"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_name(NULL, "x"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_disk_format(NULL, "raw"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_container_format(NULL, "bare"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_visibility(NULL, "private"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_property(NULL, "k", "v"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_add_tag(NULL, "t"));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_min_disk(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_min_ram(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_protected(NULL, true));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_os_hidden(NULL, true));

    glance_image_create_opts *opts = glance_image_create_opts_new();
    EXPECT(GLANCE_NULL_ARG, glance_image_create_opts_set_property(opts, "k", NULL));
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'value' is NULL");
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_id(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_name(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_disk_format(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_container_format(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_visibility(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_set_property(opts, INVALID_UTF8, "v"));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_create_opts_add_tag(opts, INVALID_UTF8));
    glance_image_create_opts_free(opts);
    glance_image_create_opts_free(NULL);
}

static void getters_accept_null(void) {
    uint64_t size = 42;
    CHECK(glance_image_name(NULL) == NULL);
    CHECK(glance_image_status(NULL) == NULL);
    CHECK(glance_image_visibility(NULL) == NULL);
    CHECK(glance_image_owner(NULL) == NULL);
    CHECK(glance_image_checksum(NULL) == NULL);
    CHECK(glance_image_os_hash_algo(NULL) == NULL);
    CHECK(glance_image_os_hash_value(NULL) == NULL);
    CHECK(glance_image_disk_format(NULL) == NULL);
    CHECK(glance_image_container_format(NULL) == NULL);
    CHECK(glance_image_created_at(NULL) == NULL);
    CHECK(glance_image_updated_at(NULL) == NULL);
    CHECK(!glance_image_protected(NULL));
    CHECK(!glance_image_os_hidden(NULL));
    CHECK(!glance_image_size(NULL, &size) && size == 42);
    CHECK(!glance_image_virtual_size(NULL, &size) && size == 42);
    CHECK(glance_image_min_disk(NULL) == 0);
    CHECK(glance_image_min_ram(NULL) == 0);
    CHECK(glance_image_tag_count(NULL) == 0);
    CHECK(glance_image_tag(NULL, 0) == NULL);
    CHECK(glance_image_store_count(NULL) == 0);
    CHECK(glance_image_store(NULL, 0) == NULL);
    CHECK(glance_image_property_count(NULL) == 0);
    CHECK(glance_image_property_key(NULL, 0) == NULL);
    CHECK(glance_image_property(NULL, "name") == NULL);
    CHECK(glance_image_clone(NULL) == NULL);
    glance_image_free(NULL);
    char *json = SENTINEL(char);
    EXPECT(GLANCE_NULL_ARG, glance_image_to_json(NULL, &json));
    CHECK(json == SENTINEL(char));
}

static void every_field_reads_back(void) {
    glance_client *client = demo_client();
    char name[200], id[40];
    unique_name(name, sizeof name, "getters");
    random_uuid(id, sizeof id);
    glance_image_create_opts *opts = run_opts(name);
    OK(glance_image_create_opts_set_id(opts, id));
    OK(glance_image_create_opts_set_disk_format(opts, "qcow2"));
    OK(glance_image_create_opts_set_container_format(opts, "ovf"));
    OK(glance_image_create_opts_set_visibility(opts, "community"));
    OK(glance_image_create_opts_set_min_disk(opts, 3));
    OK(glance_image_create_opts_set_min_ram(opts, 512));
    OK(glance_image_create_opts_set_protected(opts, false));
    OK(glance_image_create_opts_set_os_hidden(opts, true));
    OK(glance_image_create_opts_add_tag(opts, "c-suite"));
    OK(glance_image_create_opts_add_tag(opts, "second tag"));
    OK(glance_image_create_opts_set_property(opts, "os_distro", "debian"));
    OK(glance_image_create_opts_set_property(opts, "os_distro", "ubuntu"));

    glance_image *created = NULL;
    OK(glance_image_create(client, opts, &created));
    glance_image_create_opts_free(opts);
    glance_image *image = NULL;
    OK(glance_image_get(client, id, &image));
    glance_image_free(created);

    CHECK_STR(glance_image_id(image), id);
    CHECK_STR(glance_image_name(image), name);
    CHECK_STR(glance_image_status(image), "queued");
    CHECK_STR(glance_image_visibility(image), "community");
    CHECK_STR(glance_image_owner(image), env("GLANCE_TEST_DEMO_PROJECT_ID"));
    CHECK_STR(glance_image_disk_format(image), "qcow2");
    CHECK_STR(glance_image_container_format(image), "ovf");
    CHECK(glance_image_checksum(image) == NULL);
    CHECK(glance_image_os_hash_algo(image) == NULL);
    CHECK(glance_image_os_hash_value(image) == NULL);
    CHECK(glance_image_created_at(image) != NULL && strlen(glance_image_created_at(image)) >= 19);
    CHECK(glance_image_updated_at(image) != NULL);
    CHECK(!glance_image_protected(image));
    CHECK(glance_image_os_hidden(image));
    uint64_t size = 77;
    CHECK(!glance_image_size(image, &size) && size == 77);
    CHECK(!glance_image_virtual_size(image, &size) && size == 77);
    CHECK(!glance_image_size(image, NULL));
    CHECK(glance_image_min_disk(image) == 3);
    CHECK(glance_image_min_ram(image) == 512);
    CHECK(glance_image_tag_count(image) == 2);
    bool first = strcmp(glance_image_tag(image, 0), "c-suite") == 0;
    CHECK_STR(glance_image_tag(image, first ? 1 : 0), "second tag");
    CHECK(glance_image_tag(image, 2) == NULL);
    CHECK(glance_image_store_count(image) == 0);
    CHECK(glance_image_store(image, 0) == NULL);
    CHECK_STR(glance_image_property(image, "os_distro"), "ubuntu");
    CHECK_STR(glance_image_property(image, "name"), name);
    CHECK_STR(glance_image_property(image, "min_ram"), "512");
    CHECK_STR(glance_image_property(image, "os_hidden"), "true");
    CHECK(glance_image_property(image, "checksum") == NULL);
    CHECK(glance_image_property(image, "no such property") == NULL);
    CHECK(glance_image_property(image, NULL) == NULL);
    CHECK(glance_image_property(image, INVALID_UTF8) == NULL);
    size_t count = glance_image_property_count(image);
    bool saw_distro = false, saw_id = false;
    for (size_t i = 0; i < count; i++) {
        const char *key = glance_image_property_key(image, i);
        CHECK(key != NULL);
        saw_distro |= strcmp(key, "os_distro") == 0;
        saw_id |= strcmp(key, "id") == 0;
    }
    CHECK(saw_distro && saw_id);
    CHECK(glance_image_property_key(image, count) == NULL);

    char *json = NULL;
    EXPECT(GLANCE_NULL_ARG, glance_image_to_json(image, NULL));
    OK(glance_image_to_json(image, &json));
    CHECK(json[0] == '{');
    CHECK_CONTAINS(json, "\"os_distro\":\"ubuntu\"");
    CHECK_CONTAINS(json, id);
    glance_string_free(json);

    /* A clone outlives its original. */
    glance_image *copy = glance_image_clone(image);
    glance_image_free(image);
    CHECK_STR(glance_image_id(copy), id);
    CHECK_STR(glance_image_property(copy, "os_distro"), "ubuntu");

    /* The harness's image has data: size, checksums, stores. */
    glance_image *active = NULL;
    OK(glance_image_get(client, env("GLANCE_C_ACTIVE_ID"), &active));
    CHECK_STR(glance_image_status(active), "active");
    CHECK(glance_image_size(active, &size));
    CHECK(size == (uint64_t)strtoull(env("GLANCE_C_ACTIVE_SIZE"), NULL, 10));
    CHECK(glance_image_checksum(active) != NULL && strlen(glance_image_checksum(active)) == 32);
    CHECK_STR(glance_image_os_hash_algo(active), "sha512");
    CHECK(strlen(glance_image_os_hash_value(active)) == 128);
    CHECK(glance_image_store_count(active) >= 1);
    CHECK(glance_image_store(active, 0) != NULL);
    glance_image_free(active);

    OK(glance_image_delete(client, id));
    glance_image_free(copy);
    glance_client_free(client);
}

void test_image_getters(void) {
    create_opts_check_their_arguments();
    getters_accept_null();
    every_field_reads_back();
}
