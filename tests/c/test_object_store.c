/* Object storage on the real Swift: containers, files up (in segments) and
 * back, listings, object info, temporary URLs, deletion with segments. */
#include "suite.h"

glance_object_store *demo_store(glance_client *client) {
    char url[512];
    snprintf(url, sizeof url, "%s/v1/AUTH_%s", env("GLANCE_TEST_SWIFT_URL"),
             env("GLANCE_TEST_DEMO_PROJECT_ID"));
    glance_object_store *store = SENTINEL(glance_object_store);
    OK(glance_object_store_at(client, url, &store));
    CHECK(store != NULL && store != SENTINEL(glance_object_store));
    return store;
}

void write_pattern(const char *path, size_t size) {
    FILE *file = fopen(path, "wb");
    CHECK(file != NULL);
    for (size_t i = 0; i < size; i++) CHECK(fputc((int)((i * 2654435761u) >> 13 & 0xff), file) != EOF);
    CHECK(fclose(file) == 0);
}

bool same_files(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb");
    FILE *fb = fopen(b, "rb");
    bool same = fa != NULL && fb != NULL;
    while (same) {
        int ca = fgetc(fa);
        int cb = fgetc(fb);
        if (ca != cb) same = false;
        if (ca == EOF || cb == EOF) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

static bool file_exists(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file) fclose(file);
    return file != NULL;
}

struct feed {
    size_t size;
    size_t offset;
    bool abort;
};

static unsigned char feed_byte(size_t i) { return (unsigned char)((i * 2654435761u) >> 13 & 0xff); }

static int feed_read(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len) {
    struct feed *feed = userdata;
    if (feed->abort && feed->offset > 0) return GLANCE_CB_ABORT;
    size_t n = feed->size - feed->offset;
    if (n > capacity) n = capacity;
    /* Odd-sized pieces, as a pipe gives them. */
    if (n > 12345) n = 12345;
    for (size_t i = 0; i < n; i++) buffer[i] = feed_byte(feed->offset + i);
    feed->offset += n;
    *out_len = n;
    return GLANCE_CB_CONTINUE;
}

struct drain {
    size_t size;
    bool same;
    size_t abort_after; /* 0: never */
};

static int drain_write(void *userdata, const uint8_t *data, size_t len) {
    struct drain *drain = userdata;
    for (size_t i = 0; i < len; i++) drain->same = drain->same && data[i] == feed_byte(drain->size + i);
    drain->size += len;
    return drain->abort_after > 0 && drain->size >= drain->abort_after ? GLANCE_CB_ABORT : GLANCE_CB_CONTINUE;
}

/* Data from a read callback up (a large object when the size is unknown, one
 * PUT when it is known and small) and back through a write callback. */
static void streams_through_callbacks(glance_object_store *store, const char *container) {
    const size_t size = 2 * 1024 * 1024 + 500;
    struct feed feed = {size, 0, false};
    uint64_t stored = 0;
    OK(glance_object_upload_callback(store, container, "piped", feed_read, &feed, -1, 1024 * 1024, &stored));
    CHECK(stored == size && feed.offset == size);
    glance_object_info *info = NULL;
    OK(glance_object_info_get(store, container, "piped", &info));
    CHECK(glance_object_info_is_large(info));
    CHECK(glance_object_info_size(info) == size);
    glance_object_info_free(info);
    struct drain drain = {0, true, 0};
    uint64_t read = 0;
    OK(glance_object_download_callback(store, container, "piped", drain_write, &drain, &read));
    CHECK(read == size && drain.size == size && drain.same);

    struct feed small = {1000, 0, false};
    OK(glance_object_upload_callback(store, container, "small", feed_read, &small, 1000, 0, NULL));
    OK(glance_object_info_get(store, container, "small", &info));
    CHECK(!glance_object_info_is_large(info));
    CHECK(glance_object_info_size(info) == 1000);
    glance_object_info_free(info);
    drain = (struct drain){0, true, 0};
    OK(glance_object_download_callback(store, container, "small", drain_write, &drain, NULL));
    CHECK(drain.size == 1000 && drain.same);

    /* Fewer bytes than announced: refused, nothing stored under the name. */
    struct feed shorter = {1000, 0, false};
    EXPECT(GLANCE_INVALID_ARG,
           glance_object_upload_callback(store, container, "short", feed_read, &shorter, 2000, 0, &stored));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "1000 of the 2000 bytes");
    CHECK(stored == size);
    EXPECT(GLANCE_NOT_FOUND, glance_object_info_get(store, container, "short", &info));

    /* The container's key reaches a plain object, not segments kept in
     * another container. */
    char *key = SENTINEL(char);
    OK(glance_object_temp_url_key(store, container, "small", &key));
    CHECK_STR(key, "c-suite-secret");
    glance_string_free(key);
    key = SENTINEL(char);
    OK(glance_object_temp_url_key(store, container, "piped", &key));
    CHECK(key == NULL);
    key = SENTINEL(char);
    EXPECT(GLANCE_NOT_FOUND, glance_object_temp_url_key(store, container, "absent", &key));
    CHECK(key == SENTINEL(char));

    /* Either callback stops its transfer. */
    struct feed stopping = {size, 0, true};
    EXPECT(GLANCE_ABORTED,
           glance_object_upload_callback(store, container, "stopped", feed_read, &stopping, -1, 1024 * 1024, NULL));
    EXPECT(GLANCE_NOT_FOUND, glance_object_info_get(store, container, "stopped", &info));
    drain = (struct drain){0, true, 100};
    read = 7;
    EXPECT(GLANCE_ABORTED, glance_object_download_callback(store, container, "piped", drain_write, &drain, &read));
    CHECK(read == 7);

    /* Deleting only the manifest leaves the segments, the caller's choice. */
    char segments[300];
    snprintf(segments, sizeof segments, "%s_segments", container);
    OK(glance_object_delete_keep_segments(store, container, "piped"));
    EXPECT(GLANCE_NOT_FOUND, glance_object_info_get(store, container, "piped", &info));
    glance_objects *kept = NULL;
    OK(glance_object_list(store, segments, "piped/", &kept));
    CHECK(glance_objects_count(kept) >= 2);
    for (size_t i = 0; i < glance_objects_count(kept); i++) {
        OK(glance_object_delete(store, segments, glance_objects_name(kept, i)));
    }
    glance_objects_free(kept);
    OK(glance_object_delete(store, container, "small"));
}

