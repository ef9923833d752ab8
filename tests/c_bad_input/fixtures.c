/* Fixtures and checks of the bad-input run; see fixtures.h. */
#define _POSIX_C_SOURCE 200809L
#include "fixtures.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *fx_double_url;
unsigned fx_cases, fx_failures;
static const char *current = "(none)";

const char fx_not_utf8[] = {(char)0xc3, (char)0x28, 'x', (char)0xff, 0};

const char *fx_huge(void) {
    static char *huge;
    if (huge == NULL) {
        size_t n = 1u << 20;
        huge = malloc(n + 1);
        if (huge == NULL) abort();
        memset(huge, 'a', n);
        huge[n] = 0;
    }
    return huge;
}

static void setup_failed(const char *what, glance_status status) {
    const glance_error *e = glance_error_last();
    fprintf(stderr, "fixture %s failed: %s: %s\n", what, glance_status_str(status),
            e ? glance_error_message(e) : "");
    exit(2);
}

#define SETUP(what, call) \
    do { glance_status s_ = (call); if (s_ != GLANCE_OK) setup_failed(what, s_); } while (0)

glance_config *fx_new_config(void) {
    glance_config *config = glance_config_new();
    if (config == NULL) setup_failed("glance_config_new", GLANCE_PANIC);
    SETUP("endpoint", glance_config_set_endpoint(config, fx_double_url));
    SETUP("token", glance_config_set_token(config, "bad-input-token"));
    SETUP("proxy", glance_config_disable_proxy(config));
    SETUP("retry", glance_config_set_retry(config, 1, 1, 1));
    SETUP("stall", glance_config_set_stall_timeout_ms(config, 10000));
    return config;
}

glance_client *fx_new_client(void) {
    glance_client *client = NULL;
    SETUP("build", glance_config_build(fx_new_config(), &client));
    return client;
}

glance_image *fx_new_image(void) {
    glance_image *image = NULL;
    SETUP("image", glance_image_get(fx_client(), "img-1", &image));
    return image;
}

glance_image_page *fx_new_image_page(void) {
    glance_image_page *page = NULL;
    SETUP("image page", glance_image_list(fx_client(), glance_list_opts_new(), &page));
    return page;
}

glance_image_iter *fx_new_image_iter(void) {
    glance_image_iter *iter = NULL;
    SETUP("image iter", glance_image_iter_new(fx_client(), glance_list_opts_new(), &iter));
    return iter;
}

glance_list_opts *fx_new_list_opts(void) { return glance_list_opts_new(); }
glance_image_create_opts *fx_new_image_create_opts(void) { return glance_image_create_opts_new(); }

glance_image_patch *fx_new_image_patch(void) {
    glance_image_patch *patch = glance_image_patch_new();
    SETUP("patch", glance_image_patch_replace(patch, "name", "n"));
    return patch;
}

glance_member *fx_new_member(void) {
    glance_member *member = NULL;
    SETUP("member", glance_member_get(fx_client(), "img-1", "project-2", &member));
    return member;
}

glance_members *fx_new_members(void) {
    glance_members *members = NULL;
    SETUP("members", glance_member_list(fx_client(), "img-1", &members));
    return members;
}

glance_task *fx_new_task(void) {
    glance_task *task = NULL;
    SETUP("task", glance_task_get(fx_client(), "task-1", &task));
    return task;
}

glance_task_page *fx_new_task_page(void) {
    glance_task_page *page = NULL;
    SETUP("task page", glance_task_list(fx_client(), glance_task_list_opts_new(), &page));
    return page;
}

glance_task_iter *fx_new_task_iter(void) {
    glance_task_iter *iter = NULL;
    SETUP("task iter", glance_task_iter_new(fx_client(), glance_task_list_opts_new(), &iter));
    return iter;
}

glance_task_list_opts *fx_new_task_list_opts(void) { return glance_task_list_opts_new(); }
glance_transfer_opts *fx_new_transfer_opts(void) { return glance_transfer_opts_new(); }
glance_import_opts *fx_new_import_opts(void) { return glance_import_opts_new(); }

glance_object_store *fx_new_object_store(void) {
    char url[512];
    snprintf(url, sizeof url, "%s/v1/AUTH_bad", fx_double_url);
    glance_object_store *store = NULL;
    SETUP("object store", glance_object_store_at(fx_client(), url, &store));
    return store;
}

glance_objects *fx_new_objects(void) {
    glance_objects *objects = NULL;
    SETUP("objects", glance_object_list(fx_object_store(), "bucket", NULL, &objects));
    return objects;
}

glance_object_info *fx_new_object_info(void) {
    glance_object_info *info = NULL;
    SETUP("object info", glance_object_info_get(fx_object_store(), "bucket", "obj", &info));
    return info;
}

glance_response *fx_new_response(void) {
    glance_response *response = NULL;
    SETUP("response", glance_request(fx_client(), "GET", "/v2/images", NULL, 0, NULL, 0, &response));
    return response;
}

const glance_error *fx_new_error(void) {
    glance_image *image = NULL;
    if (glance_image_get(fx_client(), "missing", &image) == GLANCE_OK) {
        setup_failed("error (the double found 'missing')", GLANCE_OK);
    }
    return glance_error_last();
}

int fx_task_wait_cb(void *userdata, const glance_task *task) {
    (void)userdata;
    (void)task;
    return GLANCE_CB_CONTINUE;
}

int fx_progress_cb(void *userdata, uint64_t done, uint64_t total) {
    (void)userdata;
    (void)done;
    (void)total;
    return GLANCE_CB_CONTINUE;
}

