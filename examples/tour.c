/* A tour of glance-client from C, against the local cloud (scripts/tour
 * builds and runs it; `scripts/local-cloud env` has the settings it reads).
 *
 * Each step prints what it did; any failure prints the library's error
 * (message, HTTP status, request id), removes what the tour made, and exits 1.
 */
#include <glance.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static glance_client *demo;        /* the image's owner */
static glance_object_store *swift; /* demo's object storage */
/* What the tour made, to clean up whatever happens. */
static char image_id[64], imported_id[64], container[128], object[256];

static void delete_image(char *id) {
    if (id[0] != '\0' && glance_image_delete(demo, id) == GLANCE_OK) {
        printf("   deleted image %s\n", id);
    }
    id[0] = '\0';
}

static void cleanup(void) {
    if (demo == NULL) return;
    delete_image(image_id);
    delete_image(imported_id);
    if (swift != NULL && object[0] != '\0' &&
        glance_object_delete(swift, container, object) == GLANCE_OK) {
        printf("   deleted object %s/%s\n", container, object);
    }
    if (swift != NULL && container[0] != '\0' &&
        glance_container_delete(swift, container) == GLANCE_OK) {
        printf("   deleted container %s\n", container);
    }
    object[0] = container[0] = '\0';
}

/* Stops the tour when a call failed, with everything the library knows. */
static void check(glance_status status, const char *what) {
    if (status == GLANCE_OK) return;
    const glance_error *error = glance_error_last();
    const char *request_id = glance_error_request_id(error);
    fprintf(stderr, "\nFAILED: %s\n  %s (status %u)\n  %s\n", what, glance_status_str(status),
            (unsigned)status, error ? glance_error_message(error) : "");
    if (glance_error_http_status(error) != 0) {
        fprintf(stderr, "  HTTP %u, request id %s\n", (unsigned)glance_error_http_status(error),
                request_id ? request_id : "(none)");
    }
    cleanup();
    exit(1);
}

static void step(int number, const char *title) {
    printf("\n== %d. %s\n", number, title);
}

static const char *or_dash(const char *text) {
    return text ? text : "-";
}

/* A client for a cloud of clouds.yaml. */
static glance_client *sign_in(const char *cloud) {
    glance_config *config = NULL;
    check(glance_config_from_cloud(cloud, &config), "reading clouds.yaml");
    check(glance_config_set_user_agent_suffix(config, "glance-tour"), "configuring");
    glance_client *client = NULL;
    check(glance_config_build(config, &client), "building the client");
    return client;
}

static char *project_of(glance_client *client) {
    char *project = NULL;
    check(glance_client_project_id(client, &project), "authenticating");
    return project;
}

static void list_active_images(void) {
    glance_list_opts *opts = glance_list_opts_new();
    check(glance_list_opts_set_status(opts, "active"), "filtering");
    check(glance_list_opts_set_limit(opts, 3), "setting the page size");
    check(glance_list_opts_add_sort(opts, "created_at", "desc"), "sorting");
    glance_image_page *page = NULL;
    check(glance_image_list(demo, opts, &page), "listing images");
    glance_list_opts_free(opts);
    if (glance_image_page_count(page) == 0) printf("   (no active image yet)\n");
    for (int number = 1; page != NULL && number <= 3; number++) {
        if (glance_image_page_count(page) > 0) printf("   page %d:\n", number);
        for (size_t i = 0; i < glance_image_page_count(page); i++) {
            const glance_image *image = glance_image_page_get(page, i);
            uint64_t size = 0;
            bool sized = glance_image_size(image, &size);
            printf("     %s  %-40.40s %10llu bytes\n", glance_image_id(image),
                   or_dash(glance_image_name(image)), sized ? (unsigned long long)size : 0ULL);
        }
        const char *next = glance_image_page_next(page);
        glance_image_page *following = NULL;
        if (next != NULL && number < 3) {
            check(glance_image_list_at(demo, next, &following), "fetching the next page");
        } else if (next != NULL) {
            printf("   (more pages follow; glance_image_iter_next walks them all)\n");
        }
        glance_image_page_free(page);
        page = following;
    }
}

