/* openstacksdk's create, from the real cloud: the stamped digests, the image
 * found again instead of uploaded twice, duplicates when asked for. */
#include "suite.h"

void test_openstacksdk(void) {
    glance_client *client = demo_client();
    char name[128], path[256];
    unique_name(name, sizeof name, "sdk-create");
    snprintf(path, sizeof path, "/tmp/%s.raw", name);
    FILE *file = fopen(path, "wb");
    CHECK(file != NULL);
    fputs("abc", file);
    fclose(file);

    glance_image_create_opts *opts = run_opts(name);
    glance_image *first = SENTINEL(glance_image);
    OK(glance_image_create_like_openstacksdk(client, opts, path, NULL, NULL, false, &first));
    CHECK_STR(glance_image_status(first), "active");
    CHECK_STR(glance_image_property(first, "owner_specified.openstack.md5"),
              "900150983cd24fb0d6963f7d28e17f72");
    CHECK_STR(glance_image_property(first, "owner_specified.openstack.sha256"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char object[160];
    snprintf(object, sizeof object, "images/%s", name);
    CHECK_STR(glance_image_property(first, "owner_specified.openstack.object"), object);

    glance_image *again = NULL;
    OK(glance_image_create_like_openstacksdk(client, opts, path, NULL, NULL, false, &again));
    CHECK_STR(glance_image_id(again), glance_image_id(first));
    glance_image *duplicate = NULL;
    OK(glance_image_create_like_openstacksdk(client, opts, path, NULL, NULL, true, &duplicate));
    CHECK(strcmp(glance_image_id(duplicate), glance_image_id(first)) != 0);
    glance_image *unused = SENTINEL(glance_image);
    EXPECT(GLANCE_AMBIGUOUS,
           glance_image_create_like_openstacksdk(client, opts, path, NULL, NULL, false, &unused));
    EXPECT(GLANCE_NULL_ARG,
           glance_image_create_like_openstacksdk(client, opts, NULL, NULL, NULL, false, &unused));
    CHECK(unused == SENTINEL(glance_image));

    OK(glance_image_delete(client, glance_image_id(duplicate)));
    OK(glance_image_delete(client, glance_image_id(first)));
    glance_image_free(duplicate);
    glance_image_free(again);
    glance_image_free(first);
    glance_image_create_opts_free(opts);
    remove(path);
    glance_client_free(client);
}
