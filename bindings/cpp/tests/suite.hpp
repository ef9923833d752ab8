// The C++ suite's helpers: checks that stop the run with what went wrong,
// clients for the real cloud and the test double, unique names. The harness
// tests/cpp_binding.rs builds the suite and sets the GLANCE_CPP_* variables.
#ifndef GLANCE_CPP_SUITE_HPP
#define GLANCE_CPP_SUITE_HPP

#include "glance.hpp"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace suite {

/// Reports a failed check and exits 1.
[[noreturn]] void fail(const char *file, int line, const std::string &what, const std::string &detail);

/// How a value prints in a failure.
template <typename T> std::string show(const T &value) {
    std::ostringstream out;
    out << value;
    return out.str();
}
inline std::string show(const std::string &value) { return "\"" + value + "\""; }
inline std::string show(const std::optional<std::string> &value) {
    return value ? show(*value) : std::string("(nullopt)");
}
inline std::string show(const std::optional<std::uint64_t> &value) {
    return value ? show(*value) : std::string("(nullopt)");
}
inline std::string show(const std::vector<std::string> &values) {
    std::string out = "[";
    for (const auto &value : values) out += (out.size() > 1 ? ", " : "") + show(value);
    return out + "]";
}
inline std::string show(glance::Status status) {
    return std::to_string(static_cast<std::uint32_t>(status)) + " (" + glance::status_str(status) + ")";
}

/// A check that a callable throws `E`; gives the exception for more checks.
template <typename E, typename F> E throws(F &&call, const char *file, int line, const char *what) {
    try {
        call();
    } catch (const E &error) {
        return error;
    } catch (const glance::Error &error) {
        fail(file, line, what,
             "threw another glance::Error: status " + show(error.status()) + ": " + error.what());
    } catch (...) {
        fail(file, line, what, "threw something else");
    }
    fail(file, line, what, "did not throw");
}

/// The error carries this status and HTTP status, a request id when
/// `with_request_id`, and a message containing `part`.
void check_error(const char *file, int line, const glance::Error &error, glance::Status status,
                 std::uint16_t http_status, bool with_request_id, const std::string &part);

/// An environment variable the harness sets.
std::string env(const char *name);

/// Clients of the real cloud as demo / alt_demo (endpoint + token).
glance::Client demo();
glance::Client alt();
/// A client of the test double, without retries.
glance::Client double_client();
/// A client of a cloud of clouds.yaml.
glance::Client cloud(const std::string &name);

/// A name no other run uses.
std::string unique(const std::string &what);
/// Create options with this run's cpp_suite_run property (the harness
/// removes every image carrying it).
glance::CreateOptions run_opts(const std::string &name);
/// A private raw/bare image of this run.
glance::Image create_image(const glance::Client &client, const std::string &name);
/// `size` pseudo-random bytes.
std::string pattern(std::size_t size, unsigned seed);
/// A file's bytes, and writing bytes to one.
std::string read_file(const std::string &path);
void write_file(const std::string &path, const std::string &data);

// The groups of checks, one per file.
void test_errors_and_owners();
void test_config_and_auth();
void test_images();
void test_listing();
void test_members_tags_schemas();
void test_request();
void test_openstacksdk();
void test_image_data();
void test_create_with_data();
void test_glance_download();
void test_expected_digest();
void test_web_download_digest();
void test_tasks();
void test_object_store_and_journeys();
void test_threads();
void test_info();

} // namespace suite

#define CHECK(cond)                                                                \
    do {                                                                           \
        if (!(cond)) ::suite::fail(__FILE__, __LINE__, #cond, "");                 \
    } while (0)

#define CHECK_EQ(actual, expected)                                                 \
    do {                                                                           \
        const auto &a_ = (actual);                                                 \
        const auto &e_ = (expected);                                               \
        if (!(a_ == e_)) {                                                         \
            ::suite::fail(__FILE__, __LINE__, #actual " == " #expected,            \
                          "is " + ::suite::show(a_) + ", expected " + ::suite::show(e_)); \
        }                                                                          \
    } while (0)

#define CHECK_CONTAINS(actual, part)                                               \
    do {                                                                           \
        const std::string a_ = (actual);                                           \
        if (a_.find(part) == std::string::npos) {                                  \
            ::suite::fail(__FILE__, __LINE__, #actual, "\"" + a_ + "\" lacks \"" + std::string(part) + "\""); \
        }                                                                          \
    } while (0)

/// `call` must throw `Type`; evaluates to the exception.
#define THROWS(Type, call) ::suite::throws<Type>([&] { (void)(call); }, __FILE__, __LINE__, #call)

#define CHECK_ERROR(error, status, http, with_request_id, part) \
    ::suite::check_error(__FILE__, __LINE__, (error), (status), (http), (with_request_id), (part))

#endif
