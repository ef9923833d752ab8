// The suite's helpers and its entry point.
#include "suite.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

namespace suite {

void fail(const char *file, int line, const std::string &what, const std::string &detail) {
    std::cerr << "\nFAILED " << file << ":" << line << ": " << what << (detail.empty() ? "" : " ") << detail
              << std::endl;
    std::exit(1);
}

void check_error(const char *file, int line, const glance::Error &error, glance::Status status,
                 std::uint16_t http_status, bool with_request_id, const std::string &part) {
    if (error.status() != status) {
        fail(file, line, "error.status()", "is " + show(error.status()) + ", expected " + show(status) + ": " +
                                               error.what());
    }
    if (error.http_status() != http_status) {
        fail(file, line, "error.http_status()",
             "is " + show(error.http_status()) + ", expected " + show(http_status) + ": " + error.what());
    }
    if (error.request_id().has_value() != with_request_id) {
        fail(file, line, "error.request_id()", with_request_id ? "is absent" : "is set");
    }
    if (error.message().find(part) == std::string::npos || std::string(error.what()) != error.message()) {
        fail(file, line, "error.message()", "\"" + error.message() + "\" lacks \"" + part + "\"");
    }
}

std::string env(const char *name) {
    const char *value = std::getenv(name);
    if (value == nullptr || value[0] == '\0') {
        std::cerr << name
                  << " is not set: run the C++ suite through tests/cpp_binding.rs "
                     "(cargo test --test cpp_binding -- --ignored) with the local cloud's settings loaded"
                  << std::endl;
        std::exit(2);
    }
    return value;
}

static glance::Client client_for(const std::string &endpoint, const std::string &token, std::uint32_t attempts) {
    return glance::Config()
        .endpoint(endpoint)
        .token(token)
        .disable_proxy()
        .retry(attempts, std::chrono::milliseconds(1), std::chrono::milliseconds(10))
        .build();
}

glance::Client demo() { return client_for(env("GLANCE_TEST_GLANCE_URL"), env("GLANCE_CPP_DEMO_TOKEN"), 3); }
glance::Client alt() { return client_for(env("GLANCE_TEST_GLANCE_URL"), env("GLANCE_CPP_ALT_TOKEN"), 3); }
glance::Client double_client() { return client_for(env("GLANCE_CPP_DOUBLE_URL"), "double-token", 1); }
glance::Client cloud(const std::string &name) { return glance::Client::from_cloud(name); }

std::string unique(const std::string &what) {
    static unsigned counter;
    return env("GLANCE_CPP_RUN_ID") + "-" + what + "-" + std::to_string(counter++);
}

glance::CreateOptions run_opts(const std::string &name) {
    glance::CreateOptions opts;
    opts.name(name)
        .disk_format("raw")
        .container_format("bare")
        .visibility("private")
        .property("cpp_suite_run", env("GLANCE_CPP_RUN_ID"));
    return opts;
}

glance::Image create_image(const glance::Client &client, const std::string &name) {
    glance::Image image = client.create(run_opts(name));
    CHECK_EQ(image.name(), std::optional<std::string>(name));
    return image;
}

std::string pattern(std::size_t size, unsigned seed) {
    std::string data(size, '\0');
    std::uint32_t state = 2166136261u ^ seed;
    for (auto &byte : data) {
        state = state * 1664525u + 1013904223u;
        byte = static_cast<char>(state >> 24);
    }
    return data;
}

std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(__FILE__, __LINE__, "reading " + path, "failed");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string &path, const std::string &data) {
    std::ofstream out(path, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) fail(__FILE__, __LINE__, "writing " + path, "failed");
}

} // namespace suite

int main() {
    static const struct {
        const char *name;
        void (*run)();
    } groups[] = {
        {"errors, statuses, owners", suite::test_errors_and_owners},
        {"configuration, authentication", suite::test_config_and_auth},
        {"images", suite::test_images},
        {"listing", suite::test_listing},
        {"members, tags, schemas", suite::test_members_tags_schemas},
        {"raw requests", suite::test_request},
        {"openstacksdk create", suite::test_openstacksdk},
        {"image data and import", suite::test_image_data},
        {"create-with-data forms", suite::test_create_with_data},
        {"glance-download between regions", suite::test_glance_download},
        {"expected digests", suite::test_expected_digest},
        {"web-download digests", suite::test_web_download_digest},
        {"tasks", suite::test_tasks},
        {"object storage, journeys", suite::test_object_store_and_journeys},
        {"threads sharing a client", suite::test_threads},
        {"capabilities, usage, prefer", suite::test_info},
    };
    std::cout << "glance-client C++ suite, library " << glance::version() << ", header " << GLANCE_VERSION
              << std::endl;
    for (const auto &group : groups) {
        std::printf("  %-34s", group.name);
        std::fflush(stdout);
        try {
            group.run();
        } catch (const glance::Error &error) {
            suite::fail(__FILE__, __LINE__, group.name,
                        "threw glance::Error, status " + suite::show(error.status()) + ", HTTP " +
                            std::to_string(error.http_status()) + ", request id " +
                            error.request_id().value_or("(none)") + ": " + error.what());
        } catch (const std::exception &error) {
            suite::fail(__FILE__, __LINE__, group.name, std::string("threw ") + error.what());
        }
        std::printf("ok\n");
    }
    std::cout << "all C++ checks passed" << std::endl;
    return 0;
}
