/* Prints the library's version, then the id of every image of the cloud
 * "demo" named argv[1] (listed through the library, page after page). */
#include <glance.h>
#include <stdio.h>
#include <string.h>

static int fail(glance_status status) {
    const glance_error *error = glance_error_last();
    fprintf(stderr, "%s: %s\n", glance_status_str(status), glance_error_message(error));
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    if (strcmp(glance_version(), GLANCE_VERSION) != 0) {
        fprintf(stderr, "library %s, header %s\n", glance_version(), GLANCE_VERSION);
        return 1;
    }
    printf("glance-client %s from C\n", glance_version());
    glance_config *config = NULL;
    glance_client *client = NULL;
    glance_status status = glance_config_from_cloud("demo", &config);
    if (status != GLANCE_OK) return fail(status);
    status = glance_config_build(config, &client);
    if (status != GLANCE_OK) return fail(status);
    glance_list_opts *opts = glance_list_opts_new();
    glance_list_opts_set_name(opts, argv[1]);
    glance_image_iter *images = NULL;
    status = glance_image_iter_new(client, opts, &images);
    glance_list_opts_free(opts);
    glance_image *image = NULL;
    while (status == GLANCE_OK && (status = glance_image_iter_next(images, &image)) == GLANCE_OK) {
        printf("found %s\n", glance_image_id(image));
        glance_image_free(image);
    }
    glance_image_iter_free(images);
    glance_client_free(client);
    return status == GLANCE_DONE ? 0 : fail(status);
}
