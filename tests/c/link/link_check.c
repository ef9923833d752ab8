/* Linked the way users link (installed header, pkg-config, static or shared):
 * the library answers, agrees with its header, and builds a client. */
#include <glance.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    if (strcmp(glance_version(), GLANCE_VERSION) != 0) {
        fprintf(stderr, "library %s, header %s\n", glance_version(), GLANCE_VERSION);
        return 1;
    }
    glance_config *config = glance_config_new();
    glance_client *client = NULL;
    if (glance_config_set_endpoint(config, "http://127.0.0.1:9292") != GLANCE_OK ||
        glance_config_set_token(config, "token") != GLANCE_OK ||
        glance_config_build(config, &client) != GLANCE_OK) {
        fprintf(stderr, "%s\n", glance_error_message(glance_error_last()));
        return 1;
    }
    glance_client_free(client);
    printf("linked glance-client %s\n", glance_version());
    return 0;
}
