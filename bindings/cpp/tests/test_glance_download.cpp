// glance-download on the real two-region cloud: RegionTwo's Glance imports
// an image of RegionOne itself; the bytes and digests arrive unchanged. The
// option checks its arguments.
#include "suite.hpp"

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

void test_glance_download() {
    glance::ImportOptions checked;
    CHECK_ERROR(THROWS(glance::ArgumentError, checked.glance_download("", "RegionOne")), Status::InvalidArg, 0, false,
                "image id must not be empty");
    CHECK_ERROR(THROWS(glance::ArgumentError, checked.glance_download("x", " ")), Status::InvalidArg, 0, false,
                "needs a region");
    THROWS(glance::ArgumentError, checked.glance_download("x", "RegionOne", ""));
    CHECK_ERROR(THROWS(glance::ArgumentError, checked.method("glance-download")), Status::InvalidArg, 0, false,
                "glance_import_opts_set_glance_download");

    glance::Client one = cloud("demo");
    glance::Client two = cloud("demo_region_two");
    const std::string data = pattern(700u * 1024u + 9u, 11);
    const std::string name = unique("glance-download");
    glance::Image source = one.create_with_data_buffer(run_opts(name), data);
    glance::Image target = two.create(run_opts(name));
    two.import_image(target.id(), glance::ImportOptions().glance_download(source.id(), "RegionOne", "public"));
    glance::Image arrived = two.wait_import(target.id(), 200ms, 120s);
    CHECK_EQ(arrived.status(), std::string("active"));
    CHECK_EQ(arrived.size(), std::optional<std::uint64_t>(data.size()));
    CHECK_EQ(arrived.checksum(), source.checksum());
    CHECK_EQ(arrived.os_hash_value(), source.os_hash_value());
    CHECK_CONTAINS(two.image_tasks_json(target.id()), "\"glance-download\"");
    CHECK(two.download_to_string(target.id()) == data);
    two.delete_image(target.id());
    one.delete_image(source.id());
}

} // namespace suite
