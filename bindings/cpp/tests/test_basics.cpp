// Errors (every exception class, status, HTTP status, message, request id),
// the owners (move-only, moved-from ones safe), strings in and out; the
// configuration (every setter, building failures, settings observed through
// the double) and every way to authenticate, with the wire log.
#include "suite.hpp"

#include <type_traits>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

static_assert(!std::is_copy_constructible_v<glance::Client>, "owners are move-only");
static_assert(std::is_nothrow_move_constructible_v<glance::Client>, "owners move without throwing");
static_assert(!std::is_copy_constructible_v<glance::Image>, "owners are move-only");
static_assert(!std::is_copy_assignable_v<glance::ImagePage>, "owners are move-only");
static_assert(std::is_move_assignable_v<glance::Config>, "owners move");
static_assert(std::is_base_of_v<glance::HttpError, glance::NotFoundError>, "a hierarchy");
static_assert(std::is_base_of_v<std::runtime_error, glance::Error>, "a std::exception");

static void errors_from_the_double() {
    glance::Client client = double_client();
    auto e500 = THROWS(glance::HttpError, client.get("e500"));
    CHECK_ERROR(e500, Status::Http, 500, true, "returned 500: boom (request id req-double)");
    CHECK_EQ(e500.request_id(), std::optional<std::string>("req-double"));
    auto e413 = THROWS(glance::HttpError, client.get("e413"));
    CHECK_ERROR(e413, Status::TooLarge, 413, true, "too big");
    auto missing = THROWS(glance::NotFoundError, client.get("missing"));
    CHECK_ERROR(missing, Status::NotFound, 404, true, "the double has no GET");
    auto bad_json = THROWS(glance::NetworkError, client.get("bad-json"));
    CHECK_ERROR(bad_json, Status::InvalidResponse, 0, true, "not the expected JSON");
    CHECK_EQ(bad_json.request_id(), std::optional<std::string>("req-bad-json"));
    // Switching on the typed code works through the base class.
    try {
        client.get("e418");
        CHECK(false);
    } catch (const glance::Error &error) {
        switch (error.status()) {
        case Status::Http:
            CHECK_EQ(error.http_status(), 418);
            break;
        default:
            CHECK(false);
        }
    }
    // A NUL inside a string: the getter cannot lend it, the JSON has it.
    glance::Image image = client.get("nul-name");
    CHECK_EQ(image.id(), std::string("nul-name"));
    CHECK(!image.name().has_value());
    CHECK(!image.property("name").has_value());
    CHECK_CONTAINS(image.to_json(), "\"name\":\"a\\u0000b\"");
}

static void strings_are_checked() {
    glance::Client client = double_client();
    // A NUL byte in a string_view is refused before any request.
    auto nul = THROWS(glance::ArgumentError, client.get(std::string_view("a\0b", 3)));
    CHECK_ERROR(nul, Status::InvalidArg, 0, false, "NUL byte");
    auto utf8 = THROWS(glance::ArgumentError, client.get("bad \xff\xfe utf-8"));
    CHECK_ERROR(utf8, Status::InvalidUtf8, 0, false, "");
    auto empty = THROWS(glance::ArgumentError, client.get(""));
    CHECK_ERROR(empty, Status::InvalidArg, 0, false, "");
    CHECK_CONTAINS(glance::status_str(Status::NotFound), "not found");
    CHECK_EQ(glance::version(), std::string(GLANCE_VERSION));
}

