/* glance-download from C against the real two-region cloud: RegionTwo's
 * Glance imports an image of RegionOne itself; the data arrives with the
 * same digests. The options check their arguments. */
#include "suite.h"

#define SIZE (512u * 1024u + 5u)

static void options_are_checked(void) {
    glance_import_opts *opts = glance_import_opts_new();
    EXPECT(GLANCE_NULL_ARG, glance_import_opts_set_glance_download(NULL, "x", "RegionOne", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_import_opts_set_glance_download(opts, NULL, "RegionOne", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_import_opts_set_glance_download(opts, "x", NULL, NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_import_opts_set_glance_download(opts, INVALID_UTF8, "RegionOne", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_glance_download(opts, "", "RegionOne", NULL));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "image id must not be empty");
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_glance_download(opts, "a/b", "RegionOne", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_glance_download(opts, "x", " ", NULL));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "needs a region");
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_glance_download(opts, "x", "RegionOne", ""));
    /* The plain setter points to the one that takes the image and region. */
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_method(opts, "glance-download", NULL));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "glance_import_opts_set_glance_download");
    OK(glance_import_opts_set_glance_download(opts, "x", "RegionOne", "public"));
    glance_import_opts_free(opts);
}

void test_glance_download(void) {
    options_are_checked();
    glance_client *one = cloud_client("demo");
    glance_client *two = cloud_client("demo_region_two");

    unsigned char *data = malloc(SIZE);
    CHECK(data != NULL);
    for (size_t i = 0; i < SIZE; i++) data[i] = (unsigned char)((i * 13u + 5u) % 253u);
    char name[200];
    unique_name(name, sizeof name, "glance-download");
    glance_image_create_opts *create = run_opts(name);
    glance_image *source = NULL;
    OK(glance_image_create_with_data_buffer(one, create, data, SIZE, NULL, NULL, &source));

    glance_image *target = NULL;
    OK(glance_image_create(two, create, &target));
    glance_import_opts *from_one = glance_import_opts_new();
    OK(glance_import_opts_set_glance_download(from_one, glance_image_id(source), "RegionOne", NULL));
    OK(glance_image_import(two, glance_image_id(target), from_one));
    glance_image *arrived = NULL;
    OK(glance_image_wait_import(two, glance_image_id(target), 200, 120000, NULL, NULL, &arrived));
    CHECK_STR(glance_image_status(arrived), "active");
    uint64_t size = 0;
    CHECK(glance_image_size(arrived, &size) && size == SIZE);
    CHECK_STR(glance_image_checksum(arrived), glance_image_checksum(source));
    CHECK_STR(glance_image_os_hash_value(arrived), glance_image_os_hash_value(source));
    char *tasks = NULL;
    OK(glance_image_tasks_json(two, glance_image_id(target), &tasks));
    CHECK_CONTAINS(tasks, "\"glance-download\"");
    glance_string_free(tasks);

    /* The bytes themselves, downloaded from RegionTwo (verified on the way). */
    char path[300];
    snprintf(path, sizeof path, "/tmp/%s.bin", name);
    uint64_t got = 0;
    OK(glance_image_download_file(two, glance_image_id(target), path, NULL, &got));
    CHECK(got == SIZE);
    FILE *file = fopen(path, "rb");
    CHECK(file != NULL);
    unsigned char *back = malloc(SIZE + 1);
    CHECK(back != NULL);
    CHECK(fread(back, 1, SIZE + 1, file) == SIZE);
    fclose(file);
    remove(path);
    CHECK(memcmp(back, data, SIZE) == 0);
    free(back);

    OK(glance_image_delete(two, glance_image_id(target)));
    OK(glance_image_delete(one, glance_image_id(source)));
    glance_image_free(arrived);
    glance_image_free(target);
    glance_image_free(source);
    glance_import_opts_free(from_one);
    glance_image_create_opts_free(create);
    free(data);
    glance_client_free(two);
    glance_client_free(one);
}
