/* Tasks: an admin's upstream import task on the real Glance (data served by
 * the harness's double on 127.0.0.1), listings and getters; Rackspace's
 * export/import tasks, which no open-source server has, on the double. */
#include "suite.h"

/* Counts polls; stops the wait at poll number `stop_at` (0: never). */
struct polls {
    unsigned seen;
    unsigned stop_at;
    char last_status[32];
};

static int on_poll(void *userdata, const glance_task *task) {
    struct polls *polls = userdata;
    polls->seen++;
    snprintf(polls->last_status, sizeof polls->last_status, "%s", glance_task_status(task));
    return polls->stop_at != 0 && polls->seen >= polls->stop_at ? GLANCE_CB_ABORT
                                                                 : GLANCE_CB_CONTINUE;
}

static void calls_check_their_arguments(glance_client *client) {
    glance_task *task = SENTINEL(glance_task);
    EXPECT(GLANCE_NULL_ARG, glance_task_get(NULL, "t", &task));
    EXPECT(GLANCE_NULL_ARG, glance_task_get(client, "t", NULL));
    EXPECT(GLANCE_INVALID_ARG, glance_task_get(client, "", &task));
    EXPECT(GLANCE_INVALID_UTF8, glance_task_create(client, INVALID_UTF8, "{}", &task));
    EXPECT(GLANCE_INVALID_ARG, glance_task_create(client, "import", "[1]", &task));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "not a JSON object");
    EXPECT(GLANCE_INVALID_ARG, glance_task_create(client, "import", "{", &task));
    EXPECT(GLANCE_INVALID_ARG, glance_task_create_import(client, "no url", "raw", "{}", &task));
    EXPECT(GLANCE_INVALID_ARG,
           glance_task_create_import(client, "http://127.0.0.1/x", "", "{}", &task));
    EXPECT(GLANCE_NULL_ARG, glance_task_create_export(client, NULL, "i", "c", &task));
    EXPECT(GLANCE_NULL_ARG,
           glance_task_create_container_import(client, NULL, "c", "o", NULL, NULL, &task));
    EXPECT(GLANCE_INVALID_ARG, glance_task_wait(client, "t", 0, 0, NULL, NULL, &task));
    CHECK(task == SENTINEL(glance_task));

    glance_task_list_opts *opts = glance_task_list_opts_new();
    CHECK(opts != NULL);
    EXPECT(GLANCE_INVALID_ARG, glance_task_list_opts_set_sort(opts, "created_at", "up"));
    EXPECT(GLANCE_NULL_ARG, glance_task_list_opts_set_marker(opts, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_task_list_opts_set_limit(NULL, 1));
    OK(glance_task_list_opts_set_limit(opts, 0));
    glance_task_page *page = SENTINEL(glance_task_page);
    EXPECT(GLANCE_INVALID_ARG, glance_task_list(client, opts, &page));
    CHECK(page == SENTINEL(glance_task_page));
    glance_task_list_opts_free(opts);

    CHECK(glance_task_id(NULL) == NULL);
    CHECK(glance_task_type(NULL) == NULL);
    CHECK(glance_task_status(NULL) == NULL);
    CHECK(!glance_task_is_finished(NULL));
    CHECK(glance_task_message(NULL) == NULL);
    CHECK(glance_task_owner(NULL) == NULL);
    CHECK(glance_task_image_id(NULL) == NULL);
    CHECK(glance_task_expires_at(NULL) == NULL);
    CHECK(glance_task_created_at(NULL) == NULL);
    CHECK(glance_task_updated_at(NULL) == NULL);
    CHECK(glance_task_input(NULL) == NULL);
    CHECK(glance_task_result(NULL) == NULL);
    CHECK(glance_task_clone(NULL) == NULL);
    CHECK(glance_task_page_count(NULL) == 0);
    CHECK(glance_task_page_get(NULL, 0) == NULL);
    CHECK(glance_task_page_next(NULL) == NULL);
    CHECK(glance_task_page_first(NULL) == NULL);
    glance_task_free(NULL);
    glance_task_page_free(NULL);
    glance_task_iter_free(NULL);
    glance_task_list_opts_free(NULL);
}

