/* The journeys on the real cloud, from C: export the harness's active image
 * into a container and import it back (streamed, and by Glance's
 * web-download from a temporary URL), and copy it from RegionOne to RegionTwo.
 * Clients come from clouds.yaml and find Glance and Swift in the catalog. */
#include "suite.h"

static void calls_check_their_arguments(glance_client *client, glance_object_store *store) {
    char *object = SENTINEL(char);
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_NULL_ARG, glance_image_export_to_container(NULL, "i", store, "c", NULL, 0, &object));
    EXPECT(GLANCE_NULL_ARG, glance_image_export_to_container(client, "i", NULL, "c", NULL, 0, &object));
    EXPECT(GLANCE_INVALID_UTF8,
           glance_image_export_to_container(client, "i", store, "c", INVALID_UTF8, 0, &object));
    EXPECT(GLANCE_INVALID_ARG, glance_image_export_to_container(client, "", store, "c", NULL, 0, NULL));
    EXPECT(GLANCE_NULL_ARG,
           glance_image_import_from_container(client, store, "c", NULL, NULL, 0, &image));
    EXPECT(GLANCE_INVALID_ARG,
           glance_image_import_from_container(client, store, "c", "o", NULL, 7, &image));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'via'");
    EXPECT(GLANCE_NULL_ARG, glance_image_copy_to(client, "i", NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_copy_to(client, "i", client, NULL, NULL));
    CHECK(object == SENTINEL(char) && image == SENTINEL(glance_image));
}

static void same_data(glance_image *copy, glance_image *source) {
    CHECK_STR(glance_image_os_hash_value(copy), glance_image_os_hash_value(source));
    CHECK_STR(glance_image_checksum(copy), glance_image_checksum(source));
    CHECK_STR(glance_image_disk_format(copy), glance_image_disk_format(source));
}

void test_journeys(void) {
    glance_client *demo = cloud_client("demo");
    glance_client *two = cloud_client("demo_region_two");
    glance_object_store *store = NULL;
    OK(glance_object_store_new(demo, &store));
    calls_check_their_arguments(demo, store);
    const char *source_id = env("GLANCE_C_ACTIVE_ID");
    glance_image *source = NULL;
    OK(glance_image_get(demo, source_id, &source));

    char container[200];
    unique_name(container, sizeof container, "exports");
    char *object = SENTINEL(char);
    EXPECT(GLANCE_NO_SUCH_CONTAINER,
           glance_image_export_to_container(demo, source_id, store, container, NULL, 0, &object));
    CHECK(object == SENTINEL(char));
    OK(glance_container_create(store, container));
    OK(glance_image_export_to_container(demo, source_id, store, container, NULL, 0, &object));
    char expected[120];
    snprintf(expected, sizeof expected, "%s.raw", source_id);
    CHECK_STR(object, expected);
    glance_object_info *info = NULL;
    OK(glance_object_info_get(store, container, object, &info));
    CHECK(glance_object_info_size(info) == (uint64_t)atoi(env("GLANCE_C_ACTIVE_SIZE")));
    CHECK_CONTAINS(glance_object_info_metadata(info, "Glance-Image-00"), source_id);
    glance_object_info_free(info);

    glance_image *streamed = NULL;
    OK(glance_image_import_from_container(demo, store, container, object, "c-imported",
                                          GLANCE_IMPORT_VIA_STREAM, &streamed));
    CHECK_STR(glance_image_name(streamed), "c-imported");
    CHECK_STR(glance_image_property(streamed, "c_suite_run"), env("GLANCE_C_RUN_ID"));
    same_data(streamed, source);
    glance_image_free(streamed);

    /* No temp URL key yet: web-download cannot be arranged. */
    glance_image *fetched = SENTINEL(glance_image);
    EXPECT(GLANCE_CONFIG, glance_image_import_from_container(demo, store, container, object, NULL,
                                                             GLANCE_IMPORT_VIA_WEB_DOWNLOAD,
                                                             &fetched));
    CHECK(fetched == SENTINEL(glance_image));
    OK(glance_container_set_temp_url_key(store, container, "c-suite-key"));
    OK(glance_image_import_from_container(demo, store, container, object, NULL,
                                          GLANCE_IMPORT_VIA_AUTO, &fetched));
    CHECK_STR(glance_image_name(fetched), glance_image_name(source));
    same_data(fetched, source);
    glance_image_free(fetched);

    OK(glance_object_delete(store, container, object));
    EXPECT(GLANCE_NOT_FOUND, glance_image_import_from_container(demo, store, container, object,
                                                                NULL, GLANCE_IMPORT_VIA_STREAM,
                                                                &fetched));
    OK(glance_container_delete(store, container));
    glance_string_free(object);

    /* RegionOne to RegionTwo. */
    glance_image *copy = NULL;
    OK(glance_image_copy_to(demo, source_id, two, "c-copied", &copy));
    CHECK_STR(glance_image_name(copy), "c-copied");
    same_data(copy, source);
    glance_image *there = NULL;
    OK(glance_image_get(two, glance_image_id(copy), &there));
    CHECK_STR(glance_image_status(there), "active");
    glance_image_free(there);
    EXPECT(GLANCE_NOT_FOUND, glance_image_get(demo, glance_image_id(copy), &there));
    OK(glance_image_delete(two, glance_image_id(copy)));
    glance_image_free(copy);

    glance_image_free(source);
    glance_object_store_free(store);
    glance_client_free(two);
    glance_client_free(demo);
}
