/* One-call create-with-data from a buffer and from a read callback, against
 * the real cloud: a direct upload and a glance-direct import into every
 * store, the bytes back unchanged; a failing callback, an abort or a short
 * callback leaves no image behind. */
#include "suite.h"

#define SIZE (1024u * 1024u + 3u)

static unsigned char *bytes(size_t size, unsigned seed) {
    unsigned char *data = malloc(size);
    CHECK(data != NULL);
    for (size_t i = 0; i < size; i++) data[i] = (unsigned char)((i * 31u + seed) % 251u);
    return data;
}

/* Supplies `size` bytes of `data` in small pieces; gives up (aborts) once
 * `stop_at` bytes went out (0: never), or reports the end early at
 * `end_at` (0: never). */
struct feed {
    const unsigned char *data;
    size_t size;
    size_t offset;
    size_t stop_at;
    size_t end_at;
};

static int read_feed(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len) {
    struct feed *feed = userdata;
    if (feed->stop_at > 0 && feed->offset >= feed->stop_at) return GLANCE_CB_ABORT;
    size_t limit = feed->end_at > 0 ? feed->end_at : feed->size;
    size_t n = limit - feed->offset;
    if (n > capacity) n = capacity;
    if (n > 65536) n = 65536;
    memcpy(buffer, feed->data + feed->offset, n);
    feed->offset += n;
    *out_len = n;
    return GLANCE_CB_CONTINUE;
}

struct collected {
    unsigned char *data;
    size_t size;
};

static int collect(void *userdata, const uint8_t *data, size_t len) {
    struct collected *c = userdata;
    if (c->size + len > SIZE) return GLANCE_CB_ABORT;
    memcpy(c->data + c->size, data, len);
    c->size += len;
    return GLANCE_CB_CONTINUE;
}

/* The image is active with exactly `data` (downloaded, verified). */
static void holds(glance_client *client, glance_image *image, const unsigned char *data) {
    CHECK_STR(glance_image_status(image), "active");
    struct collected back = {malloc(SIZE), 0};
    CHECK(back.data != NULL);
    uint64_t got = 0;
    OK(glance_image_download_callback(client, glance_image_id(image), collect, &back, NULL, &got));
    CHECK(got == SIZE && back.size == SIZE);
    CHECK(memcmp(back.data, data, SIZE) == 0);
    free(back.data);
}

/* No image carries the name: the failed create took its record back. */
static void nothing_named(glance_client *client, const char *name) {
    glance_image *found = SENTINEL(glance_image);
    EXPECT(GLANCE_NO_MATCH, glance_image_find(client, name, &found));
    CHECK(found == SENTINEL(glance_image));
}