/* The _opts variants report progress up and down and stop when it says so. */
static void reports_progress(glance_object_store *store, const char *container, const char *source,
                             const char *target, size_t size) {
    glance_transfer_opts *opts = glance_transfer_opts_new();
    struct progress_log w = {0, 0, 0, 0};
    OK(glance_transfer_opts_set_progress(opts, on_progress, &w));
    OK(glance_object_upload_file_opts(store, container, "watched", source, 0, opts));
    CHECK(w.calls >= 1 && w.last_done == size && w.last_total == size);
    w = (struct progress_log){0, 0, 0, 0};
    remove(target);
    OK(glance_object_download_file_opts(store, container, "watched", target, opts));
    CHECK(w.calls >= 1 && w.last_done == size);
    CHECK(same_files(source, target));

    struct feed feed = {size, 0, false};
    uint64_t stored = 0;
    w = (struct progress_log){0, 0, 0, 0};
    OK(glance_object_upload_callback_opts(store, container, "watched", feed_read, &feed, (int64_t)size, 0, opts,
                                          &stored));
    CHECK(stored == size && w.last_done == size);
    struct drain drain = {0, true, 0};
    uint64_t read = 0;
    w = (struct progress_log){0, 0, 0, 0};
    OK(glance_object_download_callback_opts(store, container, "watched", drain_write, &drain, opts, &read));
    CHECK(read == size && drain.same && w.last_done == size);

    /* Stopped by the progress callback: the download leaves no file. */
    w = (struct progress_log){0, 0, 0, 1};
    remove(target);
    EXPECT(GLANCE_ABORTED, glance_object_download_file_opts(store, container, "watched", target, opts));
    CHECK(!file_exists(target));
    glance_transfer_opts_free(opts);
    OK(glance_object_delete(store, container, "watched"));
}