static void owners_are_move_only_and_safe_when_moved_from() {
    glance::Client first = double_client();
    glance::Client second = std::move(first);
    CHECK(!first && second);
    auto null = THROWS(glance::ArgumentError, first.get("via-proxy"));
    CHECK_ERROR(null, Status::NullArg, 0, false, "");
    THROWS(glance::ArgumentError, first.list());
    THROWS(glance::ArgumentError, first.auth_token());
    glance::Image image = second.get("nul-name");
    glance::Image kept = std::move(image);
    CHECK(!image && kept);
    CHECK_EQ(image.id(), std::string());
    CHECK(!image.size().has_value());
    CHECK(image.tags().empty());
    CHECK_EQ(kept.id(), std::string("nul-name"));
    THROWS(glance::ArgumentError, image.to_json());
    THROWS(glance::ArgumentError, image.clone());
    glance::Image copy = kept.clone();
    CHECK_EQ(copy.id(), kept.id());
    glance::ListOptions options;
    options.limit(2);
    glance::ListOptions moved = std::move(options);
    THROWS(glance::ArgumentError, options.limit(1));
    THROWS(glance::ArgumentError, second.list(options));
    glance::Config config;
    glance::Config other = std::move(config);
    THROWS(glance::ArgumentError, config.token("t"));
    THROWS(glance::ArgumentError, config.build());
    glance::Patch patch;
    glance::Patch patch2 = std::move(patch);
    THROWS(glance::ArgumentError, patch.remove("x"));
    glance::TransferOptions transfer;
    glance::TransferOptions transfer2 = std::move(transfer);
    THROWS(glance::ArgumentError, transfer.restart(true));
    glance::Task task;
    CHECK(!task && task.id().empty() && !task.is_finished());
    THROWS(glance::ArgumentError, task.clone());
    glance::Member member;
    CHECK(member.status().empty());
    THROWS(glance::ArgumentError, member.clone());
    // Assigning over an owner frees what it held; a second build needs a new config.
    second = double_client();
    CHECK(second);
    // Every moved-from owner above is destroyed here.
}

void test_errors_and_owners() {
    errors_from_the_double();
    strings_are_checked();
    owners_are_move_only_and_safe_when_moved_from();
}

static void building_checks_the_settings() {
    auto none = THROWS(glance::ConfigError, glance::Config().build());
    CHECK_ERROR(none, Status::Config, 0, false, "no authentication");
    auto no_endpoint = THROWS(glance::ConfigError, glance::Config().token("t").build());
    CHECK_ERROR(no_endpoint, Status::Config, 0, false, "needs the image endpoint");
    auto bad_url = THROWS(glance::ArgumentError, glance::Client("127.0.0.1:9292", "t"));
    CHECK_ERROR(bad_url, Status::InvalidArg, 0, false, "127.0.0.1:9292");
    auto ca = THROWS(glance::IoError, glance::Config().token("t").endpoint("http://127.0.0.1:9292")
                                          .ca_file("/nonexistent/ca.pem").build());
    CHECK_ERROR(ca, Status::Io, 0, false, "/nonexistent/ca.pem");
    auto client_cert = THROWS(glance::IoError, glance::Config().token("t").endpoint("https://127.0.0.1:9292")
                                                   .client_cert("/nonexistent/client.pem").build());
    CHECK_ERROR(client_cert, Status::Io, 0, false, "/nonexistent/client.pem");
    auto no_key = THROWS(glance::ConfigError, glance::Config().token("t").endpoint("https://127.0.0.1:9292")
                                                  .client_cert("/dev/null", "/dev/null").build());
    CHECK_ERROR(no_key, Status::Config, 0, false, "holds no certificate");
    auto proxy = THROWS(glance::ConfigError, glance::Config().token("t").endpoint("http://127.0.0.1:9292")
                                                 .proxy("::not a proxy::").build());
    CHECK_ERROR(proxy, Status::Config, 0, false, "proxy URL is not usable");
    auto interface = THROWS(glance::ArgumentError, glance::Config().interface("sideways"));
    CHECK_ERROR(interface, Status::InvalidArg, 0, false, "interface 'sideways' is not one of");
    glance::Config config;
    config.interface("internal").interface("public").region("RegionOne").connect_timeout(5000ms);
    auto refinement = THROWS(glance::ArgumentError, glance::Config().user_id("u"));
    CHECK_ERROR(refinement, Status::InvalidArg, 0, false, "a user id does not apply to no authentication");
}

