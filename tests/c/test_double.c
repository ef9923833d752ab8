/* What a real server cannot be made to do, from the test double: each HTTP
 * failure with its status, message and request id; bodies that do not fit. */
#include "suite.h"

#include <pthread.h>
#include <time.h>

static void get_fails(glance_client *client, const char *id, glance_status status,
                      uint16_t http, bool with_request_id, const char *part) {
    glance_image *image = SENTINEL(glance_image);
    EXPECT(status, glance_image_get(client, id, &image));
    CHECK(image == SENTINEL(glance_image));
    CHECK_ERROR(status, http, with_request_id, part);
}

/* Issue 13, item 11: a worker cancelled while it waits in a call (the double
 * stalls 3 s). Cancellation acting inside the call aborted the process
 * ("FATAL: exception not rethrown"); the library keeps it off for the call,
 * and the cancellation acts at the worker's next cancellation point. */
struct stalled_call {
    glance_client *client;
    volatile bool returned;
    glance_status status;
};

static void *call_the_stalling_double(void *arg) {
    struct stalled_call *call = arg;
    glance_image *image = NULL;
    call->status = glance_image_get(call->client, "stall", &image);
    glance_image_free(image);
    call->returned = true;
    pthread_testcancel();
    return NULL;
}

static void a_cancelled_worker_does_not_abort_the_process(glance_client *client) {
    struct stalled_call call = {client, false, GLANCE_PANIC};
    pthread_t worker;
    CHECK(pthread_create(&worker, NULL, call_the_stalling_double, &call) == 0);
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK(pthread_cancel(worker) == 0);
    void *result = NULL;
    CHECK(pthread_join(worker, &result) == 0);
    CHECK(result == PTHREAD_CANCELED);
    CHECK(call.returned && call.status == GLANCE_OK);
}

/* Issue 15: behind a front end that refuses chunked bodies (411 before
 * reading them, as uWSGI and Apache's mod_proxy_uwsgi do: the double under
 * /uwsgi/), the default framing's chunked upload is sent again with
 * Content-Length, for an upload and a stage. */
static void a_refused_chunked_upload_falls_back(void) {
    char endpoint[512];
    snprintf(endpoint, sizeof endpoint, "%s/uwsgi", getenv("GLANCE_C_DOUBLE_URL"));
    glance_config *config = glance_config_new();
    CHECK(config != NULL);
    OK(glance_config_set_endpoint(config, endpoint));
    OK(glance_config_set_token(config, "double-token"));
    OK(glance_config_disable_proxy(config));
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    uint8_t data[5000];
    memset(data, 42, sizeof data);
    OK(glance_image_stage_buffer(client, "framed", data, sizeof data, NULL));
    glance_image *image = NULL;
    OK(glance_image_upload_buffer(client, "framed", data, sizeof data, NULL, &image));
    CHECK_STR(glance_image_id(image), "framed");
    glance_image_free(image);
    glance_client_free(client);
}

void test_double(void) {
    glance_client *client = double_client();
    get_fails(client, "e500", GLANCE_HTTP, 500, true, "returned 500: boom (request id req-double)");
    get_fails(client, "e413", GLANCE_TOO_LARGE, 413, true, "too big");
    get_fails(client, "e418", GLANCE_HTTP, 418, true, "teapot");
    get_fails(client, "missing", GLANCE_NOT_FOUND, 404, true, "the double has no GET");
    get_fails(client, "bad-json", GLANCE_INVALID_RESPONSE, 0, true, "not the expected JSON");
    CHECK_STR(glance_error_request_id(glance_error_last()), "req-bad-json");
    get_fails(client, "redirect", GLANCE_HTTP, 302, false, "redirect to http://127.0.0.1:1/elsewhere refused");

    /* A NUL inside a string: the getter cannot lend it, the JSON has it. */
    glance_image *image = NULL;
    OK(glance_image_get(client, "nul-name", &image));
    CHECK_STR(glance_image_id(image), "nul-name");
    CHECK(glance_image_name(image) == NULL);
    CHECK(glance_image_property(image, "name") == NULL);
    char *json = NULL;
    OK(glance_image_to_json(image, &json));
    CHECK_CONTAINS(json, "\"name\":\"a\\u0000b\"");
    glance_string_free(json);
    glance_image_free(image);

    /* A NUL inside an id: the server's invalid response, never an image whose
     * glance_image_id is the NULL its contract rules out. */
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_INVALID_RESPONSE, glance_image_get(client, "nul-id", &image));
    CHECK_ERROR(GLANCE_INVALID_RESPONSE, 0, true, "NUL byte");
    CHECK(image == SENTINEL(glance_image));
    a_cancelled_worker_does_not_abort_the_process(client);
    glance_client_free(client);
    a_refused_chunked_upload_falls_back();
}
