/* Where configurations come from and every kind of authentication: the
 * real Keystone for v3 (password, application credential, token exchange,
 * clouds.yaml, OS_* variables), the test double for Keystone v2.0 and
 * Rackspace API keys; what an authenticated client says about itself; the
 * wire log. */
#include "suite.h"

/* Builds `config` and checks who the client is, and where it goes. */
static void check_identity(glance_config *config, const char *project_id, const char *user_id,
                           const char *image_endpoint) {
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    char *text = SENTINEL(char);
    OK(glance_client_project_id(client, &text));
    CHECK_STR(text, project_id);
    glance_string_free(text);
    OK(glance_client_user_id(client, &text));
    CHECK_STR(text, user_id);
    glance_string_free(text);
    OK(glance_client_auth_token(client, &text));
    CHECK(strlen(text) > 10);
    glance_string_free(text);
    OK(glance_client_endpoint_url(client, "image", &text));
    CHECK_STR(text, image_endpoint);
    glance_string_free(text);
    glance_client_free(client);
}

static void from_clouds_yaml_and_environment(void) {
    const char *demo_project = env("GLANCE_TEST_DEMO_PROJECT_ID");
    const char *demo_user = env("GLANCE_TEST_DEMO_USER_ID");
    glance_config *config = SENTINEL(glance_config);
    OK(glance_config_from_cloud("demo", &config));
    OK(glance_config_set_user_agent_suffix(config, "c-suite"));
    check_identity(config, demo_project, demo_user, env("GLANCE_TEST_GLANCE_URL"));

    OK(glance_config_from_cloud("demo_region_two", &config));
    check_identity(config, demo_project, demo_user, env("GLANCE_TEST_GLANCE2_URL"));

    /* The harness sets OS_CLOUD=alt_demo. */
    OK(glance_config_from_default_cloud(&config));
    check_identity(config, env("GLANCE_TEST_ALT_PROJECT_ID"), env("GLANCE_TEST_ALT_USER_ID"),
                   env("GLANCE_TEST_GLANCE_URL"));

    /* The cloud's env.sh exported OS_* for demo. */
    OK(glance_config_from_env(&config));
    check_identity(config, demo_project, demo_user, env("GLANCE_TEST_GLANCE_URL"));

    config = SENTINEL(glance_config);
    EXPECT(GLANCE_CONFIG, glance_config_from_cloud("no-such-cloud", &config));
    CHECK_ERROR(GLANCE_CONFIG, 0, false, "no-such-cloud");
    EXPECT(GLANCE_INVALID_ARG, glance_config_from_cloud("", &config));
    EXPECT(GLANCE_NULL_ARG, glance_config_from_cloud(NULL, &config));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_from_cloud(INVALID_UTF8, &config));
    EXPECT(GLANCE_NULL_ARG, glance_config_from_cloud("demo", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_from_env(NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_from_default_cloud(NULL));
    CHECK(config == SENTINEL(glance_config));
}

static void keystone_v3_every_way(void) {
    const char *auth_url = env("GLANCE_TEST_KEYSTONE_URL");
    const char *demo_project = env("GLANCE_TEST_DEMO_PROJECT_ID");
    const char *demo_user = env("GLANCE_TEST_DEMO_USER_ID");
    const char *glance = env("GLANCE_TEST_GLANCE_URL");
    const char *password = env("GLANCE_TEST_DEMO_PASSWORD");

    glance_config *config = glance_config_new();
    OK(glance_config_set_password(config, auth_url, "demo", password, "demo"));
    OK(glance_config_disable_proxy(config));
    check_identity(config, demo_project, demo_user, glance);

    /* Ids instead of names; domains by name and by id. */
    config = glance_config_new();
    OK(glance_config_set_password(config, auth_url, "someone", password, "something"));
    OK(glance_config_set_user_id(config, demo_user));
    OK(glance_config_set_project_id(config, demo_project));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_user_domain_id(config, "default"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "a user given by id has no domain");
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_project_domain_id(config, "default"));
    check_identity(config, demo_project, demo_user, glance);

    config = glance_config_new();
    OK(glance_config_set_password(config, auth_url, "demo", password, "demo"));
    OK(glance_config_set_user_domain_name(config, "Default"));
    OK(glance_config_set_project_name(config, "demo"));
    OK(glance_config_set_project_domain_name(config, "Default"));
    OK(glance_config_set_project_domain_id(config, "default"));
    OK(glance_config_set_user_domain_id(config, "default"));
    check_identity(config, demo_project, demo_user, glance);

    /* A domain scope is accepted by the builder (demo has no domain role, so
     * it is not used against Keystone). */
    config = glance_config_new();
    OK(glance_config_set_password(config, auth_url, "demo", password, "demo"));
    OK(glance_config_set_domain_scope_id(config, "default"));
    OK(glance_config_set_domain_scope_name(config, "Default"));
    glance_config_free(config);

    /* A wrong password: the first call fails with Keystone's 401. */
    config = glance_config_new();
    OK(glance_config_set_password(config, auth_url, "demo", "wrong password", "demo"));
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    glance_image *image = SENTINEL(glance_image);
    EXPECT(GLANCE_UNAUTHORIZED, glance_image_get(client, env("GLANCE_C_ACTIVE_ID"), &image));
    CHECK_ERROR(GLANCE_UNAUTHORIZED, 401, true, "/auth/tokens");
    CHECK(image == SENTINEL(glance_image));
    char *token = SENTINEL(char);
    EXPECT(GLANCE_UNAUTHORIZED, glance_client_auth_token(client, &token));
    CHECK(token == SENTINEL(char));
    glance_client_free(client);

    /* Application credentials, by id and by name. */
    config = glance_config_new();
    OK(glance_config_set_application_credential(config, auth_url, env("GLANCE_C_APPCRED_ID"),
                                                env("GLANCE_C_APPCRED_SECRET")));
    check_identity(config, demo_project, demo_user, glance);
    config = glance_config_new();
    OK(glance_config_set_application_credential_name(
        config, auth_url, env("GLANCE_C_APPCRED_NAME"), "demo", env("GLANCE_C_APPCRED_SECRET")));
    OK(glance_config_set_user_domain_id(config, "default"));
    check_identity(config, demo_project, demo_user, glance);
    config = glance_config_new();
    OK(glance_config_set_application_credential_name(config, auth_url, "n", "u", "s"));
    OK(glance_config_set_user_id(config, demo_user));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_project_id(config, demo_project));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "a project does not apply to a Keystone v3 application credential");
    glance_config_free(config);

    /* A token exchanged for a project-scoped one with a catalog. */
    config = glance_config_new();
    OK(glance_config_set_keystone_token(config, auth_url, env("GLANCE_C_DEMO_TOKEN")));
    OK(glance_config_set_project_name(config, "demo"));
    check_identity(config, demo_project, demo_user, glance);

    /* A bare token knows neither its project nor its user. */
    client = demo_client();
    char *none = SENTINEL(char);
    OK(glance_client_project_id(client, &none));
    CHECK(none == NULL);
    none = SENTINEL(char);
    OK(glance_client_user_id(client, &none));
    CHECK(none == NULL);
    char *url = NULL;
    EXPECT(GLANCE_INVALID_ARG, glance_client_endpoint_url(client, "compute", &url));
    EXPECT(GLANCE_CONFIG, glance_client_endpoint_url(client, "object-store", &url));
    EXPECT(GLANCE_NULL_ARG, glance_client_endpoint_url(client, NULL, &url));
    EXPECT(GLANCE_NULL_ARG, glance_client_endpoint_url(NULL, "image", &url));
    EXPECT(GLANCE_NULL_ARG, glance_client_auth_token(client, NULL));
    EXPECT(GLANCE_NULL_ARG, glance_client_project_id(NULL, &url));
    EXPECT(GLANCE_NULL_ARG, glance_client_user_id(client, NULL));
    CHECK(url == NULL);
    glance_client_free(client);
}