int fx_phase_progress_cb(void *userdata, uint64_t done, uint64_t total, glance_phase phase) {
    (void)userdata;
    (void)done;
    (void)total;
    (void)phase;
    return GLANCE_CB_CONTINUE;
}

int fx_read_cb(void *userdata, uint8_t *buffer, size_t capacity, size_t *out_len) {
    (void)userdata;
    (void)buffer;
    (void)capacity;
    *out_len = 0;
    return GLANCE_CB_CONTINUE;
}

int fx_write_cb(void *userdata, const uint8_t *data, size_t len) {
    (void)userdata;
    (void)data;
    (void)len;
    return GLANCE_CB_CONTINUE;
}

int fx_import_poll_cb(void *userdata, const glance_image *image) {
    (void)userdata;
    (void)image;
    return GLANCE_CB_CONTINUE;
}

void fx_wire_log_cb(void *userdata, const glance_wire_event *event) {
    (void)userdata;
    (void)event;
}

void fx_case(const char *name) {
    current = name;
    fx_cases++;
    printf("case %s\n", name);
    fflush(stdout);
}

static void failed(const char *detail) {
    fx_failures++;
    const glance_error *e = glance_error_last();
    printf("FAILED %s: %s (last error: %s)\n", current, detail,
           e && glance_error_message(e) ? glance_error_message(e) : "none");
    fflush(stdout);
}

static bool known(glance_status s) {
    return strcmp(glance_status_str((uint32_t)s), "unknown status") != 0;
}

void fx_status(glance_status got, enum fx_rule rule) {
    char detail[200];
    snprintf(detail, sizeof detail, "returned %u (%s)", (unsigned)got,
             glance_status_str((uint32_t)got));
    if (got == GLANCE_PANIC || !known(got)) {
        failed(detail);
        return;
    }
    if ((got != GLANCE_OK && got != GLANCE_DONE)) {
        /* A failure must leave a readable last error. */
        const glance_error *e = glance_error_last();
        if (e == NULL || glance_error_message(e) == NULL) {
            failed("a failure without a last error");
            return;
        }
    }
    bool good;
    switch (rule) {
    case FX_NULL_ARG: good = got == GLANCE_NULL_ARG; break;
    case FX_INVALID_UTF8: good = got == GLANCE_INVALID_UTF8; break;
    case FX_NOT_OK: good = got != GLANCE_OK; break;
    default: good = true; break;
    }
    if (!good) failed(detail);
}

void fx_null(const void *got) {
    if (got != NULL) failed("returned a pointer, expected NULL");
}

void fx_is_null_arg(glance_status got) {
    if (got != GLANCE_NULL_ARG) failed("expected GLANCE_NULL_ARG for a NULL error");
}

void fx_zero(uint64_t got) {
    if (got != 0) failed("returned non-zero, expected 0 / false");
}

/* Calls in the wrong order: iterators used after their end, indexes past
 * the end, getters on an error after a success. */
void fx_order_cases(void) {
    fx_case("order: image iterator used after its end");
    glance_image_iter *iter = fx_new_image_iter();
    glance_image *image = NULL;
    int guard = 0;
    while (glance_image_iter_next(iter, &image) == GLANCE_OK && guard++ < 100) {
        glance_image_free(image);
        image = NULL;
    }
    for (int i = 0; i < 3; i++) {
        glance_status s = glance_image_iter_next(iter, &image);
        fx_status(s, FX_ANY);
        if (s != GLANCE_DONE) failed("an exhausted iterator did not stay done");
    }
    glance_image_iter_free(iter);

    fx_case("order: task iterator used after its end");
    glance_task_iter *titer = fx_new_task_iter();
    glance_task *task = NULL;
    guard = 0;
    while (glance_task_iter_next(titer, &task) == GLANCE_OK && guard++ < 100) {
        glance_task_free(task);
        task = NULL;
    }
    for (int i = 0; i < 3; i++) {
        glance_status s = glance_task_iter_next(titer, &task);
        fx_status(s, FX_ANY);
        if (s != GLANCE_DONE) failed("an exhausted iterator did not stay done");
    }
    glance_task_iter_free(titer);

    fx_case("order: indexes past the end");
    fx_null(glance_image_page_get(fx_image_page(), glance_image_page_count(fx_image_page())));
    fx_null(glance_image_page_get(fx_image_page(), SIZE_MAX));
    fx_null(glance_members_get(fx_members(), SIZE_MAX));
    fx_null(glance_image_tag(fx_image(), SIZE_MAX));
    fx_null(glance_image_property_key(fx_image(), SIZE_MAX));

    fx_case("order: an iterator freed before its first use, twice NULL");
    glance_image_iter_free(fx_new_image_iter());
    glance_image_iter_free(NULL);
    glance_image_iter_free(NULL);

    fx_case("order: the last error read after a success");
    glance_image *ok = NULL;
    fx_status(glance_image_get(fx_client(), "img-1", &ok), FX_ANY);
    const glance_error *e = glance_error_last();
    if (e != NULL) (void)glance_error_message(e);
    glance_image_free(ok);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "bad-input run took longer than 600 s: a call hangs\n";
    if (write(2, msg, sizeof msg - 1) < 0) _exit(3);
    _exit(3);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <test double URL>\n", argv[0]);
        return 2;
    }
    fx_double_url = argv[1];
    signal(SIGALRM, on_alarm);
    alarm(600);
    fx_generated_cases();
    fx_order_cases();
    printf("%u cases, %u failed\n", fx_cases, fx_failures);
    return fx_failures == 0 ? 0 : 1;
}
