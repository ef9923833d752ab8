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

static glance_client *demo;  /* the image's owner */
static char image_id[64];    /* the image the tour made, to clean up */

static void cleanup(void) {
    if (demo != NULL && image_id[0] != '\0') {
        if (glance_image_delete(demo, image_id) == GLANCE_OK) {
            printf("   deleted image %s\n", image_id);
        }
        image_id[0] = '\0';
    }
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

    step(3, "Create an image");
    char name[96];
    snprintf(name, sizeof name, "tour-%ld", (long)time(NULL));
    create_image(name);

    step(4, "Share it with alt_demo, who accepts and then sees it");
    share_with(alt, alt_project, name);

    step(5, "Tag it");
    tag();

    step(6, "Clean up");
    cleanup();
    glance_string_free(project);
    glance_string_free(alt_project);
    glance_string_free(endpoint);
    glance_client_free(alt);
    glance_client_free(demo);
    printf("\nThe tour is over: every step worked.\n");
    return 0;
}
