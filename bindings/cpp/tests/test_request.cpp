// The raw request against the real cloud: a metadata definitions namespace
// created, listed, read and deleted as admin; Glance's refusals as the typed
// exceptions; a caller's content type; another host refused.
#include "suite.hpp"

using glance::Status;

namespace suite {

static bool namespace_listed(const glance::Client &admin, const std::string &name) {
    glance::Response listing = admin.request("GET", "/v2/metadefs/namespaces?limit=1000");
    return listing.body().find("\"namespace\": \"" + name + "\"") != std::string::npos;
}

static void metadefs_namespace(const glance::Client &admin) {
    const std::string name = unique("raw-ns");
    const std::string body = "{\"namespace\": \"" + name + "\", \"display_name\": \"c++\"}";
    glance::Response created = admin.request("POST", "/v2/metadefs/namespaces", {}, body);
    CHECK_EQ(created.status(), std::uint16_t{201});
    CHECK_CONTAINS(created.header("X-OpenStack-Request-Id").value_or(""), "req-");
    CHECK_CONTAINS(created.body(), "\"display_name\": \"c++\"");
    bool has_location = false;
    for (const auto &header : created.headers()) has_location |= header.first == "location";
    CHECK(has_location);
    CHECK(namespace_listed(admin, name));

    const std::string path = "/v2/metadefs/namespaces/" + name;
    glance::Response read = admin.request("GET", env("GLANCE_TEST_GLANCE_URL") + path);
    CHECK_CONTAINS(read.body(), name);
    glance::Response deleted = admin.request("DELETE", path);
    CHECK_EQ(deleted.status(), std::uint16_t{204});
    CHECK_EQ(deleted.body(), std::string());
    CHECK(!namespace_listed(admin, name));
    auto gone = THROWS(glance::NotFoundError, admin.request("GET", path));
    CHECK_ERROR(gone, Status::NotFound, 404, true, name);
}

static void refusals() {
    glance::Client client = demo();
    auto forbidden = THROWS(glance::AccessError,
                            client.request("POST", "/v2/metadefs/namespaces", {}, std::string("{\"namespace\": \"x\"}")));
    CHECK_ERROR(forbidden, Status::Forbidden, 403, true, "");
    auto elsewhere = THROWS(glance::ArgumentError, client.request("GET", "http://127.0.0.2:9/v2/images"));
    CHECK_ERROR(elsewhere, Status::InvalidArg, 0, false, "token stays private");
    auto token = THROWS(glance::ArgumentError, client.request("GET", "/v2/info/usage", {{"X-Auth-Token", "stolen"}}));
    CHECK_ERROR(token, Status::InvalidArg, 0, false, "set by the client");

    glance::Image image = create_image(client, unique("raw-patch"));
    glance::Response patched = client.request(
        "PATCH", "/v2/images/" + image.id(), {{"Content-Type", "application/openstack-images-v2.1-json-patch"}},
        std::string("[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"renamed-by-raw\"}]"));
    CHECK_EQ(patched.status(), std::uint16_t{200});
    CHECK_EQ(client.get(image.id()).name(), std::optional<std::string>("renamed-by-raw"));
    client.delete_image(image.id());
}

void test_request() {
    metadefs_namespace(cloud("admin"));
    refusals();
}

} // namespace suite
