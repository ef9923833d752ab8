/* The C suite's helpers: checks that stop the run with the library's last
 * error, clients for the real cloud and the test double, unique names. */
#ifndef SUITE_H
#define SUITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glance.h"

/* Reports a failed check (with the thread's last error) and exits 1. */
void suite_fail(const char *file, int line, const char *what, const char *detail);

#define CHECK(cond)                                                   \
    do {                                                              \
        if (!(cond)) suite_fail(__FILE__, __LINE__, #cond, NULL);     \
    } while (0)

/* A call must return `expected`. */
#define EXPECT(expected, call)                                               \
    do {                                                                     \
        glance_status got_ = (call);                                         \
        if (got_ != (glance_status)(expected)) {                             \
            char detail_[160];                                               \
            snprintf(detail_, sizeof detail_, "returned %u (%s), expected %s", \
                     (unsigned)got_, glance_status_str(got_), #expected);    \
            suite_fail(__FILE__, __LINE__, #call, detail_);                  \
        }                                                                    \
    } while (0)

#define OK(call) EXPECT(GLANCE_OK, call)

/* A string must equal `expected` (and not be NULL). */
#define CHECK_STR(actual, expected)                                      \
    do {                                                                 \
        const char *a_ = (actual);                                       \
        const char *e_ = (expected);                                     \
        if (a_ == NULL || strcmp(a_, e_) != 0) {                         \
            char detail_[600];                                           \
            snprintf(detail_, sizeof detail_, "is \"%s\", expected \"%s\"", \
                     a_ ? a_ : "(NULL)", e_);                            \
            suite_fail(__FILE__, __LINE__, #actual, detail_);            \
        }                                                                \
    } while (0)

/* A string must contain `part`. */
#define CHECK_CONTAINS(actual, part)                                      \
    do {                                                                  \
        const char *a_ = (actual);                                        \
        if (a_ == NULL || strstr(a_, (part)) == NULL) {                   \
            char detail_[600];                                            \
            snprintf(detail_, sizeof detail_, "\"%s\" lacks \"%s\"",      \
                     a_ ? a_ : "(NULL)", (part));                         \
            suite_fail(__FILE__, __LINE__, #actual, detail_);             \
        }                                                                 \
    } while (0)

/* The last error must have this status and HTTP status (0: none), a request
 * id when `with_request_id`, and a message containing `part`. */
void check_last_error(const char *file, int line, glance_status status, uint16_t http_status,
                      bool with_request_id, const char *part);
#define CHECK_ERROR(status, http, with_request_id, part) \
    check_last_error(__FILE__, __LINE__, (status), (http), (with_request_id), (part))

/* A pointer value no call returns: out-parameters start as this, and must
 * still be this after a failure. */
extern char suite_sentinel;
#define SENTINEL(type) ((type *)(void *)&suite_sentinel)

/* A string that is not UTF-8. */
extern const char *const INVALID_UTF8;

/* An environment variable the harness (tests/c_suite.rs) sets. */
const char *env(const char *name);

/* A client for the real cloud as demo or alt_demo (endpoint + token). */
glance_client *demo_client(void);
glance_client *alt_client(void);
/* A client for the test double, without retries. */
glance_client *double_client(void);

/* A client for a cloud of the local cloud's clouds.yaml (`demo`, `admin`,
 * `demo_region_two`, ...): Keystone password, endpoints from the catalog. */
glance_client *cloud_client(const char *cloud);

/* A name no other run uses: "<run id>-<what>-<counter>". */
void unique_name(char *buf, size_t len, const char *what);

/* Create options carrying this run's c_suite_run property, so the harness can
 * clean up whatever the suite leaves behind. */
glance_image_create_opts *run_opts(const char *name);

/* Creates a private raw/bare image named `name` as demo (caller frees it). */
glance_image *create_image(glance_client *client, const char *name);

/* Object storage of demo's project on the real Swift (test_object_store.c),
 * and files to move through it. */
glance_object_store *demo_store(glance_client *client);
void write_pattern(const char *path, size_t size);
bool same_files(const char *a, const char *b);

/* What a glance_progress_cb saw; it stops the transfer once `done` reaches
 * `abort_at` (0: never). */
struct progress_log {
    unsigned calls;
    uint64_t last_done;
    uint64_t last_total;
    uint64_t abort_at;
};
int on_progress(void *userdata, uint64_t done, uint64_t total);

/* The groups of checks, one per file. */
void test_errors(void);
void test_config(void);
void test_auth(void);
void test_images(void);
void test_image_getters(void);
void test_listing(void);
void test_members(void);
void test_tags(void);
void test_schema(void);
void test_request(void);
void test_openstacksdk(void);
void test_object_store(void);
void test_tasks(void);
void test_journeys(void);
void test_image_data(void);
void test_create_with_data(void);
void test_glance_download(void);
void test_expected_digest(void);
void test_web_download_digest(void);
void test_double(void);
void test_info(void);

#endif