static void create_image(const char *name) {
    glance_image_create_opts *opts = glance_image_create_opts_new();
    check(glance_image_create_opts_set_name(opts, name), "naming");
    check(glance_image_create_opts_set_disk_format(opts, "raw"), "choosing the disk format");
    check(glance_image_create_opts_set_container_format(opts, "bare"), "choosing the container");
    check(glance_image_create_opts_set_visibility(opts, "private"), "choosing the visibility");
    check(glance_image_create_opts_set_property(opts, "os_distro", "tour-linux"), "a property");
    glance_image *image = NULL;
    check(glance_image_create(demo, opts, &image), "creating the image");
    glance_image_create_opts_free(opts);
    snprintf(image_id, sizeof image_id, "%s", glance_image_id(image));
    printf("   created %s \"%s\": %s, %s, os_distro=%s\n", image_id, glance_image_name(image),
           glance_image_status(image), glance_image_visibility(image),
           or_dash(glance_image_property(image, "os_distro")));
    glance_image_free(image);
}

#define DATA_MIB 16u

/* Prints the upload's progress; returning GLANCE_CB_ABORT would stop it. */
static int show_progress(void *userdata, uint64_t done, uint64_t total) {
    (void)userdata;
    printf("   uploaded %5.1f of %.1f MiB\n", done / 1048576.0, total / 1048576.0);
    return GLANCE_CB_CONTINUE;
}

static void upload_data(void) {
    size_t size = DATA_MIB * 1024u * 1024u;
    uint8_t *data = malloc(size);
    if (data == NULL) {
        fprintf(stderr, "out of memory\n");
        cleanup();
        exit(1);
    }
    for (size_t i = 0; i < size; i++) data[i] = (uint8_t)(i * 2654435761u >> 24);
    glance_transfer_opts *opts = glance_transfer_opts_new();
    check(glance_transfer_opts_set_progress(opts, show_progress, NULL), "asking for progress");
    glance_image *image = NULL;
    check(glance_image_upload_buffer(demo, image_id, data, size, opts, &image), "uploading");
    glance_transfer_opts_free(opts);
    free(data);
    printf("   %s is %s: %s %s, md5 %s (verified while uploading)\n", image_id,
           glance_image_status(image), or_dash(glance_image_os_hash_algo(image)),
           or_dash(glance_image_os_hash_value(image)) , or_dash(glance_image_checksum(image)));
    glance_image_free(image);
}

static void share_with(glance_client *alt, const char *alt_project, const char *name) {
    glance_image_patch *patch = glance_image_patch_new();
    check(glance_image_patch_replace(patch, "visibility", "shared"), "preparing the update");
    glance_image *image = NULL;
    check(glance_image_update(demo, image_id, patch, &image), "making the image shareable");
    glance_image_patch_free(patch);
    printf("   visibility is now %s\n", glance_image_visibility(image));
    glance_image_free(image);

    glance_member *member = NULL;
    check(glance_member_add(demo, image_id, alt_project, &member), "sharing with alt_demo");
    printf("   demo shared it with project %s: %s\n", glance_member_member_id(member),
           glance_member_status(member));
    glance_member_free(member);

    check(glance_member_update_own_status(alt, image_id, "accepted", &member),
          "accepting as alt_demo");
    printf("   alt_demo answered: %s\n", glance_member_status(member));
    glance_member_free(member);

    glance_list_opts *opts = glance_list_opts_new();
    check(glance_list_opts_set_name(opts, name), "filtering by name");
    glance_image_iter *iter = NULL;
    check(glance_image_iter_new(alt, opts, &iter), "listing as alt_demo");
    glance_list_opts_free(opts);
    glance_image *seen = NULL;
    glance_status status = glance_image_iter_next(iter, &seen);
    if (status == GLANCE_DONE) {
        fprintf(stderr, "\nFAILED: alt_demo does not list the shared image\n");
        glance_image_iter_free(iter);
        cleanup();
        exit(1);
    }
    check(status, "listing as alt_demo");
    printf("   alt_demo lists it: %s \"%s\" owned by %s\n", glance_image_id(seen),
           glance_image_name(seen), glance_image_owner(seen));
    glance_image_free(seen);
    glance_image_iter_free(iter);
}

static void tag(void) {
    check(glance_tag_add(demo, image_id, "tour"), "tagging");
    check(glance_tag_add(demo, image_id, "made in C"), "tagging");
    glance_image *image = NULL;
    check(glance_image_get(demo, image_id, &image), "reading the image back");
    printf("   tags:");
    for (size_t i = 0; i < glance_image_tag_count(image); i++) {
        printf(" \"%s\"", glance_image_tag(image, i));
    }
    printf("\n");
    glance_image_free(image);
}