static void arguments_are_checked(void) {
    glance_config *config = glance_config_new();
    EXPECT(GLANCE_NULL_ARG, glance_config_set_password(config, "u", "n", NULL, "p"));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_password(config, "u", INVALID_UTF8, "s", "p"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_application_credential(config, "u", NULL, "s"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_application_credential_name(NULL, "u", "n", "u", "s"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_keystone_token(config, "u", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_v2_password(config, NULL, "u", "p"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_rackspace_api_key(config, "u", "n", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_object_store_endpoint(config, NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_object_store_endpoint(config, INVALID_UTF8));
    /* Refinements need an authentication they apply to. */
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_user_id(config, "u"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "a user id does not apply to no authentication");
    OK(glance_config_set_token(config, "t"));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_user_domain_name(config, "d"));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_project_name(config, "p"));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_domain_scope_id(config, "d"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_project_id(config, NULL));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_domain_scope_name(config, INVALID_UTF8));
    /* An empty secret fails at build time, before any request. */
    OK(glance_config_set_password(config, "http://127.0.0.1:1/v3", "demo", "", "demo"));
    glance_client *client = SENTINEL(glance_client);
    EXPECT(GLANCE_INVALID_ARG, glance_config_build(config, &client));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "the password is empty");
    CHECK(client == SENTINEL(glance_client));
}

static void keystone_v2_and_rackspace(void) {
    char auth_url[200];
    snprintf(auth_url, sizeof auth_url, "%s/v2.0", env("GLANCE_C_DOUBLE_URL"));
    glance_config *config = glance_config_new();
    OK(glance_config_set_v2_password(config, auth_url, "v2-user", "v2-pass"));
    OK(glance_config_set_project_name(config, "v2-tenant"));
    OK(glance_config_set_region(config, "RegionOne"));
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    glance_image *image = NULL;
    OK(glance_image_get(client, "whoami", &image));
    CHECK_STR(glance_image_name(image), "v2-token"); /* the token the double received */
    glance_image_free(image);
    char *text = NULL;
    OK(glance_client_project_id(client, &text));
    CHECK_STR(text, "t-v2");
    glance_string_free(text);
    glance_client_free(client);

    /* Rackspace: numeric ids become text; the user's default region picks
     * the endpoint. */
    config = glance_config_new();
    OK(glance_config_set_rackspace_api_key(config, env("GLANCE_C_DOUBLE_URL"), "rax-user",
                                           "rax-key"));
    OK(glance_config_build(config, &client));
    OK(glance_image_get(client, "whoami", &image));
    CHECK_STR(glance_image_name(image), "rax-token");
    glance_image_free(image);
    OK(glance_client_project_id(client, &text));
    CHECK_STR(text, "123456");
    glance_string_free(text);
    OK(glance_client_user_id(client, &text));
    CHECK_STR(text, "42");
    glance_string_free(text);
    glance_client_free(client);

    config = glance_config_new();
    OK(glance_config_set_rackspace_api_key(config, env("GLANCE_C_DOUBLE_URL"), "rax-user", "bad"));
    OK(glance_config_build(config, &client));
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_UNAUTHORIZED, glance_image_get(client, "whoami", &image));
    CHECK_ERROR(GLANCE_UNAUTHORIZED, 401, true, "bad credentials");
    glance_client_free(client);
    /* The v2.0 tenant by id is accepted too. */
    config = glance_config_new();
    OK(glance_config_set_v2_password(config, auth_url, "v2-user", "v2-pass"));
    OK(glance_config_set_project_id(config, "t-v2"));
    glance_config_free(config);
}

/* The wire log: what the callback saw. */
struct wire_record {
    int events;
    char method[16];
    char url[300];
    unsigned status;
    char request_id[64];
    unsigned attempt;
    bool had_error;
    unsigned long long elapsed_ms;
};

static void record_event(void *userdata, const glance_wire_event *event) {
    struct wire_record *r = userdata;
    r->events++;
    snprintf(r->method, sizeof r->method, "%s", glance_wire_event_method(event));
    snprintf(r->url, sizeof r->url, "%s", glance_wire_event_url(event));
    r->status = glance_wire_event_status(event);
    const char *id = glance_wire_event_request_id(event);
    snprintf(r->request_id, sizeof r->request_id, "%s", id ? id : "");
    r->attempt = glance_wire_event_attempt(event);
    r->had_error = glance_wire_event_error(event) != NULL;
    r->elapsed_ms = glance_wire_event_elapsed_ms(event);
}

static void wire_log_reports_each_attempt(void) {
    struct wire_record record = {0};
    glance_config *config = glance_config_new();
    OK(glance_config_set_endpoint(config, env("GLANCE_C_DOUBLE_URL")));
    OK(glance_config_set_token(config, "double-token"));
    OK(glance_config_set_retry(config, 1, 1, 1));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_wire_log(config, NULL, &record));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_wire_log(NULL, record_event, &record));
    OK(glance_config_set_wire_log(config, record_event, &record));
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    glance_image *image = NULL;
    EXPECT(GLANCE_HTTP, glance_image_get(client, "e500", &image));
    CHECK(record.events == 1);
    CHECK_STR(record.method, "GET");
    CHECK_CONTAINS(record.url, "/v2/images/e500");
    CHECK(record.status == 500);
    CHECK_STR(record.request_id, "req-double");
    CHECK(record.attempt == 1);
    CHECK(!record.had_error);
    CHECK(record.elapsed_ms < 60000);
    glance_client_free(client);

    config = glance_config_new();
    OK(glance_config_set_endpoint(config, "http://127.0.0.1:1"));
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_retry(config, 2, 1, 1));
    OK(glance_config_set_wire_log(config, record_event, &record));
    OK(glance_config_build(config, &client));
    record.events = 0;
    EXPECT(GLANCE_TRANSPORT, glance_image_get(client, "x", &image));
    CHECK(record.events == 2);
    CHECK(record.status == 0 && record.had_error && record.attempt == 2);
    glance_client_free(client);

    CHECK(glance_wire_event_method(NULL) == NULL);
    CHECK(glance_wire_event_url(NULL) == NULL);
    CHECK(glance_wire_event_status(NULL) == 0);
    CHECK(glance_wire_event_request_id(NULL) == NULL);
    CHECK(glance_wire_event_elapsed_ms(NULL) == 0);
    CHECK(glance_wire_event_attempt(NULL) == 0);
    CHECK(glance_wire_event_error(NULL) == NULL);
}

