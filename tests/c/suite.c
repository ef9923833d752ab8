/* The suite's helpers and its entry point. */
#include "suite.h"

char suite_sentinel;
const char *const INVALID_UTF8 = "bad \xff\xfe utf-8";

void suite_fail(const char *file, int line, const char *what, const char *detail) {
    const glance_error *error = glance_error_last();
    fprintf(stderr, "\nFAILED %s:%d: %s%s%s\n", file, line, what, detail ? " " : "",
            detail ? detail : "");
    if (error) {
        const char *request_id = glance_error_request_id(error);
        fprintf(stderr, "  last error: status %u, HTTP %u, request id %s\n  %s\n",
                (unsigned)glance_error_status(error), (unsigned)glance_error_http_status(error),
                request_id ? request_id : "(none)", glance_error_message(error));
    }
    exit(1);
}

void check_last_error(const char *file, int line, glance_status status, uint16_t http_status,
                      bool with_request_id, const char *part) {
    const glance_error *error = glance_error_last();
    char detail[600];
    if (!error) suite_fail(file, line, "glance_error_last()", "is NULL after a failure");
    if (glance_error_status(error) != status) {
        snprintf(detail, sizeof detail, "is %u, expected %u", (unsigned)glance_error_status(error),
                 (unsigned)status);
        suite_fail(file, line, "glance_error_status(glance_error_last())", detail);
    }
    if (glance_error_http_status(error) != http_status) {
        snprintf(detail, sizeof detail, "is %u, expected %u",
                 (unsigned)glance_error_http_status(error), (unsigned)http_status);
        suite_fail(file, line, "glance_error_http_status(glance_error_last())", detail);
    }
    if (with_request_id != (glance_error_request_id(error) != NULL)) {
        suite_fail(file, line, "glance_error_request_id(glance_error_last())",
                   with_request_id ? "is NULL" : "is set");
    }
    const char *message = glance_error_message(error);
    if (message == NULL || strstr(message, part) == NULL) {
        snprintf(detail, sizeof detail, "\"%s\" lacks \"%s\"", message ? message : "(NULL)", part);
        suite_fail(file, line, "glance_error_message(glance_error_last())", detail);
    }
}

const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "%s is not set: run the C suite through tests/c_suite.rs "
                        "(cargo test --test c_suite -- --ignored) with the local cloud's "
                        "settings loaded\n", name);
        exit(2);
    }
    return value;
}

static glance_client *client_for(const char *endpoint, const char *token, uint32_t attempts) {
    glance_config *config = glance_config_new();
    CHECK(config != NULL);
    OK(glance_config_set_endpoint(config, endpoint));
    OK(glance_config_set_token(config, token));
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_retry(config, attempts, 1, 10));
    glance_client *client = SENTINEL(glance_client);
    OK(glance_config_build(config, &client));
    CHECK(client != NULL && client != SENTINEL(glance_client));
    return client;
}

glance_client *demo_client(void) {
    return client_for(env("GLANCE_TEST_GLANCE_URL"), env("GLANCE_C_DEMO_TOKEN"), 3);
}

glance_client *alt_client(void) {
    return client_for(env("GLANCE_TEST_GLANCE_URL"), env("GLANCE_C_ALT_TOKEN"), 3);
}

glance_client *double_client(void) {
    return client_for(env("GLANCE_C_DOUBLE_URL"), "double-token", 1);
}

glance_client *cloud_client(const char *cloud) {
    glance_config *config = NULL;
    OK(glance_config_from_cloud(cloud, &config));
    glance_client *client = SENTINEL(glance_client);
    OK(glance_config_build(config, &client));
    CHECK(client != NULL && client != SENTINEL(glance_client));
    return client;
}

void unique_name(char *buf, size_t len, const char *what) {
    static unsigned counter;
    snprintf(buf, len, "%s-%s-%u", env("GLANCE_C_RUN_ID"), what, counter++);
}

glance_image_create_opts *run_opts(const char *name) {
    glance_image_create_opts *opts = glance_image_create_opts_new();
    CHECK(opts != NULL);
    OK(glance_image_create_opts_set_name(opts, name));
    OK(glance_image_create_opts_set_disk_format(opts, "raw"));
    OK(glance_image_create_opts_set_container_format(opts, "bare"));
    OK(glance_image_create_opts_set_visibility(opts, "private"));
    OK(glance_image_create_opts_set_property(opts, "c_suite_run", env("GLANCE_C_RUN_ID")));
    return opts;
}

glance_image *create_image(glance_client *client, const char *name) {
    glance_image_create_opts *opts = run_opts(name);
    glance_image *image = NULL;
    OK(glance_image_create(client, opts, &image));
    glance_image_create_opts_free(opts);
    CHECK_STR(glance_image_name(image), name);
    return image;
}

int main(void) {
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {
        {"errors, statuses, version", test_errors},
        {"configuration", test_config},
        {"authentication", test_auth},
        {"image getters", test_image_getters},
        {"images", test_images},
        {"listing", test_listing},
        {"members", test_members},
        {"tags", test_tags},
        {"schemas", test_schema},
        {"raw requests", test_request},
        {"openstacksdk create", test_openstacksdk},
        {"object storage", test_object_store},
        {"tasks", test_tasks},
        {"export, import, copy", test_journeys},
        {"image data and import", test_image_data},
        {"create-with-data forms", test_create_with_data},
        {"glance-download between regions", test_glance_download},
        {"expected digests", test_expected_digest},
        {"web-download digests", test_web_download_digest},
        {"faults from the test double", test_double},
        {"capabilities, usage, prefer", test_info},
    };
    printf("glance-client C suite, library %s, header %s\n", glance_version(), GLANCE_VERSION);
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        printf("  %-32s", groups[i].name);
        fflush(stdout);
        groups[i].run();
        printf("ok\n");
    }
    printf("all C checks passed\n");
    return 0;
}

int on_progress(void *userdata, uint64_t done, uint64_t total) {
    struct progress_log *log = userdata;
    log->calls++;
    log->last_done = done;
    log->last_total = total;
    return log->abort_at > 0 && done >= log->abort_at ? GLANCE_CB_ABORT : GLANCE_CB_CONTINUE;
}
