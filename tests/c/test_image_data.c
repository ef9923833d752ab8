/* Image data and import from C against the real cloud: uploads from a
 * buffer, a file and a read callback; downloads to a file and a write
 * callback, verified; progress with abort; a queued image has no data;
 * staging + glance-direct; create-with-data into every store. */
#include "suite.h"

#define DATA_SIZE (3u * 1024u * 1024u + 7u)

static unsigned char *pattern(size_t size, unsigned seed) {
    unsigned char *data = malloc(size);
    CHECK(data != NULL);
    uint32_t state = 2166136261u ^ seed;
    for (size_t i = 0; i < size; i++) {
        state = state * 1664525u + 1013904223u;
        data[i] = (unsigned char)(state >> 24);
    }
    return data;
}

struct source {
    const unsigned char *data;
    size_t size;
    size_t offset;
};

static int read_source(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len) {
    struct source *source = userdata;
    size_t n = source->size - source->offset;
    if (n > capacity) n = capacity;
    /* Small pieces, as a pipe gives them. */
    if (n > 10000) n = 10000;
    memcpy(buffer, source->data + source->offset, n);
    source->offset += n;
    *out_len = n;
    return GLANCE_CB_CONTINUE;
}

struct sink {
    unsigned char *data;
    size_t size;
    size_t capacity;
};

static int write_sink(void *userdata, const uint8_t *data, size_t len) {
    struct sink *sink = userdata;
    if (sink->size + len > sink->capacity) return GLANCE_CB_ABORT;
    memcpy(sink->data + sink->size, data, len);
    sink->size += len;
    return GLANCE_CB_CONTINUE;
}

static int stop_at_once(void *userdata, const uint8_t *data, size_t len) {
    (void)userdata;
    (void)data;
    (void)len;
    return GLANCE_CB_ABORT;
}

static int refuse_to_read(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len) {
    (void)userdata;
    (void)buffer;
    (void)capacity;
    (void)out_len;
    return GLANCE_CB_ABORT;
}

