/* Listing on the real cloud: every filter of glance_list_opts, pages and
 * their links, and the iterator over all pages. Paging edge cases the real
 * server cannot show come from the test double. */
#include "suite.h"

static void opts_check_their_arguments(void) {
    const char *two[] = {"a", "b"};
    const char *bad[] = {"a", NULL};
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_limit(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_marker(NULL, "m"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_id(NULL, "i"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_id_in(NULL, two, 2));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_name(NULL, "n"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_name_in(NULL, two, 2));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_visibility(NULL, "all"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_member_status(NULL, "all"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_owner(NULL, "o"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_tag(NULL, "t"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_status(NULL, "active"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_status_in(NULL, two, 2));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_size_min(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_size_max(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_sort_key(NULL, "name"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_sort_dir(NULL, "asc"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_sort(NULL, "name", "asc"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_created_at(NULL, "gt", "2020-01-01T00:00:00Z"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_updated_at(NULL, "gt", "2020-01-01T00:00:00Z"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_os_hidden(NULL, true));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_protected(NULL, true));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_property(NULL, "k", "v"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_disk_format(NULL, "raw"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_disk_format_in(NULL, two, 2));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_container_format(NULL, "bare"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_container_format_in(NULL, two, 2));

    glance_list_opts *opts = glance_list_opts_new();
    CHECK(opts != NULL);
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_name_in(opts, NULL, 2));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_set_id_in(opts, bad, 2));
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'values[1]' is NULL");
    const char *not_utf8[] = {INVALID_UTF8};
    EXPECT(GLANCE_INVALID_UTF8, glance_list_opts_set_status_in(opts, not_utf8, 1));
    EXPECT(GLANCE_INVALID_UTF8, glance_list_opts_set_marker(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_list_opts_set_owner(opts, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_list_opts_add_property(opts, "k", INVALID_UTF8));
    EXPECT(GLANCE_INVALID_ARG, glance_list_opts_set_sort_dir(opts, "sideways"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'asc' or 'desc', not 'sideways'");
    EXPECT(GLANCE_INVALID_ARG, glance_list_opts_add_sort(opts, "name", "up"));
    EXPECT(GLANCE_INVALID_ARG, glance_list_opts_add_created_at(opts, "around", "2020"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "not 'around'");
    EXPECT(GLANCE_INVALID_ARG, glance_list_opts_add_updated_at(opts, "~", "2020"));
    EXPECT(GLANCE_NULL_ARG, glance_list_opts_add_updated_at(opts, "gt", NULL));
    glance_list_opts_free(opts);
    glance_list_opts_free(NULL);

    CHECK(glance_image_page_count(NULL) == 0);
    CHECK(glance_image_page_get(NULL, 0) == NULL);
    CHECK(glance_image_page_next(NULL) == NULL);
    CHECK(glance_image_page_first(NULL) == NULL);
    glance_image_page_free(NULL);
    glance_image_iter_free(NULL);
}

/* The number of images a listing gives over all its pages, after checking
 * that each one carries this run's property. */
static size_t count_all(glance_client *client, const glance_list_opts *opts) {
    glance_image_iter *iter = NULL;
    OK(glance_image_iter_new(client, opts, &iter));
    size_t count = 0;
    glance_status status;
    glance_image *image = NULL;
    while ((status = glance_image_iter_next(iter, &image)) == GLANCE_OK) {
        CHECK_STR(glance_image_property(image, "c_suite_run"), env("GLANCE_C_RUN_ID"));
        glance_image_free(image);
        count++;
    }
    EXPECT(GLANCE_DONE, status);
    glance_image_iter_free(iter);
    return count;
}

/* List options restricted to this run's images, plus one more filter. */
static glance_list_opts *mine(void) {
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_add_property(opts, "c_suite_run", env("GLANCE_C_RUN_ID")));
    OK(glance_list_opts_add_tag(opts, "c-suite-listing"));
    return opts;
}

#define COUNT_WITH(expected, setup)                  \
    do {                                             \
        glance_list_opts *o_ = mine();               \
        setup;                                       \
        CHECK(count_all(client, o_) == (expected));  \
        glance_list_opts_free(o_);                   \
    } while (0)

static void every_filter_selects(glance_client *client) {
    /* Three images: a (raw/bare), b (qcow2/ovf), c (iso/bare, hidden). */
    const char *formats[3][2] = {{"raw", "bare"}, {"qcow2", "ovf"}, {"iso", "bare"}};
    char names[3][200];
    glance_image *images[3];
    for (int i = 0; i < 3; i++) {
        char what[16];
        snprintf(what, sizeof what, "list-%c", 'a' + i);
        unique_name(names[i], sizeof names[i], what);
        glance_image_create_opts *opts = run_opts(names[i]);
        OK(glance_image_create_opts_set_disk_format(opts, formats[i][0]));
        OK(glance_image_create_opts_set_container_format(opts, formats[i][1]));
        OK(glance_image_create_opts_add_tag(opts, "c-suite-listing"));
        OK(glance_image_create_opts_set_os_hidden(opts, i == 2));
        OK(glance_image_create(client, opts, &images[i]));
        glance_image_create_opts_free(opts);
    }
    const char *ids[3] = {glance_image_id(images[0]), glance_image_id(images[1]),
                          glance_image_id(images[2])};
    const char *name_list[2] = {names[0], names[1]};
    const char *queued[2] = {"queued", "saving"};
    const char *disk_formats[2] = {"raw", "qcow2"};
    const char *container_formats[1] = {"ovf"};

    /* Hidden images are left out unless asked for. */
    COUNT_WITH(2, (void)0);
    COUNT_WITH(1, OK(glance_list_opts_set_os_hidden(o_, true)));
    COUNT_WITH(2, OK(glance_list_opts_set_os_hidden(o_, false)));
    COUNT_WITH(1, OK(glance_list_opts_set_id(o_, ids[0])));
    COUNT_WITH(2, OK(glance_list_opts_set_id_in(o_, ids, 2)));
    COUNT_WITH(1, OK(glance_list_opts_set_name(o_, names[1])));
    COUNT_WITH(2, OK(glance_list_opts_set_name_in(o_, name_list, 2)));
    COUNT_WITH(2, OK(glance_list_opts_set_visibility(o_, "private")));
    COUNT_WITH(0, OK(glance_list_opts_set_visibility(o_, "community")));
    COUNT_WITH(2, OK(glance_list_opts_set_visibility(o_, "all")));
    COUNT_WITH(2, OK(glance_list_opts_set_member_status(o_, "all")));
    COUNT_WITH(2, OK(glance_list_opts_set_owner(o_, env("GLANCE_TEST_DEMO_PROJECT_ID"))));
    COUNT_WITH(0, OK(glance_list_opts_set_owner(o_, env("GLANCE_TEST_ALT_PROJECT_ID"))));
    COUNT_WITH(0, OK(glance_list_opts_add_tag(o_, "c-suite-no-such-tag")));
    COUNT_WITH(2, OK(glance_list_opts_set_status(o_, "queued")));
    COUNT_WITH(0, OK(glance_list_opts_set_status(o_, "active")));
    COUNT_WITH(2, OK(glance_list_opts_set_status_in(o_, queued, 2)));
    COUNT_WITH(1, OK(glance_list_opts_set_disk_format(o_, "raw")));
    COUNT_WITH(2, OK(glance_list_opts_set_disk_format_in(o_, disk_formats, 2)));
    COUNT_WITH(1, OK(glance_list_opts_set_container_format(o_, "bare")));
    COUNT_WITH(1, OK(glance_list_opts_set_container_format_in(o_, container_formats, 1)));
    COUNT_WITH(2, OK(glance_list_opts_add_created_at(o_, "gte", "2000-01-01T00:00:00Z")));
    COUNT_WITH(0, OK(glance_list_opts_add_created_at(o_, "lt", "2000-01-01T00:00:00Z")));
    COUNT_WITH(2, OK(glance_list_opts_add_updated_at(o_, "gt", "2000-01-01T00:00:00Z")));
    COUNT_WITH(0, OK(glance_list_opts_add_updated_at(o_, "lte", "2000-01-01T00:00:00Z")));
    COUNT_WITH(2, OK(glance_list_opts_set_protected(o_, false)));
    COUNT_WITH(0, OK(glance_list_opts_set_protected(o_, true)));

    /* Sorting, the new way and the legacy way, and a marker. */
    const char *order[2][2] = {{"desc", "asc"}, {"asc", "desc"}};
    for (int way = 0; way < 2; way++) {
        glance_list_opts *opts = mine();
        if (way == 0) {
            OK(glance_list_opts_add_sort(opts, "name", order[way][0]));
            OK(glance_list_opts_add_sort(opts, "created_at", order[way][1]));
        } else {
            OK(glance_list_opts_set_sort_key(opts, "name"));
            OK(glance_list_opts_set_sort_dir(opts, order[way][0]));
        }
        glance_image_page *page = NULL;
        OK(glance_image_list(client, opts, &page));
        CHECK(glance_image_page_count(page) == 2);
        CHECK_STR(glance_image_name(glance_image_page_get(page, 0)), names[way == 0 ? 1 : 0]);
        CHECK_STR(glance_image_name(glance_image_page_get(page, 1)), names[way == 0 ? 0 : 1]);
        glance_image_page_free(page);
        glance_list_opts_free(opts);
    }
    glance_list_opts *opts = mine();
    OK(glance_list_opts_add_sort(opts, "name", "asc"));
    OK(glance_list_opts_set_marker(opts, ids[0]));
    glance_image_page *page = NULL;
    OK(glance_image_list(client, opts, &page));
    CHECK(glance_image_page_count(page) == 1);
    CHECK_STR(glance_image_id(glance_image_page_get(page, 0)), ids[1]);
    glance_image_page_free(page);
    glance_list_opts_free(opts);

    for (int i = 0; i < 3; i++) {
        OK(glance_image_delete(client, ids[i]));
    }
    for (int i = 0; i < 3; i++) glance_image_free(images[i]);
}

static void size_filters(glance_client *client) {
    uint64_t size = strtoull(env("GLANCE_C_ACTIVE_SIZE"), NULL, 10);
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_set_name(opts, env("GLANCE_C_ACTIVE_NAME")));
    OK(glance_list_opts_set_size_min(opts, size));
    OK(glance_list_opts_set_size_max(opts, size));
    CHECK(count_all(client, opts) == 1);
    OK(glance_list_opts_set_size_min(opts, size + 1));
    OK(glance_list_opts_set_size_max(opts, size + 10));
    CHECK(count_all(client, opts) == 0);
    /* min above max fails before any request. */
    OK(glance_list_opts_set_size_max(opts, size));
    glance_image_page *page = SENTINEL(glance_image_page);
    EXPECT(GLANCE_INVALID_ARG, glance_image_list(client, opts, &page));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'size_min'");
    CHECK(page == SENTINEL(glance_image_page));
    glance_list_opts_free(opts);
}

static void pages_follow_next_links(glance_client *client) {
    char name[200];
    unique_name(name, sizeof name, "paged");
    glance_image *images[3];
    for (int i = 0; i < 3; i++) images[i] = create_image(client, name);

    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_set_name(opts, name));
    OK(glance_list_opts_set_limit(opts, 2));
    glance_image_page *page = NULL;
    OK(glance_image_list(client, opts, &page));
    CHECK(glance_image_page_count(page) == 2);
    CHECK(glance_image_page_get(page, 2) == NULL);
    CHECK_CONTAINS(glance_image_page_first(page), "limit=2");
    const char *next = glance_image_page_next(page);
    CHECK_CONTAINS(next, "marker=");
    glance_image_page *second = NULL;
    OK(glance_image_list_at(client, next, &second));
    CHECK(glance_image_page_count(second) == 1);
    CHECK(glance_image_page_next(second) == NULL);
    /* An image lent by a page, copied, outlives the page. */
    glance_image *kept = glance_image_clone(glance_image_page_get(second, 0));
    glance_image_page_free(second);
    glance_image_page_free(page);
    CHECK_STR(glance_image_name(kept), name);
    glance_image_free(kept);

    /* The iterator walks both pages, then stays done. */
    glance_image_iter *iter = NULL;
    OK(glance_image_iter_new(client, opts, &iter));
    glance_list_opts_free(opts); /* the iterator keeps its own copy */
    int seen = 0;
    glance_image *image = NULL;
    while (glance_image_iter_next(iter, &image) == GLANCE_OK) {
        CHECK_STR(glance_image_name(image), name);
        glance_image_free(image);
        seen++;
    }
    CHECK(seen == 3);
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_DONE, glance_image_iter_next(iter, &image));
    CHECK(image == SENTINEL(glance_image));
    CHECK(glance_error_last() == NULL);
    EXPECT(GLANCE_NULL_ARG, glance_image_iter_next(iter, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_iter_next(NULL, &image));
    glance_image_iter_free(iter);

    for (int i = 0; i < 3; i++) {
        OK(glance_image_delete(client, glance_image_id(images[i])));
        glance_image_free(images[i]);
    }
}

static void listing_failures(glance_client *client) {
    glance_list_opts *opts = glance_list_opts_new();
    glance_image_page *page = SENTINEL(glance_image_page);
    glance_image_iter *iter = SENTINEL(glance_image_iter);
    EXPECT(GLANCE_NULL_ARG, glance_image_list(NULL, opts, &page));
    EXPECT(GLANCE_NULL_ARG, glance_image_list(client, NULL, &page));
    EXPECT(GLANCE_NULL_ARG, glance_image_list(client, opts, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_image_list_at(client, NULL, &page));
    EXPECT(GLANCE_INVALID_UTF8, glance_image_list_at(client, INVALID_UTF8, &page));
    EXPECT(GLANCE_NULL_ARG, glance_image_iter_new(client, NULL, &iter));
    EXPECT(GLANCE_NULL_ARG, glance_image_iter_new(NULL, opts, &iter));
    EXPECT(GLANCE_NULL_ARG, glance_image_iter_new(client, opts, NULL));
    CHECK(page == SENTINEL(glance_image_page) && iter == SENTINEL(glance_image_iter));

    /* An unknown marker: Glance answers 400. */
    OK(glance_list_opts_set_marker(opts, "00000000-0000-0000-0000-000000000000"));
    EXPECT(GLANCE_BAD_REQUEST, glance_image_list(client, opts, &page));
    CHECK_ERROR(GLANCE_BAD_REQUEST, 400, true, "marker");

    /* Bad options surface at the iterator's first step, then it is done. */
    OK(glance_list_opts_set_limit(opts, 0));
    iter = NULL;
    OK(glance_image_iter_new(client, opts, &iter));
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_INVALID_ARG, glance_image_iter_next(iter, &image));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "'limit' must be at least 1");
    CHECK(image == SENTINEL(glance_image));
    EXPECT(GLANCE_DONE, glance_image_iter_next(iter, &image));
    glance_image_iter_free(iter);
    OK(glance_list_opts_set_limit(opts, 1));
    OK(glance_list_opts_add_sort(opts, "name", "asc"));
    OK(glance_list_opts_set_sort_key(opts, "name"));
    EXPECT(GLANCE_INVALID_ARG, glance_image_list(client, opts, &page));
    glance_list_opts_free(opts);
    CHECK(page == SENTINEL(glance_image_page));
}

/* Paging shapes from the double, chosen by a custom `scenario` filter. */
static glance_image_iter *double_iter(glance_client *client, const char *scenario) {
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_add_property(opts, "scenario", scenario));
    glance_image_iter *iter = NULL;
    OK(glance_image_iter_new(client, opts, &iter));
    glance_list_opts_free(opts);
    return iter;
}

static void paging_edge_cases(void) {
    glance_client *client = double_client();
    glance_image_iter *iter = double_iter(client, "pages");
    const char *expected[] = {"p1", "p2", "p3"};
    glance_image *image = NULL;
    for (int i = 0; i < 3; i++) {
        OK(glance_image_iter_next(iter, &image));
        CHECK_STR(glance_image_id(image), expected[i]);
        glance_image_free(image);
    }
    EXPECT(GLANCE_DONE, glance_image_iter_next(iter, &image));
    glance_image_iter_free(iter);

    /* A page repeating an image already listed (its marker did not advance)
     * stops the iteration before any of it is handed out again. */
    iter = double_iter(client, "loop");
    OK(glance_image_iter_next(iter, &image));
    CHECK_STR(glance_image_id(image), "l1");
    glance_image_free(image);
    EXPECT(GLANCE_INVALID_RESPONSE, glance_image_iter_next(iter, &image));
    CHECK_ERROR(GLANCE_INVALID_RESPONSE, 0, false, "the listing repeats 'l1'");
    EXPECT(GLANCE_DONE, glance_image_iter_next(iter, &image));
    glance_image_iter_free(iter);

    /* A next link holding a NUL byte: the server's invalid response, never a
     * listing that ends quietly after its first page. */
    iter = double_iter(client, "nul-next");
    EXPECT(GLANCE_INVALID_RESPONSE, glance_image_iter_next(iter, &image));
    CHECK_ERROR(GLANCE_INVALID_RESPONSE, 0, true, "NUL byte");
    EXPECT(GLANCE_DONE, glance_image_iter_next(iter, &image));
    glance_image_iter_free(iter);

    /* A next link to another host is not followed (the token stays here). */
    iter = double_iter(client, "elsewhere");
    OK(glance_image_iter_next(iter, &image));
    glance_image_free(image);
    EXPECT(GLANCE_INVALID_RESPONSE, glance_image_iter_next(iter, &image));
    CHECK_ERROR(GLANCE_INVALID_RESPONSE, 0, false, "another host");
    glance_image_iter_free(iter);
    glance_image_page *page = SENTINEL(glance_image_page);
    EXPECT(GLANCE_INVALID_RESPONSE,
           glance_image_list_at(client, "http://127.0.0.2:1/v2/images", &page));
    CHECK(page == SENTINEL(glance_image_page));
    glance_client_free(client);
}

void test_listing(void) {
    glance_client *client = demo_client();
    opts_check_their_arguments();
    every_filter_selects(client);
    size_filters(client);
    pages_follow_next_links(client);
    listing_failures(client);
    paging_edge_cases();
    glance_client_free(client);
}
