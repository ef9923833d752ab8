/* One GET over HTTPS with the trust the environment and the arguments give:
 * trust_probe URL [CA_FILE]. Prints "ok <image id>", or the status and the
 * library's message, so tests/system_trust.rs can check what a C program sees. */
#include <glance.h>
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: trust_probe URL [CA_FILE]\n");
        return 2;
    }
    glance_config *config = glance_config_new();
    glance_client *client = NULL;
    glance_image *image = NULL;
    glance_status status = glance_config_set_endpoint(config, argv[1]);
    if (status == GLANCE_OK) status = glance_config_set_token(config, "trust-token");
    if (status == GLANCE_OK) status = glance_config_disable_proxy(config);
    if (status == GLANCE_OK) status = glance_config_set_retry(config, 1, 0, 0);
    if (status == GLANCE_OK && argc == 3) status = glance_config_set_ca_file(config, argv[2]);
    if (status == GLANCE_OK) {
        status = glance_config_build(config, &client);
    } else {
        glance_config_free(config);
    }
    if (status == GLANCE_OK) status = glance_image_get(client, "i1", &image);
    if (status == GLANCE_OK) {
        printf("ok %s\n", glance_image_id(image));
    } else {
        printf("%s %s\n", glance_status_str(status), glance_error_message(glance_error_last()));
    }
    glance_image_free(image);
    glance_client_free(client);
    return status == GLANCE_OK ? 0 : 1;
}
