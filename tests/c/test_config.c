/* The configuration builder: every setter, every way building fails, and the
 * settings that change behaviour (proxy, timeouts, retries, user agent),
 * observed through the test double. */
#include "suite.h"

static void setters_check_their_arguments(void) {
    EXPECT(GLANCE_NULL_ARG, glance_config_set_endpoint(NULL, "http://x"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_token(NULL, "t"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_region(NULL, "r"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_interface(NULL, "public"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_connect_timeout_ms(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_stall_timeout_ms(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_request_timeout_ms(NULL, 1));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_ca_file(NULL, "/x"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_insecure(NULL, true));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_client_cert(NULL, "/c.pem", NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_proxy(NULL, "http://p"));
    EXPECT(GLANCE_NULL_ARG, glance_config_disable_proxy(NULL));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_user_agent_suffix(NULL, "s"));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_retry(NULL, 1, 1, 1));

    glance_config *config = glance_config_new();
    CHECK(config != NULL);
    EXPECT(GLANCE_NULL_ARG, glance_config_set_endpoint(config, NULL));
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'url' is NULL");
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_endpoint(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_token(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_region(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_interface(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_ca_file(config, INVALID_UTF8));
    EXPECT(GLANCE_NULL_ARG, glance_config_set_client_cert(config, NULL, "/k.pem"));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_client_cert(config, "/c.pem", INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_proxy(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_UTF8, glance_config_set_user_agent_suffix(config, INVALID_UTF8));
    EXPECT(GLANCE_INVALID_ARG, glance_config_set_interface(config, "sideways"));
    CHECK_ERROR(GLANCE_INVALID_ARG, 0, false, "interface 'sideways' is not one of");
    OK(glance_config_set_interface(config, "internal"));
    OK(glance_config_set_interface(config, "admin"));
    OK(glance_config_set_interface(config, "public"));
    OK(glance_config_set_region(config, "RegionOne"));
    OK(glance_config_set_connect_timeout_ms(config, 0));
    OK(glance_config_set_connect_timeout_ms(config, 5000));
    glance_config_free(config);
    glance_config_free(NULL);
}

/* Builds `config` and expects `status`; the out-parameter stays untouched. */
static void build_fails(glance_config *config, glance_status status, const char *part) {
    glance_client *client = SENTINEL(glance_client);
    EXPECT(status, glance_config_build(config, &client));
    CHECK(client == SENTINEL(glance_client));
    CHECK_ERROR(status, 0, false, part);
}

static void building_checks_the_settings(void) {
    build_fails(glance_config_new(), GLANCE_CONFIG, "no authentication");

    glance_config *config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    build_fails(config, GLANCE_CONFIG, "needs the image endpoint");

    config = glance_config_new();
    OK(glance_config_set_token(config, ""));
    OK(glance_config_set_endpoint(config, "http://127.0.0.1:9292"));
    build_fails(config, GLANCE_INVALID_ARG, "the token is empty");

    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "127.0.0.1:9292"));
    build_fails(config, GLANCE_INVALID_ARG, "127.0.0.1:9292");

    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "http://127.0.0.1:9292"));
    OK(glance_config_set_ca_file(config, "/nonexistent/ca.pem"));
    build_fails(config, GLANCE_IO, "/nonexistent/ca.pem");

    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "http://127.0.0.1:9292"));
    OK(glance_config_set_ca_file(config, "/dev/null"));
    build_fails(config, GLANCE_CONFIG, "holds no certificate");

    /* Client certificates (mutual TLS) are read when the client is built. */
    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "https://127.0.0.1:9292"));
    OK(glance_config_set_client_cert(config, "/nonexistent/client.pem", NULL));
    build_fails(config, GLANCE_IO, "/nonexistent/client.pem");
    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "https://127.0.0.1:9292"));
    OK(glance_config_set_client_cert(config, "/dev/null", "/dev/null"));
    build_fails(config, GLANCE_CONFIG, "client certificate file /dev/null holds no certificate");

    config = glance_config_new();
    OK(glance_config_set_token(config, "t"));
    OK(glance_config_set_endpoint(config, "http://127.0.0.1:9292"));
    OK(glance_config_set_proxy(config, "::not a proxy::"));
    build_fails(config, GLANCE_CONFIG, "proxy URL is not usable");

    /* A NULL out-parameter still consumes the configuration (valgrind and
     * LeakSanitizer see a leak otherwise). */
    config = glance_config_new();
    EXPECT(GLANCE_NULL_ARG, glance_config_build(config, NULL));
    CHECK_ERROR(GLANCE_NULL_ARG, 0, false, "'out_client' is NULL");
    EXPECT(GLANCE_NULL_ARG, glance_config_build(NULL, &(glance_client *){NULL}));
}

