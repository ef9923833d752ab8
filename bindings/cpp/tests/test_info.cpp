// Capabilities, quota usage, the stores' details (admin), the download store
// preference, find over hidden images and NotSupported, on the real cloud.
#include "suite.hpp"

#include <cstdlib>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

static void capabilities_usage_and_stores() {
    glance::Client client = demo();
    const std::string caps = client.capabilities_json();
    CHECK_CONTAINS(caps, "\"api_version\":\"2.");
    CHECK_CONTAINS(caps, "\"glance-direct\"");
    CHECK_CONTAINS(caps, "\"stores\":[\"fs\",\"fs2\"]");
    // No unified limits on the local cloud: Glance answers {"usage": {}}.
    CHECK_EQ(client.usage_json(), std::string("{}"));
    const std::string detail = cloud("admin").stores_detail_json();
    CHECK_CONTAINS(detail, "\"id\":\"fs2\"");
    CHECK_CONTAINS(detail, "\"type\":\"file\"");
    CHECK_CONTAINS(detail, "/images2/");
    auto denied = THROWS(glance::AccessError, client.stores_detail_json());
    CHECK_EQ(denied.status(), Status::Forbidden);
}

static void download_prefers_a_store() {
    glance::Client client = demo();
    const std::string data = pattern(50000, 18);
    glance::Image image = create_image(client, unique("info-prefer"));
    const std::string id = image.id();
    client.stage_buffer(id, data);
    glance::ImportOptions both;
    both.method("glance-direct").store("fs").store("fs2");
    client.import_image(id, both);
    client.wait_import(id, 200ms, 120s);
    // Spoil the copy in fs2 only: reading it fails verification.
    const char *dir = std::getenv("GLANCE_TEST_CLOUD_DIR");
    CHECK(dir != nullptr);
    const std::string spoiled = std::string(dir) + "/data/glance/images2/" + id;
    CHECK_EQ(read_file(spoiled).size(), data.size());
    write_file(spoiled, std::string(data.size(), '\0'));

    glance::TransferOptions fs2;
    fs2.prefer_stores({"fs2"});
    auto mismatch = THROWS(glance::OperationError, client.download_to_string(id, fs2));
    CHECK_EQ(mismatch.status(), Status::ChecksumMismatch);
    glance::TransferOptions fs;
    fs.prefer_stores({"fs"});
    CHECK(client.download_to_string(id, fs) == data);
    glance::TransferOptions unknown;
    unknown.prefer_stores({"nosuchstore"});
    auto unsupported = THROWS(glance::OperationError, client.download_to_string(id, unknown));
    CHECK_ERROR(unsupported, Status::NotSupported, 0, false, "nosuchstore");
    CHECK_CONTAINS(unsupported.what(), "fs2");
    client.delete_image(id);
}

static void find_sees_hidden_images() {
    glance::Client client = demo();
    const std::string name = unique("info-hidden");
    glance::CreateOptions hidden = run_opts(name);
    hidden.os_hidden(true);
    glance::Image image = client.create(hidden);
    CHECK_EQ(client.find(name).id(), image.id());
    client.delete_image(image.id());
}

// The test double plays an old cloud (Images API 2.9): what the real,
// current Glance cannot show.
static void an_old_cloud_says_what_it_lacks() {
    glance::Client old = double_client();
    auto usage = THROWS(glance::OperationError, old.usage_json());
    CHECK_ERROR(usage, Status::NotSupported, 0, false, "needs Images API 2.13; this cloud offers up to 2.9");
    auto detail = THROWS(glance::OperationError, old.stores_detail_json());
    CHECK_ERROR(detail, Status::NotSupported, 0, false, "2.15");
    CHECK_CONTAINS(old.capabilities_json(), "\"api_version\":\"2.9\"");
}

void test_info() {
    an_old_cloud_says_what_it_lacks();
    capabilities_usage_and_stores();
    download_prefers_a_store();
    find_sees_hidden_images();
}

} // namespace suite
