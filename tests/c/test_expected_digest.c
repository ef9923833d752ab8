/* A digest the caller expects (its publisher's) from C against the real
 * cloud: a match uploads; a mismatch fails with GLANCE_CHECKSUM_MISMATCH and
 * cuts the body before its end, so the image gets no data (the one-call
 * create leaves no image); bad digests are refused before any request. */
#include "suite.h"

#include <time.h>

#define SIZE 300007u
/* Digests of data(): the same bytes as the Rust and Python tests. */
#define SHA256 "c6a56fdfcb12a64efd88e076396a6e4189dc1d2213665c5dfc69f842d443fa1b"
#define MD5 "651b5f71cc6b3b48438086f6167bb392"
/* sha256("not the data"): the right length, not the data's digest. */
#define WRONG "74ad84e12cdb081635d92536ef4fb5750e543c18a3750256ac3904ec1d71368d"
#define NO_IMAGE "00000000-0000-0000-0000-000000000000"

static unsigned char *data(void) {
    unsigned char *bytes = malloc(SIZE);
    CHECK(bytes != NULL);
    for (uint32_t i = 0; i < SIZE; i++) bytes[i] = (unsigned char)((i * 31u + i / 7u) % 256u);
    return bytes;
}

static void check_mismatch(void) {
    CHECK_ERROR(GLANCE_CHECKSUM_MISMATCH, 0, false, "sha256");
    CHECK_CONTAINS(glance_error_message(glance_error_last()), WRONG);
    CHECK_CONTAINS(glance_error_message(glance_error_last()), SHA256);
}

/* Not active and no digest: Glance got no complete body (it may still be
 * reading the cut one). */
static void check_without_data(glance_client *client, const char *id) {
    glance_image *image = NULL;
    OK(glance_image_get(client, id, &image));
    const char *status = glance_image_status(image);
    CHECK(strcmp(status, "queued") == 0 || strcmp(status, "saving") == 0 ||
          strcmp(status, "uploading") == 0);
    CHECK(glance_image_checksum(image) == NULL);
    glance_image_free(image);
}

/* The right data after a cut upload, tried again while Glance still reads
 * the cut request (409), a minute at most. */
static void upload_again(glance_client *client, const char *id, const unsigned char *bytes,
                         const glance_transfer_opts *right) {
    glance_image *active = NULL;
    glance_status status = GLANCE_CONFLICT;
    for (int tries = 0; tries < 300 && status == GLANCE_CONFLICT; tries++) {
        status = glance_image_upload_buffer(client, id, bytes, SIZE, right, &active);
        if (status == GLANCE_CONFLICT) {
            struct timespec pause = {0, 200000000L};
            nanosleep(&pause, NULL);
        }
    }
    OK(status);
    CHECK_STR(glance_image_status(active), "active");
    CHECK_STR(glance_image_checksum(active), MD5);
    glance_image_free(active);
}

void test_expected_digest(void) {
    glance_client *client = demo_client();
    unsigned char *bytes = data();
    char name[200];

    /* Bad digests: refused by the setter, before any request. */
    glance_transfer_opts *opts = glance_transfer_opts_new();
    EXPECT(GLANCE_NULL_ARG, glance_transfer_opts_set_expected_digest(NULL, "sha256", SHA256));
    EXPECT(GLANCE_NULL_ARG, glance_transfer_opts_set_expected_digest(opts, "sha256", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_expected_digest(opts, "sha3-256", SHA256));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "sha3-256");
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_expected_digest(opts, "sha512", SHA256));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_expected_digest(opts, "md5", "zz1b5f71cc6b3b48438086f6167bb392"));
    EXPECT(GLANCE_INVALID_ARG, glance_transfer_opts_set_expected_digest(opts, "sha256", ""));
    EXPECT(GLANCE_INVALID_UTF8, glance_transfer_opts_set_expected_digest(opts, INVALID_UTF8, SHA256));
    /* Nothing was set: the upload reaches Glance, which knows no such image. */
    EXPECT(GLANCE_NOT_FOUND, glance_image_upload_buffer(client, NO_IMAGE, bytes, SIZE, opts, NULL));
    /* NULL algorithm clears it (hex ignored). */
    OK(glance_transfer_opts_set_expected_digest(opts, NULL, NULL));

    glance_transfer_opts *right = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_expected_digest(right, "SHA-256", SHA256));
    glance_transfer_opts *wrong = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_expected_digest(wrong, "sha256", WRONG));
    glance_transfer_opts *wrong_chunked = glance_transfer_opts_new();
    OK(glance_transfer_opts_set_expected_digest(wrong_chunked, "sha256", WRONG));
    OK(glance_transfer_opts_set_framing(wrong_chunked, GLANCE_FRAMING_CHUNKED));

    /* A match uploads; the recorded digests agree. */
    unique_name(name, sizeof name, "digest-match");
    glance_image *image = create_image(client, name);
    glance_image *active = NULL;
    OK(glance_image_upload_buffer(client, glance_image_id(image), bytes, SIZE, right, &active));
    CHECK_STR(glance_image_status(active), "active");
    CHECK_STR(glance_image_checksum(active), MD5);
    glance_image_free(active);
    glance_image_free(image);

    /* A mismatch, with Content-Length and chunked: no data, then the right one. */
    const glance_transfer_opts *mismatches[] = {wrong, wrong_chunked};
    for (size_t i = 0; i < 2; i++) {
        unique_name(name, sizeof name, "digest-mismatch");
        image = create_image(client, name);
        EXPECT(GLANCE_CHECKSUM_MISMATCH,
               glance_image_upload_buffer(client, glance_image_id(image), bytes, SIZE, mismatches[i], NULL));
        check_mismatch();
        check_without_data(client, glance_image_id(image));
        upload_again(client, glance_image_id(image), bytes, right);
        glance_image_free(image);
    }

    /* Staging with a mismatch stages nothing. */
    unique_name(name, sizeof name, "digest-stage");
    image = create_image(client, name);
    EXPECT(GLANCE_CHECKSUM_MISMATCH, glance_image_stage_buffer(client, glance_image_id(image), bytes, SIZE, wrong));
    check_mismatch();
    check_without_data(client, glance_image_id(image));
    glance_image_free(image);

    /* The one-call create: a mismatch leaves no image; a match is active. */
    char path[256];
    unique_name(name, sizeof name, "digest-create");
    snprintf(path, sizeof path, "/tmp/%s.raw", name);
    FILE *file = fopen(path, "wb");
    CHECK(file != NULL && fwrite(bytes, 1, SIZE, file) == SIZE && fclose(file) == 0);
    glance_image_create_opts *create = run_opts(name);
    glance_image *created = SENTINEL(glance_image);
    EXPECT(GLANCE_CHECKSUM_MISMATCH, glance_image_create_with_data(client, create, path, NULL, wrong, &created));
    check_mismatch();
    CHECK(created == SENTINEL(glance_image));
    glance_image *found = NULL;
    EXPECT(GLANCE_NO_MATCH, glance_image_find(client, name, &found));
    OK(glance_image_create_with_data(client, create, path, NULL, right, &created));
    CHECK_STR(glance_image_status(created), "active");
    CHECK_STR(glance_image_checksum(created), MD5);
    OK(glance_image_delete(client, glance_image_id(created)));
    glance_image_free(created);
    glance_image_create_opts_free(create);
    remove(path);

    glance_transfer_opts_free(wrong_chunked);
    glance_transfer_opts_free(wrong);
    glance_transfer_opts_free(right);
    glance_transfer_opts_free(opts);
    free(bytes);
    glance_client_free(client);
}