/* Issue 13, item 4: a wire-log callback that calls the client while it
 * authenticates (holding its session lock) waited for that lock for ever.
 * Events of the authentication now arrive once the lock is released. The
 * suite runs under a time limit, so a deadlock fails it. */
struct reentrant_log {
    glance_client *client;
    int events;
    int project_ids;
    char first_url[300];
};

static void call_the_client(void *userdata, const glance_wire_event *event) {
    struct reentrant_log *log = userdata;
    if (log->events++ == 0) {
        snprintf(log->first_url, sizeof log->first_url, "%s", glance_wire_event_url(event));
    }
    char *project = NULL;
    if (log->client != NULL && glance_client_project_id(log->client, &project) == GLANCE_OK) {
        log->project_ids += project != NULL;
        glance_string_free(project);
    }
}

static void a_wire_log_may_call_the_client_during_authentication(void) {
    struct reentrant_log log = {0};
    glance_config *config = NULL;
    OK(glance_config_from_cloud("demo", &config));
    OK(glance_config_set_wire_log(config, call_the_client, &log));
    OK(glance_config_build(config, &log.client));
    glance_image_page *page = NULL;
    glance_list_opts *opts = glance_list_opts_new();
    OK(glance_list_opts_set_limit(opts, 1));
    OK(glance_image_list(log.client, opts, &page));
    glance_list_opts_free(opts);
    glance_image_page_free(page);
    CHECK_CONTAINS(log.first_url, "/v3/auth/tokens");
    CHECK(log.events >= 2 && log.project_ids == log.events);
    glance_client_free(log.client);
}

/* Issue 13, item 8: values that go into a header are refused when set. */
static void header_values_with_control_characters_are_refused(void) {
    glance_config *config = glance_config_new();
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_user_agent_suffix(config, "app/1\r\nX-Evil: 1"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "user-agent suffix holds a control character");
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_token(config, "tok\nX-Evil: 1"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "the token holds a control character");
    OK(glance_config_set_user_agent_suffix(config, "app/1.0"));
    glance_config_free(config);
}

void test_auth(void) {
    from_clouds_yaml_and_environment();
    keystone_v3_every_way();
    arguments_are_checked();
    keystone_v2_and_rackspace();
    wire_log_reports_each_attempt();
    a_wire_log_may_call_the_client_during_authentication();
    header_values_with_control_characters_are_refused();
}