static void arguments_are_checked(glance_client *client) {
    glance_transfer_opts *opts = glance_transfer_opts_new();
    CHECK(opts != NULL);
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_framing(opts, 7));
    OK(glance_transfer_opts_set_framing(opts, GLANCE_FRAMING_CHUNKED));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_store(opts, "a/b"));
    EXPECT(GLANCE_NULL_ARG, glance_transfer_opts_set_restart(NULL, true));
    EXPECT(GLANCE_NULL_ARG, glance_transfer_opts_set_multihash(NULL, "sha512"));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_multihash(opts, "crc32"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "crc32");
    EXPECT(GLANCE_INVALID_UTF8, glance_transfer_opts_set_multihash(opts, INVALID_UTF8));
    OK(glance_transfer_opts_set_multihash(opts, "SHA-256"));
    OK(glance_transfer_opts_set_multihash(opts, NULL));
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_NULL_ARG, glance_image_upload_file(client, "id", NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_upload_buffer(client, "id", NULL, 5, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_upload_callback(client, "id", NULL, NULL, -1, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_stage_callback(client, "id", NULL, NULL, -1, NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_image_stage_callback(client, "", read_source, NULL, -1, NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_image_upload_buffer(client, "", (const uint8_t *)"x", 1, NULL, &image));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_download_file(client, INVALID_UTF8, "/tmp/x", NULL, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_download_callback(client, "id", NULL, NULL, NULL, NULL));
    CHECK(image == SENTINEL(glance_image));

    glance_import_opts *import = glance_import_opts_new();
    CHECK(import != NULL);
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_method(import, "web-download", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_set_method(import, "teleport", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_import_opts_add_store(import, ""));
    EXPECT(GLANCE_NULL_ARG, glance_image_import(client, "id", NULL));
    char *text = SENTINEL(char);
    EXPECT(GLANCE_NULL_ARG, glance_import_methods(NULL, &text));
    EXPECT(GLANCE_NULL_ARG, glance_stores_json(client, NULL));
    CHECK(text == SENTINEL(char));
    glance_import_opts_free(import);
    glance_import_opts_free(NULL);
    glance_transfer_opts_free(opts);
    glance_transfer_opts_free(NULL);
}

static void round_trips(glance_client *client) {
    unsigned char *data = pattern(DATA_SIZE, 1);
    char name[200];
    unique_name(name, sizeof name, "data-buffer");
    glance_image *image = create_image(client, name);
    const char *id = glance_image_id(image);

    /* A queued image has no data. */
    struct sink sink = {malloc(DATA_SIZE), 0, DATA_SIZE};
    CHECK(sink.data != NULL);
    EXPECT(GLANCE_NO_DATA, glance_image_download_callback(client, id, write_sink, &sink, NULL, NULL));
    CHECK_ERROR(GLANCE_NO_DATA, 0, false, "no data");

    /* Up from a buffer into fs2, with progress. */
    struct progress_log log = {0, 0, 0, 0};
    glance_transfer_opts *opts = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_store(opts, "fs2"));
    OK(glance_transfer_opts_set_progress(opts, on_progress, &log));
    glance_image *active = NULL;
    OK(glance_image_upload_buffer(client, id, data, DATA_SIZE, opts, &active));
    CHECK_STR(glance_image_status(active), "active");
    CHECK_STR(glance_image_os_hash_algo(active), "sha512");
    CHECK(glance_image_store_count(active) == 1);
    CHECK_STR(glance_image_store(active, 0), "fs2");
    CHECK(log.calls >= 2);
    CHECK(log.last_done == DATA_SIZE && log.last_total == DATA_SIZE);

    /* Down through a callback, verified. */
    uint64_t bytes = 0;
    OK(glance_image_download_callback(client, id, write_sink, &sink, NULL, &bytes));
    CHECK(bytes == DATA_SIZE && sink.size == DATA_SIZE);
    CHECK(memcmp(sink.data, data, DATA_SIZE) == 0);

    /* Unverified: the same bytes, no digest compared. */
    glance_transfer_opts *unverified = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_skip_verification(unverified, true));
    sink.size = 0;
    OK(glance_image_download_callback(client, id, write_sink, &sink, unverified, &bytes));
    CHECK(bytes == DATA_SIZE && memcmp(sink.data, data, DATA_SIZE) == 0);
    glance_transfer_opts_free(unverified);

    /* A write callback that stops: GLANCE_ABORTED. */
    EXPECT(GLANCE_ABORTED, glance_image_download_callback(client, id, stop_at_once, NULL, NULL, NULL));

    /* Down to a file, then that file up to another image. */
    char path[256], part[400], copy_name[200];
    snprintf(path, sizeof path, "/tmp/%s.raw", name);
    OK(glance_image_download_file(client, id, path, NULL, &bytes));
    CHECK(bytes == DATA_SIZE);
    snprintf(part, sizeof part, "%s.%s.part", path, id);
    FILE *leftover = fopen(part, "rb");
    CHECK(leftover == NULL);
    unique_name(copy_name, sizeof copy_name, "data-file");
    glance_image *copy = create_image(client, copy_name);
    glance_image *copied = NULL;
    /* The cloud's algorithm named as its users write it. */
    glance_transfer_opts *sha512 = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_multihash(sha512, "SHA-512"));
    OK(glance_image_upload_file(client, glance_image_id(copy), path, sha512, &copied));
    glance_transfer_opts_free(sha512);
    CHECK_STR(glance_image_os_hash_value(copied), glance_image_os_hash_value(active));
    remove(path);

    /* Up from a read callback of unknown size (chunked). */
    char piped_name[200];
    unique_name(piped_name, sizeof piped_name, "data-callback");
    glance_image *piped = create_image(client, piped_name);
    struct source source = {data, DATA_SIZE, 0};
    glance_image *piped_active = NULL;
    /* Expecting SHA-256 where Glance uses SHA-512: only the MD5 is compared. */
    glance_transfer_opts *sha256 = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_multihash(sha256, "sha256"));
    OK(glance_image_upload_callback(client, glance_image_id(piped), read_source, &source, -1, sha256,
                                    &piped_active));
    glance_transfer_opts_free(sha256);
    CHECK_STR(glance_image_checksum(piped_active), glance_image_checksum(active));

    /* A progress callback that aborts an upload. */
    char aborted_name[200];
    unique_name(aborted_name, sizeof aborted_name, "data-abort");
    glance_image *aborted = create_image(client, aborted_name);
    struct progress_log stop = {0, 0, 0, 1};
    OK(glance_transfer_opts_set_store(opts, NULL));
    OK(glance_transfer_opts_set_progress(opts, on_progress, &stop));
    glance_image *never = SENTINEL(glance_image);
    EXPECT(GLANCE_ABORTED, glance_image_upload_buffer(client, glance_image_id(aborted), data, DATA_SIZE,
                                                      opts, &never));
    CHECK(never == SENTINEL(glance_image));
    glance_image *after = NULL;
    OK(glance_image_get(client, glance_image_id(aborted), &after));
    CHECK(strcmp(glance_image_status(after), "active") != 0);
    glance_image_free(after);

    glance_transfer_opts_free(opts);
    glance_image_free(aborted);
    glance_image_free(piped_active);
    glance_image_free(piped);
    glance_image_free(copied);
    glance_image_free(copy);
    glance_image_free(active);
    glance_image_free(image);
    free(sink.data);
    free(data);
}

static unsigned polls;

static int on_poll(void *userdata, const glance_image *image) {
    (void)userdata;
    CHECK(glance_image_id(image) != NULL);
    polls++;
    return GLANCE_CB_CONTINUE;
}

