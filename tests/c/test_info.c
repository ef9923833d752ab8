/* Capabilities, quota usage, the stores' details (admin), the download store
 * preference, find over hidden images and GLANCE_NOT_SUPPORTED, on the real
 * cloud. */
#include "suite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INFO_SIZE 40000

struct info_sink {
    unsigned char data[INFO_SIZE];
    size_t size;
};

static int info_write(void *userdata, const uint8_t *data, size_t len) {
    struct info_sink *sink = userdata;
    if (sink->size + len > INFO_SIZE) return GLANCE_CB_ABORT;
    memcpy(sink->data + sink->size, data, len);
    sink->size += len;
    return GLANCE_CB_CONTINUE;
}

static void capabilities_usage_stores(glance_client *client) {
    char *json = NULL;
    EXPECT(GLANCE_NULL_ARG, glance_capabilities_json(NULL, &json));
    EXPECT(GLANCE_NULL_ARG, glance_usage_json(client, NULL));
    OK(glance_capabilities_json(client, &json));
    CHECK_CONTAINS(json, "\"api_version\":\"2.");
    CHECK_CONTAINS(json, "\"glance-direct\"");
    CHECK_CONTAINS(json, "\"stores\":[\"fs\",\"fs2\"]");
    glance_string_free(json);
    /* No unified limits on the local cloud: Glance answers {"usage": {}}. */
    OK(glance_usage_json(client, &json));
    CHECK_STR(json, "{}");
    glance_string_free(json);
    json = SENTINEL(char);
    EXPECT(GLANCE_FORBIDDEN, glance_stores_detail_json(client, &json));
    CHECK(json == SENTINEL(char));
    glance_client *admin = cloud_client("admin");
    OK(glance_stores_detail_json(admin, &json));
    CHECK_CONTAINS(json, "\"id\":\"fs2\"");
    CHECK_CONTAINS(json, "\"type\":\"file\"");
    CHECK_CONTAINS(json, "/images2/");
    glance_string_free(json);
    glance_client_free(admin);
}

static void download_prefers_a_store(glance_client *client) {
    static unsigned char data[INFO_SIZE];
    for (size_t i = 0; i < INFO_SIZE; i++) data[i] = (unsigned char)(i * 11 + 7);
    char name[200];
    unique_name(name, sizeof name, "info-prefer");
    glance_image *image = create_image(client, name);
    const char *id = glance_image_id(image);
    OK(glance_image_stage_buffer(client, id, data, INFO_SIZE, NULL));
    glance_import_opts *both = glance_import_opts_new();
    OK(glance_import_opts_set_method(both, "glance-direct", NULL));
    OK(glance_import_opts_add_store(both, "fs"));
    OK(glance_import_opts_add_store(both, "fs2"));
    OK(glance_image_import(client, id, both));
    glance_import_opts_free(both);
    glance_image *active = NULL;
    OK(glance_image_wait_import(client, id, 200, 120000, NULL, NULL, &active));
    glance_image_free(active);

    /* Spoil the copy in fs2 only: reading it fails verification. */
    char path[1024];
    snprintf(path, sizeof path, "%s/data/glance/images2/%s", env("GLANCE_TEST_CLOUD_DIR"), id);
    FILE *file = fopen(path, "r+b");
    CHECK(file != NULL);
    static const unsigned char zeros[INFO_SIZE];
    CHECK(fwrite(zeros, 1, INFO_SIZE, file) == INFO_SIZE);
    CHECK(fclose(file) == 0);

    glance_transfer_opts *opts = glance_transfer_opts_new();
    EXPECT(GLANCE_NULL_ARG, glance_transfer_opts_set_prefer_stores(NULL, "fs"));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_prefer_stores(opts, "fs,a/b"));
    struct info_sink *sink = calloc(1, sizeof *sink);
    CHECK(sink != NULL);
    OK(glance_transfer_opts_set_prefer_stores(opts, "fs2"));
    EXPECT(GLANCE_CHECKSUM_MISMATCH, glance_image_download_callback(client, id, info_write, sink, opts, NULL));
    sink->size = 0;
    OK(glance_transfer_opts_set_prefer_stores(opts, "fs"));
    uint64_t bytes = 0;
    OK(glance_image_download_callback(client, id, info_write, sink, opts, &bytes));
    CHECK(bytes == INFO_SIZE && sink->size == INFO_SIZE && memcmp(sink->data, data, INFO_SIZE) == 0);
    sink->size = 0;
    OK(glance_transfer_opts_set_prefer_stores(opts, "nosuchstore"));
    EXPECT(GLANCE_NOT_SUPPORTED, glance_image_download_callback(client, id, info_write, sink, opts, NULL));
    CHECK_ERROR(GLANCE_NOT_SUPPORTED, 0, false, "nosuchstore");
    CHECK_CONTAINS(glance_error_message(glance_error_last()), "fs2");
    CHECK_STR(glance_status_str(GLANCE_NOT_SUPPORTED), "not supported by this cloud");
    /* NULL clears the preference. */
    OK(glance_transfer_opts_set_prefer_stores(opts, NULL));
    free(sink);
    glance_transfer_opts_free(opts);
    OK(glance_image_delete(client, id));
    glance_image_free(image);
}

static void find_sees_hidden_images(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "info-hidden");
    glance_image_create_opts *opts = run_opts(name);
    OK(glance_image_create_opts_set_os_hidden(opts, true));
    glance_image *hidden = NULL;
    OK(glance_image_create(client, opts, &hidden));
    glance_image_create_opts_free(opts);
    glance_image *found = NULL;
    OK(glance_image_find(client, name, &found));
    CHECK_STR(glance_image_id(found), glance_image_id(hidden));
    CHECK(glance_image_os_hidden(found));
    OK(glance_image_delete(client, glance_image_id(hidden)));
    glance_image_free(found);
    glance_image_free(hidden);
}

/* The test double plays an old cloud (Images API 2.9): what the real,
 * current Glance cannot show. */
static void an_old_cloud_says_what_it_lacks(void) {
    glance_client *old = double_client();
    char *json = SENTINEL(char);
    EXPECT(GLANCE_NOT_SUPPORTED, glance_usage_json(old, &json));
    CHECK(json == SENTINEL(char));
    CHECK_ERROR(GLANCE_NOT_SUPPORTED, 0, false, "needs Images API 2.13; this cloud offers up to 2.9");
    EXPECT(GLANCE_NOT_SUPPORTED, glance_stores_detail_json(old, &json));
    CHECK_ERROR(GLANCE_NOT_SUPPORTED, 0, false, "2.15");
    OK(glance_capabilities_json(old, &json));
    CHECK_CONTAINS(json, "\"api_version\":\"2.9\"");
    glance_string_free(json);
    glance_client_free(old);
}

void test_info(void) {
    an_old_cloud_says_what_it_lacks();
    glance_client *client = demo_client();
    capabilities_usage_stores(client);
    download_prefers_a_store(client);
    find_sees_hidden_images(client);
    glance_client_free(client);
}
