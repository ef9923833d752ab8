/* Statuses, the thread-local last error, the version, string ownership. */
#include <pthread.h>

#include "suite.h"

static void statuses_have_fixed_numbers_and_texts(void) {
    static const struct {
        glance_status status;
        unsigned number;
        const char *text;
    } table[] = {
        {GLANCE_OK, 0, "success"},
        {GLANCE_DONE, 1, "no more items"},
        {GLANCE_NULL_ARG, 10, "a pointer argument was NULL"},
        {GLANCE_INVALID_UTF8, 11, "a string argument was not valid UTF-8"},
        {GLANCE_INVALID_ARG, 12, "invalid argument"},
        {GLANCE_ABORTED, 13, "aborted by a callback"},
        {GLANCE_PANIC, 14, "internal error in glance-client"},
        {GLANCE_CONFIG, 20, "configuration error"},
        {GLANCE_IO, 21, "local file error"},
        {GLANCE_NO_MATCH, 22, "no match"},
        {GLANCE_AMBIGUOUS, 23, "ambiguous name"},
        {GLANCE_TRANSPORT, 30, "connection failed"},
        {GLANCE_TIMEOUT, 31, "timeout"},
        {GLANCE_TLS, 32, "TLS error"},
        {GLANCE_INVALID_RESPONSE, 33, "invalid response from the server"},
        {GLANCE_NOT_A_MEMBER, 50, "not a member of the image"},
        {GLANCE_ALREADY_MEMBER, 51, "already a member of the image"},
        {GLANCE_UNSHARABLE, 52, "image cannot be shared (visibility is not 'shared')"},
        {GLANCE_MEMBER_STATUS_FORBIDDEN, 53, "only the member project may accept or reject"},
        {GLANCE_NO_SUCH_CONTAINER, 54, "no such container"},
        {GLANCE_TASK_FAILED, 55, "task failed"},
        {GLANCE_BAD_REQUEST, 400, "bad request (HTTP 400)"},
        {GLANCE_UNAUTHORIZED, 401, "unauthorized (HTTP 401)"},
        {GLANCE_FORBIDDEN, 403, "forbidden (HTTP 403)"},
        {GLANCE_NOT_FOUND, 404, "not found (HTTP 404)"},
        {GLANCE_CONFLICT, 409, "conflict (HTTP 409)"},
        {GLANCE_TOO_LARGE, 413, "too large (HTTP 413)"},
        {GLANCE_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported media type (HTTP 415)"},
        {GLANCE_SERVICE_UNAVAILABLE, 503, "service unavailable (HTTP 503)"},
        {GLANCE_HTTP, 600, "HTTP error"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        CHECK((unsigned)table[i].status == table[i].number);
        CHECK_STR(glance_status_str(table[i].status), table[i].text);
    }
    CHECK_STR(glance_status_str(2), "unknown status");
    CHECK_STR(glance_status_str(0xffffffffu), "unknown status");
}

static void version_matches_the_header(void) {
    CHECK_STR(glance_version(), GLANCE_VERSION);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", GLANCE_VERSION_MAJOR, GLANCE_VERSION_MINOR,
             GLANCE_VERSION_PATCH);
    CHECK_STR(GLANCE_VERSION, expected);
    CHECK(GLANCE_VERSION_NUMBER ==
          GLANCE_VERSION_MAJOR * 10000 + GLANCE_VERSION_MINOR * 100 + GLANCE_VERSION_PATCH);
}

static void last_error_follows_the_latest_call(void) {
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_set_limit(opts, 5));
    CHECK(glance_error_last() == NULL);

    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_marker(opts, NULL));
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'marker' is NULL");
    /* Getters leave the last error alone. */
    CHECK(glance_image_id(NULL) == NULL);
    CHECK(glance_image_page_count(NULL) == 0);
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'marker' is NULL");

    EXPECT(GLANCE_INVALID_UTF8, glance_list_opts_set_marker(opts, INVALID_UTF8));
    CHECK_ERROR(GLANCE_INVALID_UTF8, 0, false, "'marker' is not UTF-8 (bad byte at offset 4)");

    OK(glance_list_opts_set_marker(opts, "fine"));
    CHECK(glance_error_last() == NULL);
    glance_list_opts_free(opts);

    /* The getters accept NULL. */
    CHECK(glance_error_status(NULL) == GLANCE_NULL_ARG);
    CHECK(glance_error_message(NULL) == NULL);
    CHECK(glance_error_http_status(NULL) == 0);
    CHECK(glance_error_request_id(NULL) == NULL);
    glance_string_free(NULL);
}

/* Each thread has its own last error; one client serves many threads. */
struct worker {
    glance_client *client;
    const char *image_id;
    glance_status failing, succeeding;
    glance_status error_seen;
    int images_matched;
};

static void *worker_run(void *arg) {
    struct worker *w = arg;
    w->failing = glance_image_get(w->client, "", &(glance_image *){NULL});
    const glance_error *mine = glance_error_last();
    w->error_seen = mine ? glance_error_status(mine) : GLANCE_OK;
    for (int i = 0; i < 3; i++) {
        glance_image *image = NULL;
        w->succeeding = glance_image_get(w->client, w->image_id, &image);
        if (w->succeeding != GLANCE_OK) return NULL;
        w->images_matched += strcmp(glance_image_id(image), w->image_id) == 0;
        glance_image_free(image);
    }
    return NULL;
}

static void threads_share_a_client(void) {
    glance_client *client = demo_client();
    EXPECT(GLANCE_NOT_FOUND, glance_image_get(client, "no-such-image-in-main-thread",
                                              &(glance_image *){NULL}));
    struct worker workers[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        workers[i] = (struct worker){client, env("GLANCE_C_ACTIVE_ID"), GLANCE_OK, GLANCE_OK,
                                     GLANCE_OK, 0};
        CHECK(pthread_create(&threads[i], NULL, worker_run, &workers[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(workers[i].failing == GLANCE_INVALID_ARG);
        CHECK(workers[i].error_seen == GLANCE_INVALID_ARG);
        CHECK(workers[i].succeeding == GLANCE_OK);
        CHECK(workers[i].images_matched == 3);
    }
    /* The workers' failures and successes did not touch this thread's error. */
    CHECK_ERROR(GLANCE_NOT_FOUND, 404, true, "no-such-image-in-main-thread");
    glance_client_free(client);
    glance_client_free(NULL);
}

void test_errors(void) {
    statuses_have_fixed_numbers_and_texts();
    version_matches_the_header();
    last_error_follows_the_latest_call();
    threads_share_a_client();
}