static void imports(glance_client *client) {
    char *methods = NULL;
    OK(glance_import_methods(client, &methods));
    CHECK_CONTAINS(methods, "glance-direct");
    CHECK_CONTAINS(methods, "web-download");
    glance_string_free(methods);
    char *stores = NULL;
    OK(glance_stores_json(client, &stores));
    CHECK_CONTAINS(stores, "\"id\":\"fs2\"");
    glance_string_free(stores);

    /* Stage, import with glance-direct into two stores, wait. */
    unsigned char *data = pattern(100000, 2);
    char name[200];
    unique_name(name, sizeof name, "import-direct");
    glance_image *image = create_image(client, name);
    const char *id = glance_image_id(image);
    OK(glance_image_stage_buffer(client, id, data, 100000, NULL));
    glance_import_opts *import = glance_import_opts_new();
    OK(glance_import_opts_set_method(import, "glance-direct", NULL));
    OK(glance_import_opts_add_store(import, "fs"));
    OK(glance_import_opts_add_store(import, "fs2"));
    OK(glance_image_import(client, id, import));
    glance_image *active = NULL;
    OK(glance_image_wait_import(client, id, 200, 120000, on_poll, NULL, &active));
    CHECK(polls >= 1);
    CHECK_STR(glance_image_status(active), "active");
    CHECK(glance_image_store_count(active) == 2);
    char *tasks = NULL;
    OK(glance_image_tasks_json(client, id, &tasks));
    CHECK_CONTAINS(tasks, "api_image_import");
    CHECK_CONTAINS(tasks, "\"status\":\"success\"");
    glance_string_free(tasks);

    /* Removing data from a store is admin's. */
    EXPECT(GLANCE_FORBIDDEN, glance_image_delete_from_store(client, id, "fs2"));
    CHECK_ERROR(GLANCE_FORBIDDEN, 403, true, "");

    /* One call: create, stage, import into every store, verified. */
    char path[256], everywhere_name[200];
    unique_name(everywhere_name, sizeof everywhere_name, "import-create");
    snprintf(path, sizeof path, "/tmp/%s.raw", everywhere_name);
    FILE *file = fopen(path, "wb");
    CHECK(file != NULL && fwrite(data, 1, 100000, file) == 100000 && fclose(file) == 0);
    /* A staged file, into fs2 only, going on should a store fail. */
    char staged_name[200];
    unique_name(staged_name, sizeof staged_name, "import-stage-file");
    glance_image *staged = create_image(client, staged_name);
    OK(glance_image_stage_file(client, glance_image_id(staged), path, NULL));
    glance_import_opts *fs2 = glance_import_opts_new();
    OK(glance_import_opts_add_store(fs2, "fs2"));
    OK(glance_import_opts_set_all_stores_must_succeed(fs2, false));
    OK(glance_image_import(client, glance_image_id(staged), fs2));
    glance_image *staged_active = NULL;
    OK(glance_image_wait_import(client, glance_image_id(staged), 200, 120000, NULL, NULL,
                                &staged_active));
    CHECK(glance_image_store_count(staged_active) == 1);
    CHECK_STR(glance_image_store(staged_active, 0), "fs2");
    glance_image_free(staged_active);
    glance_image_free(staged);

    /* Staged from a read callback of unknown size, the same bytes. */
    char piped_name[200];
    unique_name(piped_name, sizeof piped_name, "import-stage-callback");
    glance_image *piped = create_image(client, piped_name);
    EXPECT(GLANCE_ABORTED, glance_image_stage_callback(client, glance_image_id(piped), refuse_to_read, NULL, -1, NULL));
    glance_image *untouched = NULL;
    OK(glance_image_get(client, glance_image_id(piped), &untouched));
    CHECK_STR(glance_image_status(untouched), "queued");
    glance_image_free(untouched);
    struct source source = {data, 100000, 0};
    OK(glance_image_stage_callback(client, glance_image_id(piped), read_source, &source, -1, NULL));
    CHECK(source.offset == 100000);
    OK(glance_image_import(client, glance_image_id(piped), fs2));
    glance_image *piped_active = NULL;
    OK(glance_image_wait_import(client, glance_image_id(piped), 200, 120000, NULL, NULL, &piped_active));
    CHECK_STR(glance_image_checksum(piped_active), glance_image_checksum(active));
    glance_image_free(piped_active);
    glance_image_free(piped);
    glance_import_opts_free(fs2);

    glance_import_opts *all = glance_import_opts_new();
    OK(glance_import_opts_set_all_stores(all, true));
    glance_image_create_opts *create = run_opts(everywhere_name);
    glance_image *everywhere = NULL;
    OK(glance_image_create_with_data(client, create, path, all, NULL, &everywhere));
    CHECK_STR(glance_image_status(everywhere), "active");
    CHECK(glance_image_store_count(everywhere) == 2);
    CHECK_STR(glance_image_checksum(everywhere), glance_image_checksum(active));
    remove(path);

    glance_image_free(everywhere);
    glance_image_create_opts_free(create);
    glance_import_opts_free(all);
    glance_image_free(active);
    glance_import_opts_free(import);
    glance_image_free(image);
    free(data);
}

void test_image_data(void) {
    glance_client *client = demo_client();
    arguments_are_checked(client);
    round_trips(client);
    imports(client);
    glance_client_free(client);
}