/* Pyrax's export and import tasks, on the double. */
static void rackspace_tasks(void) {
    glance_client *client = double_client();
    char url[300];
    snprintf(url, sizeof url, "%s/v1/AUTH_c", env("GLANCE_C_DOUBLE_URL"));
    glance_object_store *store = NULL;
    OK(glance_object_store_at(client, url, &store));

    glance_task *task = SENTINEL(glance_task);
    EXPECT(GLANCE_NO_SUCH_CONTAINER, glance_task_create_export(client, store, "img", "missing", &task));
    CHECK_ERROR(GLANCE_NO_SUCH_CONTAINER, 404, false, "container 'missing' does not exist");
    CHECK(task == SENTINEL(glance_task));

    OK(glance_task_create_export(client, store, "img", "exports", &task));
    CHECK_STR(glance_task_type(task), "export");
    CHECK_STR(glance_task_status(task), "pending");
    CHECK(!glance_task_is_finished(task));
    CHECK_STR(glance_task_input(task),
              "{\"image_uuid\":\"img\",\"receiving_swift_container\":\"exports\"}");
    CHECK(glance_task_result(task) == NULL);
    struct polls polls = {0, 0, ""};
    glance_task *done = NULL;
    OK(glance_task_wait(client, glance_task_id(task), 1, 0, on_poll, &polls, &done));
    glance_task_free(task);
    CHECK(polls.seen == 1);
    CHECK_STR(polls.last_status, "success");
    CHECK(glance_task_is_finished(done));
    CHECK_STR(glance_task_result(done), "{\"export_location\":\"exports/img.vhd\"}");
    CHECK_STR(glance_task_expires_at(done), "2014-02-28T02:35:02Z");
    glance_task_free(done);

    OK(glance_task_create_container_import(client, store, "exports", "disk.vhd", NULL, NULL, &task));
    CHECK_CONTAINS(glance_task_input(task), "\"import_from\":\"exports/disk.vhd\"");
    CHECK_CONTAINS(glance_task_input(task), "\"import_from_format\":\"vhd\"");
    CHECK_CONTAINS(glance_task_input(task), "\"name\":\"disk.vhd\"");
    glance_task_free(task);
    OK(glance_task_create_container_import(client, store, "exports", "disk.vhd", "Named", "VHD",
                                           &task));
    CHECK_CONTAINS(glance_task_input(task), "\"name\":\"Named\"");
    CHECK_CONTAINS(glance_task_input(task), "\"import_from_format\":\"VHD\"");
    done = SENTINEL(glance_task);
    EXPECT(GLANCE_TASK_FAILED, glance_task_wait(client, glance_task_id(task), 1, 0, NULL, NULL, &done));
    CHECK_ERROR(GLANCE_TASK_FAILED, 0, false, "not a valid fixed or dynamic disk");
    CHECK(done == SENTINEL(glance_task));
    glance_task_free(task);

    /* A task that never ends: the callback or the timeout stops the wait. */
    polls = (struct polls){0, 3, ""};
    EXPECT(GLANCE_ABORTED, glance_task_wait(client, "t-slow", 1, 0, on_poll, &polls, &done));
    CHECK(polls.seen == 3);
    CHECK_STR(polls.last_status, "processing");
    EXPECT(GLANCE_TIMEOUT, glance_task_wait(client, "t-slow", 5, 40, NULL, NULL, &done));
    CHECK_ERROR(GLANCE_TIMEOUT, 0, false, "still 'processing'");
    CHECK(done == SENTINEL(glance_task));

    glance_object_store_free(store);
    glance_client_free(client);
}