static void arguments_are_checked(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "cwd-args");
    glance_image_create_opts *create = run_opts(name);
    glance_image *image = SENTINEL(glance_image);
    unsigned char one = 1;
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_buffer(NULL, create, &one, 1, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_buffer(client, NULL, &one, 1, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_buffer(client, create, NULL, 1, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_buffer(client, create, &one, 1, NULL, NULL, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_callback(client, create, NULL, NULL, -1, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_callback(client, NULL, read_feed, NULL, -1, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG, glance_image_create_with_data_callback(client, create, read_feed, NULL, -1, NULL, NULL, NULL));
    /* Only glance-direct applies: create-with-data moves the data itself. */
    glance_import_opts *web = glance_import_opts_new();
    OK(glance_import_opts_set_method(web, "web-download", "http://127.0.0.1:1/x"));
    EXPECT(GLANCE_INVALID_ARG, glance_image_create_with_data_buffer(client, create, &one, 1, web, NULL, &image));
    CHECK(image == SENTINEL(glance_image));
    glance_import_opts_free(web);
    nothing_named(client, name);
    glance_image_create_opts_free(create);
}

static void from_a_buffer(glance_client *client, const unsigned char *data) {
    char name[200];
    unique_name(name, sizeof name, "cwd-buffer");
    glance_image_create_opts *create = run_opts(name);
    struct progress_log log = {0, 0, 0, 0};
    glance_transfer_opts *transfer = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_progress(transfer, on_progress, &log));
    glance_image *image = NULL;
    OK(glance_image_create_with_data_buffer(client, create, data, SIZE, NULL, transfer, &image));
    CHECK_STR(glance_image_name(image), name);
    uint64_t size = 0;
    CHECK(glance_image_size(image, &size) && size == SIZE);
    CHECK(log.calls > 0 && log.last_done == SIZE);
    holds(client, image, data);
    OK(glance_image_delete(client, glance_image_id(image)));
    glance_image_free(image);

    /* Every store: staged, then imported with glance-direct. */
    glance_import_opts *all = glance_import_opts_new();
    OK(glance_import_opts_set_all_stores(all, true));
    OK(glance_image_create_with_data_buffer(client, create, data, SIZE, all, NULL, &image));
    CHECK(glance_image_store_count(image) == 2);
    holds(client, image, data);
    OK(glance_image_delete(client, glance_image_id(image)));
    glance_image_free(image);
    glance_import_opts_free(all);
    glance_transfer_opts_free(transfer);
    glance_image_create_opts_free(create);

    /* Stopped by the progress callback: no image left. */
    char stopped[200];
    unique_name(stopped, sizeof stopped, "cwd-buffer-stopped");
    create = run_opts(stopped);
    struct progress_log stop = {0, 0, 0, 1};
    transfer = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_progress(transfer, on_progress, &stop));
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_ABORTED, glance_image_create_with_data_buffer(client, create, data, SIZE, NULL, transfer, &image));
    CHECK(image == SENTINEL(glance_image));
    nothing_named(client, stopped);
    glance_transfer_opts_free(transfer);
    glance_image_create_opts_free(create);
}

static void from_a_callback(glance_client *client, const unsigned char *data) {
    char name[200];
    unique_name(name, sizeof name, "cwd-callback");
    glance_image_create_opts *create = run_opts(name);

    /* Known size: Content-Length. */
    struct feed sized = {data, SIZE, 0, 0, 0};
    glance_image *image = NULL;
    OK(glance_image_create_with_data_callback(client, create, read_feed, &sized, SIZE, NULL, NULL, &image));
    CHECK(sized.offset == SIZE);
    holds(client, image, data);
    OK(glance_image_delete(client, glance_image_id(image)));
    glance_image_free(image);

    /* Unknown size, into every store with glance-direct. */
    glance_import_opts *all = glance_import_opts_new();
    OK(glance_import_opts_set_all_stores(all, true));
    struct feed piped = {data, SIZE, 0, 0, 0};
    OK(glance_image_create_with_data_callback(client, create, read_feed, &piped, -1, all, NULL, &image));
    CHECK(glance_image_store_count(image) == 2);
    holds(client, image, data);
    OK(glance_image_delete(client, glance_image_id(image)));
    glance_image_free(image);
    glance_image_create_opts_free(create);

    /* The callback gives up halfway, direct and staged: no image left. */
    const glance_import_opts *ways[] = {NULL, all};
    for (size_t i = 0; i < 2; i++) {
        char failed[200];
        unique_name(failed, sizeof failed, "cwd-callback-aborts");
        create = run_opts(failed);
        struct feed giving_up = {data, SIZE, 0, SIZE / 2, 0};
        image = SENTINEL(glance_image);
        EXPECT(GLANCE_ABORTED, glance_image_create_with_data_callback(client, create, read_feed, &giving_up, -1,
                                                                      ways[i], NULL, &image));
        CHECK(image == SENTINEL(glance_image));
        CHECK(giving_up.offset >= SIZE / 2);
        nothing_named(client, failed);
        glance_image_create_opts_free(create);
    }
    glance_import_opts_free(all);

    /* The callback ends before the size it promised: no image left. */
    char short_name[200];
    unique_name(short_name, sizeof short_name, "cwd-callback-short");
    create = run_opts(short_name);
    struct feed short_feed = {data, SIZE, 0, 0, SIZE / 3};
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_INVALID_ARG,
           glance_image_create_with_data_callback(client, create, read_feed, &short_feed, SIZE, NULL, NULL, &image));
    CHECK(image == SENTINEL(glance_image));
    nothing_named(client, short_name);
    glance_image_create_opts_free(create);
}

void test_create_with_data(void) {
    glance_client *client = demo_client();
    unsigned char *data = bytes(SIZE, 7);
    arguments_are_checked(client);
    from_a_buffer(client, data);
    from_a_callback(client, data);
    free(data);
    glance_client_free(client);
}