static glance::Config double_config() {
    glance::Config config;
    config.endpoint(env("GLANCE_CPP_DOUBLE_URL")).token("double-token").retry(1, 1ms, 1ms);
    return config;
}

static void settings_change_behaviour() {
    // Nothing listens on 127.0.0.1:1: an answer proves the proxy carried the request.
    glance::Client proxied =
        glance::Config().endpoint("http://127.0.0.1:1").token("t").proxy(env("GLANCE_CPP_DOUBLE_URL")).build();
    CHECK_EQ(proxied.get("via-proxy").id(), std::string("via-proxy"));
    glance::Client direct = glance::Config()
                                .endpoint("http://127.0.0.1:1")
                                .token("t")
                                .proxy(env("GLANCE_CPP_DOUBLE_URL"))
                                .disable_proxy()
                                .retry(1, 1ms, 1ms)
                                .build();
    auto refused = THROWS(glance::NetworkError, direct.get("via-proxy"));
    CHECK_EQ(refused.status(), Status::Transport);

    glance::Client stalls = double_config().disable_proxy().stall_timeout(200ms).build();
    auto stalled = THROWS(glance::NetworkError, stalls.get("stall"));
    CHECK_ERROR(stalled, Status::Timeout, 0, false, "/v2/images/stall");
    glance::Client deadline = double_config().disable_proxy().stall_timeout(0ms).request_timeout(200ms).build();
    CHECK_EQ(THROWS(glance::NetworkError, deadline.get("stall")).status(), Status::Timeout);

    // The double answers the image schema with the headers it received.
    glance::Client suffixed = double_config().disable_proxy().user_agent_suffix("cpp-suite/1.0").insecure(true).build();
    std::string echo = suffixed.schema("image");
    CHECK_CONTAINS(echo, "\"user_agent\":\"glance-client/" GLANCE_VERSION " cpp-suite/1.0\"");
    CHECK_CONTAINS(echo, "\"token\":\"double-token\"");

    // The double fails every other request with 503.
    glance::Client retries = double_config().disable_proxy().retry(2, 1ms, 5ms).build();
    CHECK_EQ(retries.get("flaky").id(), std::string("flaky"));
    glance::Client once = double_client();
    auto unavailable = THROWS(glance::HttpError, once.get("flaky"));
    CHECK_ERROR(unavailable, Status::ServiceUnavailable, 503, true, "try later");
}

/// Builds `config` and checks who the client is and where it goes.
template <typename ConfigRef>
static void check_identity(ConfigRef &&config, const std::string &project, const std::string &user,
                           const std::string &image_endpoint) {
    glance::Client client = config.build();
    CHECK_EQ(client.project_id(), project);
    CHECK_EQ(client.user_id(), user);
    CHECK(client.auth_token().size() > 10);
    CHECK_EQ(client.endpoint_url("image"), image_endpoint);
}

