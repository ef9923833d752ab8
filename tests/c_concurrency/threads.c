/* 16 threads share one glance_client and make CALLS mixed calls between
 * them (tests/c_concurrency.rs runs this against the test double and the
 * real Glance, plain, under ASan+UBSan and under ThreadSanitizer).
 *
 * Settings come from the environment: GLANCE_CC_AUTH_URL, _USER, _PASSWORD,
 * _PROJECT, _REGION (optional), _SHARED_ID, _OWN_IDS (16 ids, comma
 * separated), _PROPERTY (key=value every fixture image has), _PAGE_LIMIT and
 * _LISTED (how many images the listing finds). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glance.h"

#define THREADS 16
#define CALLS 10000
#define PER_THREAD (CALLS / THREADS)

static const glance_client *client;
static const char *shared_id;
static char *own_ids[THREADS];
static char property_key[128], property_value[256];
static uint32_t page_limit;
static size_t listed;
static atomic_uint errors;

static const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL) {
        fprintf(stderr, "%s is not set\n", name);
        exit(2);
    }
    return value;
}

static void report(unsigned t, unsigned call, const char *what, glance_status s) {
    unsigned n = atomic_fetch_add(&errors, 1);
    if (n < 10) {
        const glance_error *e = glance_error_last();
        fprintf(stderr, "thread %u call %u %s: %s: %s\n", t, call, what, glance_status_str(s),
                e ? glance_error_message(e) : "");
    }
}

static glance_list_opts *listing(void) {
    glance_list_opts *opts = glance_list_opts_new();
    glance_list_opts_set_limit(opts, page_limit);
    glance_list_opts_add_property(opts, property_key, property_value);
    return opts;
}

static void *work(void *arg) {
    unsigned t = (unsigned)(size_t)arg;
    char created[64] = "";
    for (unsigned call = 0; call < PER_THREAD; call++) {
        unsigned slot = call % 20;
        glance_status s = GLANCE_OK;
        if (slot <= 8) {
            glance_image *image = NULL;
            s = glance_image_get(client, shared_id, &image);
            if (s == GLANCE_OK && strcmp(glance_image_id(image), shared_id) != 0) s = GLANCE_HTTP;
            glance_image_free(image);
            if (s != GLANCE_OK) report(t, call, "get", s);
        } else if (slot <= 12) {
            glance_list_opts *opts = listing();
            glance_image_page *page = NULL;
            s = glance_image_list(client, opts, &page);
            if (s == GLANCE_OK && glance_image_page_count(page) != page_limit) s = GLANCE_HTTP;
            glance_image_page_free(page);
            glance_list_opts_free(opts);
            if (s != GLANCE_OK) report(t, call, "list", s);
        } else if (slot <= 14) {
            glance_list_opts *opts = listing();
            glance_image_iter *iter = NULL;
            s = glance_image_iter_new(client, opts, &iter);
            size_t n = 0;
            glance_image *image = NULL;
            while (s == GLANCE_OK && (s = glance_image_iter_next(iter, &image)) == GLANCE_OK) {
                n++;
                glance_image_free(image);
            }
            if (s == GLANCE_DONE) s = n == listed ? GLANCE_OK : GLANCE_HTTP;
            glance_image_iter_free(iter);
            glance_list_opts_free(opts);
            if (s != GLANCE_OK) report(t, call, "iterate", s);
        } else if (slot <= 17) {
            char value[64];
            snprintf(value, sizeof value, "%u-%u", t, call);
            glance_image_patch *patch = glance_image_patch_new();
            glance_image_patch_replace(patch, "counter", value);
            glance_image *image = NULL;
            s = glance_image_update(client, own_ids[t], patch, &image);
            if (s == GLANCE_OK) {
                const char *got = glance_image_property(image, "counter");
                if (got == NULL || strcmp(got, value) != 0) s = GLANCE_HTTP;
            }
            glance_image_free(image);
            glance_image_patch_free(patch);
            if (s != GLANCE_OK) report(t, call, "patch", s);
        } else if (slot == 18) {
            char name[128];
            snprintf(name, sizeof name, "%s-c-t%u-c%u", shared_id, t, call);
            glance_image_create_opts *opts = glance_image_create_opts_new();
            glance_image_create_opts_set_name(opts, name);
            glance_image_create_opts_set_visibility(opts, "private");
            glance_image *image = NULL;
            s = glance_image_create(client, opts, &image);
            if (s == GLANCE_OK) snprintf(created, sizeof created, "%s", glance_image_id(image));
            glance_image_free(image);
            glance_image_create_opts_free(opts);
            if (s != GLANCE_OK) report(t, call, "create", s);
        } else if (created[0] != 0) {
            s = glance_image_delete(client, created);
            created[0] = 0;
            if (s != GLANCE_OK) report(t, call, "delete", s);
        }
    }
    return NULL;
}

int main(void) {
    glance_config *config = glance_config_new();
    glance_config_set_password(config, env("GLANCE_CC_AUTH_URL"), env("GLANCE_CC_USER"),
                               env("GLANCE_CC_PASSWORD"), env("GLANCE_CC_PROJECT"));
    if (getenv("GLANCE_CC_REGION") != NULL) glance_config_set_region(config, getenv("GLANCE_CC_REGION"));
    glance_config_disable_proxy(config);
    glance_client *owned = NULL;
    if (glance_config_build(config, &owned) != GLANCE_OK) {
        fprintf(stderr, "client: %s\n", glance_error_message(glance_error_last()));
        return 2;
    }
    client = owned;
    shared_id = env("GLANCE_CC_SHARED_ID");
    char *ids = strdup(env("GLANCE_CC_OWN_IDS"));
    char *save = NULL;
    for (int t = 0; t < THREADS; t++) {
        own_ids[t] = strtok_r(t == 0 ? ids : NULL, ",", &save);
        if (own_ids[t] == NULL) {
            fprintf(stderr, "GLANCE_CC_OWN_IDS needs %d ids\n", THREADS);
            return 2;
        }
    }
    const char *property = env("GLANCE_CC_PROPERTY");
    const char *eq = strchr(property, '=');
    if (eq == NULL) return 2;
    snprintf(property_key, sizeof property_key, "%.*s", (int)(eq - property), property);
    snprintf(property_value, sizeof property_value, "%s", eq + 1);
    page_limit = (uint32_t)strtoul(env("GLANCE_CC_PAGE_LIMIT"), NULL, 10);
    listed = (size_t)strtoul(env("GLANCE_CC_LISTED"), NULL, 10);

    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        if (pthread_create(&threads[t], NULL, work, (void *)t) != 0) return 2;
    }
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    glance_client_free(owned);
    free(ids);
    unsigned failed = atomic_load(&errors);
    printf("%d threads, %d calls, %u errors\n", THREADS, THREADS * PER_THREAD, failed);
    return failed == 0 ? 0 : 1;
}