static void export_and_import(const char *name) {
    check(glance_object_store_new(demo, &swift), "finding object storage");
    snprintf(container, sizeof container, "%s-export", name);
    check(glance_container_create(swift, container), "creating the container");
    /* A temp URL key lets Glance fetch the object itself (web-download). */
    check(glance_container_set_temp_url_key(swift, container, "tour-secret-key"), "setting a key");
    char *exported = NULL;
    check(glance_image_export_to_container(demo, image_id, swift, container, NULL, 0, &exported),
          "exporting");
    snprintf(object, sizeof object, "%s", exported);
    glance_string_free(exported);
    printf("   exported %s to %s/%s\n", image_id, container, object);

    char imported_name[128];
    snprintf(imported_name, sizeof imported_name, "%s-imported", name);
    glance_image *image = NULL;
    check(glance_image_import_from_container(demo, swift, container, object, imported_name,
                                             GLANCE_IMPORT_VIA_WEB_DOWNLOAD, &image),
          "importing it back");
    snprintf(imported_id, sizeof imported_id, "%s", glance_image_id(image));
    glance_image *original = NULL;
    check(glance_image_get(demo, image_id, &original), "reading the original");
    printf("   imported as %s \"%s\": %s, os_distro=%s\n", imported_id, glance_image_name(image),
           glance_image_status(image), or_dash(glance_image_property(image, "os_distro")));
    bool same = strcmp(or_dash(glance_image_os_hash_value(image)),
                       or_dash(glance_image_os_hash_value(original))) == 0;
    glance_image_free(original);
    if (!same) {
        fprintf(stderr, "\nFAILED: the imported image's data differs from the original's\n");
        glance_image_free(image);
        cleanup();
        exit(1);
    }
    printf("   same data as the original: yes (same sha512)\n");
    glance_image_free(image);
}

/* Prints `"key": value` of the first object in `json` that has it: a string
 * or a nested object, taken as written (enough for the tour; a program would
 * use a JSON parser). */
static void print_field(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    if (at == NULL) return;
    const char *value = at + strlen(pattern), *end = value;
    int depth = 0;
    bool in_string = false;
    for (; *end != '\0'; end++) {
        if (in_string) {
            if (*end == '\\' && end[1] != '\0') end++;
            else if (*end == '"') in_string = false;
            if (!in_string && depth == 0) { end++; break; }
        } else if (*end == '"') {
            in_string = true;
        } else if (*end == '{' || *end == '[') {
            depth++;
        } else if (*end == '}' || *end == ']') {
            if (--depth <= 0) { end++; break; }
        } else if (*end == ',' && depth == 0) {
            break;
        }
    }
    printf("     %-8s %.*s\n", key, (int)(end - value), value);
}

static void show_import_task(void) {
    char *tasks = NULL;
    check(glance_image_tasks_json(demo, imported_id, &tasks), "reading the import's tasks");
    printf("   the import task of %s (glance_image_tasks_json has them all):\n", imported_id);
    print_field(tasks, "type");
    print_field(tasks, "status");
    print_field(tasks, "message");
    print_field(tasks, "result");
    print_field(tasks, "request_id");
    glance_string_free(tasks);
}

int main(void) {
    printf("glance-client %s: a tour from C\n", glance_version());

    step(1, "Sign in from clouds.yaml (clouds demo and alt_demo)");
    demo = sign_in("demo");
    glance_client *alt = sign_in("alt_demo");
    char *project = project_of(demo);
    char *alt_project = project_of(alt);
    char *endpoint = NULL;
    check(glance_client_endpoint_url(demo, "image", &endpoint), "finding the Image service");
    printf("   demo: project %s, Image service at %s (from the catalog)\n", project, endpoint);
    printf("   alt_demo: project %s\n", alt_project);

    step(2, "List active images, newest first, 3 per page");
    list_active_images();

    step(3, "Create an image and upload 16 MiB of data, with progress");
    char name[96];
    snprintf(name, sizeof name, "tour-%ld", (long)time(NULL));
    create_image(name);
    upload_data();

    step(4, "Share it with alt_demo, who accepts and then sees it");
    share_with(alt, alt_project, name);

    step(5, "Tag it");
    tag();

    step(6, "Export it to an object-storage container and import it back");
    export_and_import(name);

    step(7, "The import task's result");
    show_import_task();

    step(8, "Clean up");
    cleanup();
    glance_object_store_free(swift);
    glance_string_free(project);
    glance_string_free(alt_project);
    glance_string_free(endpoint);
    glance_client_free(alt);
    glance_client_free(demo);
    printf("\nThe tour is over: every step worked.\n");
    return 0;
}