static void every_way_to_authenticate() {
    const std::string auth_url = env("GLANCE_TEST_KEYSTONE_URL");
    const std::string project = env("GLANCE_TEST_DEMO_PROJECT_ID");
    const std::string user = env("GLANCE_TEST_DEMO_USER_ID");
    const std::string glance_url = env("GLANCE_TEST_GLANCE_URL");
    const std::string password = env("GLANCE_TEST_DEMO_PASSWORD");

    check_identity(glance::Config::from_cloud("demo").user_agent_suffix("cpp-suite"), project, user, glance_url);
    check_identity(glance::Config::from_cloud("demo_region_two"), project, user, env("GLANCE_TEST_GLANCE2_URL"));
    // The harness sets OS_CLOUD=alt_demo; the cloud's env exported OS_* for demo.
    check_identity(glance::Config::from_default_cloud(), env("GLANCE_TEST_ALT_PROJECT_ID"),
                   env("GLANCE_TEST_ALT_USER_ID"), glance_url);
    check_identity(glance::Config::from_env(), project, user, glance_url);
    CHECK_EQ(glance::Client::from_cloud("demo").project_id(), project);
    CHECK_EQ(glance::Client::from_default_cloud().project_id(), env("GLANCE_TEST_ALT_PROJECT_ID"));
    CHECK_EQ(glance::Client::from_env().user_id(), user);
    auto no_cloud = THROWS(glance::ConfigError, glance::Config::from_cloud("no-such-cloud"));
    CHECK_ERROR(no_cloud, Status::Config, 0, false, "no-such-cloud");

    check_identity(glance::Config().password(auth_url, "demo", password, "demo").disable_proxy(), project, user,
                   glance_url);
    // Ids instead of names; domains by name and by id.
    check_identity(glance::Config().password(auth_url, "someone", password, "something").user_id(user).project_id(project),
                   project, user, glance_url);
    check_identity(glance::Config()
                       .password(auth_url, "demo", password, "demo")
                       .user_domain_name("Default")
                       .project_name("demo")
                       .project_domain_name("Default")
                       .project_domain_id("default")
                       .user_domain_id("default"),
                   project, user, glance_url);
    // A domain scope is accepted by the builder (demo has no domain role).
    glance::Config().password(auth_url, "demo", password, "demo").domain_scope_id("default").domain_scope_name("Default");
    // A wrong password: the first call fails with Keystone's 401.
    glance::Client wrong = glance::Config().password(auth_url, "demo", "wrong password", "demo").build();
    auto unauthorized = THROWS(glance::AccessError, wrong.get(env("GLANCE_CPP_ACTIVE_ID")));
    CHECK_ERROR(unauthorized, Status::Unauthorized, 401, true, "/auth/tokens");
    // Application credentials, by id and by name.
    check_identity(glance::Config().application_credential(auth_url, env("GLANCE_CPP_APPCRED_ID"),
                                                           env("GLANCE_CPP_APPCRED_SECRET")),
                   project, user, glance_url);
    check_identity(glance::Config()
                       .application_credential_name(auth_url, env("GLANCE_CPP_APPCRED_NAME"), "demo",
                                                    env("GLANCE_CPP_APPCRED_SECRET"))
                       .user_domain_id("default"),
                   project, user, glance_url);
    // A token exchanged for a project-scoped one with a catalog.
    check_identity(glance::Config().keystone_token(auth_url, env("GLANCE_CPP_DEMO_TOKEN")).project_name("demo"),
                   project, user, glance_url);
    // A bare token knows neither project nor user; it has no object storage.
    glance::Client bare = demo();
    CHECK_EQ(bare.project_id(), std::string());
    CHECK_EQ(bare.user_id(), std::string());
    CHECK_EQ(THROWS(glance::ArgumentError, bare.endpoint_url("compute")).status(), Status::InvalidArg);
    CHECK_EQ(THROWS(glance::ConfigError, bare.endpoint_url("object-store")).status(), Status::Config);
    glance::Client with_store = glance::Config()
                                    .endpoint(glance_url)
                                    .token(env("GLANCE_CPP_DEMO_TOKEN"))
                                    .object_store_endpoint(env("GLANCE_CPP_DOUBLE_URL") + "/v1/AUTH_c")
                                    .build();
    CHECK_CONTAINS(with_store.endpoint_url("object-store"), "/v1/AUTH_c");

    // Keystone v2.0 and Rackspace API keys on the double.
    glance::Client v2 = glance::Config()
                            .v2_password(env("GLANCE_CPP_DOUBLE_URL") + "/v2.0", "v2-user", "v2-pass")
                            .project_name("v2-tenant")
                            .region("RegionOne")
                            .build();
    CHECK_EQ(v2.get("whoami").name(), std::optional<std::string>("v2-token"));
    CHECK_EQ(v2.project_id(), std::string("t-v2"));
    glance::Client rax = glance::Config().rackspace_api_key(env("GLANCE_CPP_DOUBLE_URL"), "rax-user", "rax-key").build();
    CHECK_EQ(rax.get("whoami").name(), std::optional<std::string>("rax-token"));
    CHECK_EQ(rax.project_id(), std::string("123456"));
    CHECK_EQ(rax.user_id(), std::string("42"));
    glance::Client bad_key = glance::Config().rackspace_api_key(env("GLANCE_CPP_DOUBLE_URL"), "rax-user", "bad").build();
    CHECK_ERROR(THROWS(glance::AccessError, bad_key.get("whoami")), Status::Unauthorized, 401, true,
                "bad credentials");
}