/* A client for the double with extra settings applied by `tune`. */
static glance_client *tuned(const char *endpoint, void (*tune)(glance_config *)) {
    glance_config *config = glance_config_new();
    OK(glance_config_set_endpoint(config, endpoint));
    OK(glance_config_set_token(config, "double-token"));
    OK(glance_config_set_retry(config, 1, 1, 1));
    tune(config);
    glance_client *client = NULL;
    OK(glance_config_build(config, &client));
    return client;
}

static void through_double_proxy(glance_config *config) {
    OK(glance_config_set_proxy(config, env("GLANCE_C_DOUBLE_URL")));
}

static void proxy_then_direct(glance_config *config) {
    through_double_proxy(config);
    OK(glance_config_disable_proxy(config));
}

static void stall_fast(glance_config *config) {
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_stall_timeout_ms(config, 200));
}

static void deadline_fast(glance_config *config) {
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_stall_timeout_ms(config, 0));
    OK(glance_config_set_request_timeout_ms(config, 200));
}

static void with_suffix(glance_config *config) {
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_user_agent_suffix(config, "c-suite/1.0"));
    OK(glance_config_set_insecure(config, true));
}

static void two_attempts(glance_config *config) {
    OK(glance_config_disable_proxy(config));
    OK(glance_config_set_retry(config, 2, 1, 5));
}

static void settings_change_behaviour(void) {
    /* Nothing listens on 127.0.0.1:1: an answer proves the proxy carried the request. */
    glance_client *client = tuned("http://127.0.0.1:1", through_double_proxy);
    glance_image *image = NULL;
    OK(glance_image_get(client, "via-proxy", &image));
    CHECK_STR(glance_image_id(image), "via-proxy");
    glance_image_free(image);
    glance_client_free(client);

    client = tuned("http://127.0.0.1:1", proxy_then_direct);
    image = SENTINEL(glance_image);
    EXPECT(GLANCE_TRANSPORT, glance_image_get(client, "via-proxy", &image));
    CHECK(image == SENTINEL(glance_image));
    glance_client_free(client);

    client = tuned(env("GLANCE_C_DOUBLE_URL"), stall_fast);
    EXPECT(GLANCE_TIMEOUT, glance_image_get(client, "stall", &image));
    CHECK_ERROR(GLANCE_TIMEOUT, 0, false, "/v2/images/stall");
    glance_client_free(client);

    client = tuned(env("GLANCE_C_DOUBLE_URL"), deadline_fast);
    EXPECT(GLANCE_TIMEOUT, glance_image_get(client, "stall", &image));
    glance_client_free(client);

    /* The double answers the image schema with the headers it received. */
    client = tuned(env("GLANCE_C_DOUBLE_URL"), with_suffix);
    char *echo = NULL;
    OK(glance_schema_get(client, "image", &echo));
    CHECK_CONTAINS(echo, "\"user_agent\":\"glance-client/" GLANCE_VERSION " c-suite/1.0\"");
    CHECK_CONTAINS(echo, "\"token\":\"double-token\"");
    glance_string_free(echo);
    glance_client_free(client);

    /* The double fails every other request with 503. */
    client = tuned(env("GLANCE_C_DOUBLE_URL"), two_attempts);
    image = NULL;
    OK(glance_image_get(client, "flaky", &image));
    CHECK_STR(glance_image_id(image), "flaky");
    glance_image_free(image);
    glance_client_free(client);
    client = double_client();
    EXPECT(GLANCE_SERVICE_UNAVAILABLE, glance_image_get(client, "flaky", &image));
    CHECK_ERROR(GLANCE_SERVICE_UNAVAILABLE, 503, true, "try later");
    glance_client_free(client);
}

void test_config(void) {
    setters_check_their_arguments();
    building_checks_the_settings();
    settings_change_behaviour();
}