/* An upstream import task as admin on the real Glance. */
static void upstream_import(void) {
    glance_client *admin = cloud_client("admin");
    char name[200], properties[600], url[300];
    unique_name(name, sizeof name, "task-import");
    snprintf(properties, sizeof properties,
             "{\"name\": \"%s\", \"disk_format\": \"raw\", \"container_format\": \"bare\"}",
             name);
    snprintf(url, sizeof url, "%s/blob.bin", env("GLANCE_C_DOUBLE_URL"));

    glance_task *task = NULL;
    OK(glance_task_create_import(admin, url, "raw", properties, &task));
    CHECK_STR(glance_task_type(task), "import");
    CHECK_CONTAINS(glance_task_input(task), url);
    char id[64];
    snprintf(id, sizeof id, "%s", glance_task_id(task));
    glance_task_free(task);

    struct polls polls = {0, 0, ""};
    glance_task *done = NULL;
    OK(glance_task_wait(admin, id, 100, 120000, on_poll, &polls, &done));
    CHECK(polls.seen >= 1);
    CHECK_STR(glance_task_status(done), "success");
    CHECK(glance_task_owner(done) != NULL && glance_task_created_at(done) != NULL);
    CHECK(glance_task_updated_at(done) != NULL && glance_task_expires_at(done) != NULL);
    CHECK(glance_task_message(done) != NULL);
    CHECK_CONTAINS(glance_task_result(done), "image_id");
    glance_image *image = NULL;
    OK(glance_image_get(admin, glance_task_image_id(done), &image));
    CHECK_STR(glance_image_name(image), name);
    uint64_t size = 0;
    CHECK(glance_image_size(image, &size) && size == 4096);
    OK(glance_image_delete(admin, glance_image_id(image)));
    glance_image_free(image);

    glance_task *copy = glance_task_clone(done);
    CHECK_STR(glance_task_id(copy), id);
    glance_task_free(copy);
    glance_task *fetched = NULL;
    OK(glance_task_get(admin, id, &fetched));
    CHECK_STR(glance_task_image_id(fetched), glance_task_image_id(done));
    glance_task_free(fetched);
    glance_task_free(done);

    /* Listed among the successful imports, page by page. */
    glance_task_list_opts *opts = glance_task_list_opts_new();
    OK(glance_task_list_opts_set_type(opts, "import"));
    OK(glance_task_list_opts_set_status(opts, "success"));
    OK(glance_task_list_opts_set_limit(opts, 2));
    OK(glance_task_list_opts_set_sort(opts, "created_at", "desc"));
    glance_task_page *page = NULL;
    OK(glance_task_list(admin, opts, &page));
    CHECK(glance_task_page_count(page) >= 1 && glance_task_page_count(page) <= 2);
    CHECK_STR(glance_task_type(glance_task_page_get(page, 0)), "import");
    CHECK(glance_task_page_get(page, 2) == NULL);
    CHECK(glance_task_page_first(page) != NULL);
    if (glance_task_page_next(page) != NULL) {
        glance_task_page *second = NULL;
        OK(glance_task_list_at(admin, glance_task_page_next(page), &second));
        /* A full page always has a next link, so the page after exactly two
         * tasks is empty; any task it has comes after the first page's. */
        CHECK(glance_task_page_count(second) <= 2);
        for (size_t i = 0; i < glance_task_page_count(second); i++) {
            const char *later = glance_task_id(glance_task_page_get(second, i));
            for (size_t j = 0; j < glance_task_page_count(page); j++) {
                CHECK(strcmp(later, glance_task_id(glance_task_page_get(page, j))) != 0);
            }
        }
        glance_task_page_free(second);
    }
    glance_task_page_free(page);

    OK(glance_task_list_opts_set_marker(opts, "00000000-0000-4000-8000-000000000000"));
    /* Glance answers an unknown marker with 400, as for images. */
    EXPECT(GLANCE_BAD_REQUEST, glance_task_list(admin, opts, &page));
    CHECK_ERROR(GLANCE_BAD_REQUEST, 400, true, "was not found");
    glance_task_list_opts_free(opts);
    opts = glance_task_list_opts_new();
    OK(glance_task_list_opts_set_type(opts, "import"));
    OK(glance_task_list_opts_set_limit(opts, 3));
    glance_task_iter *iter = NULL;
    OK(glance_task_iter_new(admin, opts, &iter));
    glance_task_list_opts_free(opts);
    bool found = false;
    glance_task *item = NULL;
    glance_status status;
    while ((status = glance_task_iter_next(iter, &item)) == GLANCE_OK) {
        found = found || strcmp(glance_task_id(item), id) == 0;
        glance_task_free(item);
    }
    CHECK(status == GLANCE_DONE);
    CHECK(found);
    EXPECT(GLANCE_DONE, glance_task_iter_next(iter, &item));
    glance_task_iter_free(iter);

    /* A type the server does not know. */
    EXPECT(GLANCE_BAD_REQUEST, glance_task_create(admin, "bogus", "{\"x\": 1}", &task));
    glance_client_free(admin);

    /* Tasks are for admins under Glance's default policy. */
    glance_client *demo = demo_client();
    EXPECT(GLANCE_FORBIDDEN, glance_task_get(demo, id, &task));
    CHECK_ERROR(GLANCE_FORBIDDEN, 403, true, "tasks_api_access");
    glance_client_free(demo);
}

void test_tasks(void) {
    glance_client *client = double_client();
    calls_check_their_arguments(client);
    glance_client_free(client);
    rackspace_tasks();
    upstream_import();
}