static void wire_log_reports_each_attempt() {
    struct Seen {
        int events = 0;
        std::string method, url;
        std::uint16_t status = 0;
        std::optional<std::string> request_id, error;
        std::uint32_t attempt = 0;
    };
    auto seen = std::make_shared<Seen>();
    glance::Client client = double_config()
                                .wire_log([seen](const glance::WireEvent &event) {
                                    seen->events++;
                                    seen->method = event.method();
                                    seen->url = event.url();
                                    seen->status = event.status();
                                    seen->request_id = event.request_id();
                                    seen->attempt = event.attempt();
                                    seen->error = event.error();
                                    CHECK(event.elapsed().count() >= 0);
                                })
                                .build();
    THROWS(glance::HttpError, client.get("e500"));
    CHECK_EQ(seen->events, 1);
    CHECK_EQ(seen->method, std::string("GET"));
    CHECK_CONTAINS(seen->url, "/v2/images/e500");
    CHECK_EQ(seen->status, 500);
    CHECK_EQ(seen->request_id, std::optional<std::string>("req-double"));
    CHECK_EQ(seen->attempt, 1u);
    CHECK(!seen->error.has_value());
    // No answer: the event says why.
    glance::Client refused = glance::Config()
                                 .endpoint("http://127.0.0.1:1")
                                 .token("t")
                                 .disable_proxy()
                                 .retry(1, 1ms, 1ms)
                                 .wire_log([seen](const glance::WireEvent &event) {
                                     seen->status = event.status();
                                     seen->error = event.error();
                                 })
                                 .build();
    THROWS(glance::NetworkError, refused.get("x"));
    CHECK_EQ(seen->status, 0);
    CHECK(seen->error.has_value());
    // Ranges and object stores made from a client keep its logger alive:
    // they may make requests after the client is gone (ASan sees a use after
    // free otherwise).
    auto logging_client = [seen] {
        return double_config()
            .wire_log([seen](const glance::WireEvent &event) {
                seen->events++;
                seen->url = event.url();
            })
            .build();
    };
    std::optional<glance::ImageRange> range;
    {
        glance::ListOptions pages;
        pages.property("scenario", "pages");
        range.emplace(logging_client().images(pages));
    }
    int before = seen->events;
    std::size_t listed = 0;
    for (const glance::Image &image : *range) listed += image.id().empty() ? 0u : 1u;
    CHECK_EQ(listed, 3u);
    CHECK_EQ(seen->events, before + 2);
    range.reset();
    std::optional<glance::TaskRange> tasks;
    tasks.emplace(logging_client().tasks());
    before = seen->events;
    THROWS(glance::NotFoundError, tasks->next());
    CHECK_EQ(seen->events, before + 1);
    tasks.reset();
    std::optional<glance::ObjectStore> store;
    store.emplace(logging_client().object_store_at(env("GLANCE_CPP_DOUBLE_URL") + "/v1/AUTH_c"));
    before = seen->events;
    CHECK(store->container_exists("exports"));
    CHECK_EQ(seen->events, before + 1);
    CHECK_CONTAINS(seen->url, "/v1/AUTH_c/exports");
    store.reset();

    // A logger that throws cannot fail the request.
    glance::Client throwing =
        double_config().wire_log([](const glance::WireEvent &) { throw std::runtime_error("logger broke"); }).build();
    CHECK_EQ(throwing.get("via-proxy").id(), std::string("via-proxy"));
}

void test_config_and_auth() {
    building_checks_the_settings();
    settings_change_behaviour();
    every_way_to_authenticate();
    wire_log_reports_each_attempt();
}

} // namespace suite
