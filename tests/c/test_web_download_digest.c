/* The digest a web-download's publisher announced, from C against the real
 * cloud: glance_image_wait_import_expecting checks it once the image is
 * active (Glance's own md5/sha512 record, else the data hashed); a mismatch
 * is GLANCE_CHECKSUM_MISMATCH and the image is deleted. The data is the
 * harness double's /blob.bin (4096 bytes of 42) on 127.0.0.1. */
#include "suite.h"

#define SHA256 "fa348f8e8bdec968196a69ee608e4844220726ebfc003ba533594f8d5f1be16e"
#define SHA512                                                           \
    "46fc779d421d8adb8eb03afe697515ecc374fa2c9ab56afc59974ea046eccd07" \
    "6236e9da57c292ae33a1a6d945fb46c704298129df5c9ff2b904c4a17108e416"
#define MD5 "c4c19c08621040f09ea846b2c265ecb3"
/* sha256 / md5 of "not the blob": the right length, not the data's. */
#define WRONG256 "faaa85705f4eb0b19459ce4c4d5106dbca42ea5dfdc86aaa0ac7234fd5485f3d"
#define WRONG_MD5 "f9f29b952a4fa21daf7fd8d4a8489668"

/* Makes an image, web-downloads /blob.bin into it and waits expecting the
 * digest; returns the wait's status, the image's id in `id`. */
static glance_status import(glance_client *client, const char *algorithm, const char *hex,
                            char *id, size_t id_len, glance_image **out) {
    char name[200];
    unique_name(name, sizeof name, "webdigest");
    glance_image *image = create_image(client, name);
    snprintf(id, id_len, "%s", glance_image_id(image));
    glance_image_free(image);
    char url[300];
    snprintf(url, sizeof url, "%s/blob.bin", env("GLANCE_C_DOUBLE_URL"));
    glance_import_opts *import = glance_import_opts_new();
    OK(glance_import_opts_set_method(import, "web-download", url));
    OK(glance_image_import(client, id, import));
    glance_import_opts_free(import);
    return glance_image_wait_import_expecting(client, id, 200, 120000, algorithm, hex, NULL, NULL,
                                              out);
}

static void matches(glance_client *client, const char *algorithm, const char *hex) {
    char id[100];
    glance_image *active = NULL;
    OK(import(client, algorithm, hex, id, sizeof id, &active));
    CHECK_STR(glance_image_status(active), "active");
    CHECK_STR(glance_image_checksum(active), MD5);
    glance_image_free(active);
    OK(glance_image_delete(client, id));
}

static void mismatches(glance_client *client, const char *algorithm, const char *wrong,
                       const char *actual) {
    char id[100];
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_CHECKSUM_MISMATCH, import(client, algorithm, wrong, id, sizeof id, &image));
    CHECK(image == SENTINEL(glance_image));
    CHECK_ERROR(GLANCE_CHECKSUM_MISMATCH, 0, false, algorithm);
    const char *message = glance_error_message(glance_error_last());
    CHECK_CONTAINS(message, wrong);
    CHECK_CONTAINS(message, actual);
    CHECK_CONTAINS(message, id);
    CHECK_CONTAINS(message, "deleted");
    glance_image *gone = SENTINEL(glance_image);
    EXPECT(GLANCE_NOT_FOUND, glance_image_get(client, id, &gone));
    CHECK(gone == SENTINEL(glance_image));
}

void test_web_download_digest(void) {
    glance_client *client = demo_client();

    /* Bad digests: refused before any request (no such image is asked for). */
    const char *none = "00000000-0000-0000-0000-000000000000";
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_INVALID_ARG,
           glance_image_wait_import_expecting(client, none, 0, 0, "sha3-256", SHA256, NULL, NULL, &image));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "sha3-256");
    EXPECT(GLANCE_INVALID_ARG,
           glance_image_wait_import_expecting(client, none, 0, 0, "sha512", SHA256, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG,
           glance_image_wait_import_expecting(client, none, 0, 0, "sha256", NULL, NULL, NULL, &image));
    EXPECT(GLANCE_INVALID_UTF8,
           glance_image_wait_import_expecting(client, none, 0, 0, INVALID_UTF8, SHA256, NULL, NULL, &image));
    EXPECT(GLANCE_NULL_ARG,
           glance_image_wait_import_expecting(NULL, none, 0, 0, "sha256", SHA256, NULL, NULL, &image));
    /* No algorithm: the plain wait, which reaches Glance. */
    EXPECT(GLANCE_NOT_FOUND,
           glance_image_wait_import_expecting(client, none, 0, 0, NULL, NULL, NULL, NULL, &image));
    CHECK(image == SENTINEL(glance_image));

    matches(client, "sha256", SHA256);       /* hashed by the client */
    matches(client, "SHA-512", SHA512);      /* Glance's os_hash_value */
    matches(client, "md5", MD5);             /* Glance's checksum */
    mismatches(client, "sha256", WRONG256, SHA256);
    mismatches(client, "md5", WRONG_MD5, MD5);

    glance_client_free(client);
}