static void calls_check_their_arguments(glance_client *client, glance_object_store *store) {
    glance_object_store *other = SENTINEL(glance_object_store);
    EXPECT(GLANCE_NULL_ARG, glance_object_store_new(NULL, &other));
    EXPECT(GLANCE_NULL_ARG, glance_object_store_new(client, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_object_store_at(client, NULL, &other));
    EXPECT(GLANCE_INVALID_UTF8, glance_object_store_at(client, INVALID_UTF8, &other));
    EXPECT(GLANCE_INVALID_ARG, glance_object_store_at(client, "ftp://swift", &other));
    CHECK(other == SENTINEL(glance_object_store));
    bool exists = false;
    EXPECT(GLANCE_NULL_ARG, glance_container_exists(NULL, "c", &exists));
    EXPECT(GLANCE_NULL_ARG, glance_container_exists(store, "c", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_container_create(store, "a/b"));
    EXPECT(GLANCE_INVALID_ARG, glance_container_delete(store, ""));
    EXPECT(GLANCE_INVALID_UTF8, glance_object_delete(store, "c", INVALID_UTF8));
    EXPECT(GLANCE_NULL_ARG, glance_object_upload_file(store, "c", "o", NULL, 0));
    EXPECT(GLANCE_NULL_ARG, glance_object_download_file(store, "c", NULL, "/tmp/x"));
    char *text = SENTINEL(char);
    EXPECT(GLANCE_INVALID_ARG, glance_object_temp_url(store, "c", "o", "", 60, &text));
    EXPECT(GLANCE_NULL_ARG, glance_container_set_temp_url_key(store, "c", NULL));
    CHECK(text == SENTINEL(char));
    EXPECT(GLANCE_NULL_ARG, glance_container_require(NULL, "c"));
    EXPECT(GLANCE_INVALID_ARG, glance_container_require(store, "a/b"));
    EXPECT(GLANCE_NULL_ARG, glance_object_temp_url_key(store, "c", "o", NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_object_temp_url_key(store, "c", INVALID_UTF8, &text));
    CHECK(text == SENTINEL(char));
    uint64_t size = 7;
    EXPECT(GLANCE_NULL_ARG, glance_object_upload_callback(store, "c", "o", NULL, NULL, -1, 0, &size));
    EXPECT(GLANCE_NULL_ARG, glance_object_upload_callback(NULL, "c", "o", feed_read, NULL, -1, 0, &size));
    EXPECT(GLANCE_INVALID_ARG, glance_object_upload_callback(store, "", "o", feed_read, NULL, -1, 0, &size));
    EXPECT(GLANCE_NULL_ARG, glance_object_download_callback(store, "c", "o", NULL, NULL, &size));
    EXPECT(GLANCE_INVALID_UTF8, glance_object_download_callback(store, "c", INVALID_UTF8, drain_write, NULL, &size));
    CHECK(size == 7);

    CHECK(glance_objects_count(NULL) == 0);
    CHECK(glance_objects_name(NULL, 0) == NULL);
    CHECK(glance_objects_hash(NULL, 0) == NULL);
    CHECK(glance_objects_size(NULL, 0) == 0);
    CHECK(glance_object_info_size(NULL) == 0);
    CHECK(glance_object_info_etag(NULL) == NULL);
    CHECK(glance_object_info_content_type(NULL) == NULL);
    CHECK(!glance_object_info_is_large(NULL));
    CHECK(glance_object_info_metadata(NULL, "x") == NULL);
    glance_objects_free(NULL);
    glance_object_info_free(NULL);
    glance_object_store_free(NULL);

    /* A client without a catalog has no object store of its own. */
    glance_object_store *catalog = NULL;
    OK(glance_object_store_new(client, &catalog));
    EXPECT(GLANCE_CONFIG, glance_container_exists(catalog, "c", &exists));
    EXPECT(GLANCE_CONFIG, glance_object_store_url(catalog, &text));
    CHECK(text == SENTINEL(char));
    glance_object_store_free(catalog);
}

void test_object_store(void) {
    glance_client *client = demo_client();
    glance_object_store *store = demo_store(client);
    calls_check_their_arguments(client, store);

    char *url = NULL;
    OK(glance_object_store_url(store, &url));
    CHECK_CONTAINS(url, env("GLANCE_TEST_DEMO_PROJECT_ID"));
    glance_string_free(url);

    char container[200], segments[220];
    unique_name(container, sizeof container, "container");
    snprintf(segments, sizeof segments, "%s_segments", container);
    bool exists = true;
    OK(glance_container_exists(store, container, &exists));
    CHECK(!exists);
    glance_objects *list = SENTINEL(glance_objects);
    EXPECT(GLANCE_NO_SUCH_CONTAINER, glance_object_list(store, container, NULL, &list));
    CHECK_ERROR(GLANCE_NO_SUCH_CONTAINER, 404, true, container);
    EXPECT(GLANCE_NO_SUCH_CONTAINER, glance_container_require(store, container));
    CHECK_ERROR(GLANCE_NO_SUCH_CONTAINER, 404, true, container);
    CHECK(list == SENTINEL(glance_objects));
    OK(glance_container_create(store, container));
    OK(glance_container_exists(store, container, &exists));
    CHECK(exists);
    OK(glance_container_require(store, container));

    char source[300], target[300], missing[300];
    snprintf(source, sizeof source, "/tmp/%s-source.bin", container);
    snprintf(target, sizeof target, "/tmp/%s-target.bin", container);
    snprintf(missing, sizeof missing, "/tmp/%s-missing.bin", container);
    const size_t size = 2 * 1024 * 1024 + 77;
    write_pattern(source, size);

    /* Three segments of 1 MiB at most, then back in one piece. */
    const char *object = "dir/big object";
    OK(glance_object_upload_file(store, container, object, source, 1024 * 1024));
    glance_object_info *info = SENTINEL(glance_object_info);
    OK(glance_object_info_get(store, container, object, &info));
    CHECK(glance_object_info_size(info) == size);
    CHECK(glance_object_info_is_large(info));
    CHECK(glance_object_info_etag(info) != NULL);
    CHECK_STR(glance_object_info_content_type(info), "application/octet-stream");
    CHECK(glance_object_info_metadata(info, "glance-image-00") == NULL);
    glance_object_info_free(info);
    OK(glance_object_download_file(store, container, object, target));
    CHECK(same_files(source, target));

    EXPECT(GLANCE_NOT_FOUND, glance_object_download_file(store, container, "absent", missing));
    CHECK(!file_exists(missing));
    EXPECT(GLANCE_IO, glance_object_upload_file(store, container, "o", missing, 0));

    OK(glance_object_list(store, container, "dir/", &list));
    CHECK(glance_objects_count(list) == 1);
    CHECK_STR(glance_objects_name(list, 0), object);
    CHECK(glance_objects_size(list, 0) == size);
    CHECK(glance_objects_hash(list, 0) != NULL);
    CHECK(glance_objects_name(list, 1) == NULL);
    glance_objects_free(list);
    OK(glance_object_list(store, segments, NULL, &list));
    CHECK(glance_objects_count(list) == 3);
    glance_objects_free(list);

    char *key = SENTINEL(char);
    OK(glance_container_temp_url_key(store, container, &key));
    CHECK(key == NULL);
    OK(glance_container_set_temp_url_key(store, container, "c-suite-secret"));
    OK(glance_container_temp_url_key(store, container, &key));
    CHECK_STR(key, "c-suite-secret");
    glance_string_free(key);
    char *temp_url = NULL;
    OK(glance_object_temp_url(store, container, object, "c-suite-secret", 600, &temp_url));
    CHECK_CONTAINS(temp_url, "/dir/big%20object?temp_url_sig=");
    CHECK_CONTAINS(temp_url, "&temp_url_expires=");
    glance_string_free(temp_url);
    streams_through_callbacks(store, container);
    reports_progress(store, container, source, target, size);

    EXPECT(GLANCE_CONFLICT, glance_container_delete(store, container));
    OK(glance_object_delete(store, container, object));
    EXPECT(GLANCE_NOT_FOUND, glance_object_delete(store, container, object));
    OK(glance_object_list(store, segments, NULL, &list));
    CHECK(glance_objects_count(list) == 0);
    glance_objects_free(list);
    OK(glance_container_delete(store, segments));
    OK(glance_container_delete(store, container));
    EXPECT(GLANCE_NO_SUCH_CONTAINER, glance_container_delete(store, container));

    remove(source);
    remove(target);
    glance_object_store_free(store);
    glance_client_free(client);
}
