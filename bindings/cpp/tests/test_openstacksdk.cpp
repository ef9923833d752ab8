// openstacksdk's create against the real cloud: the stamped digests, the
// image found again instead of uploaded twice, duplicates when asked for.
#include "suite.hpp"

#include <cstdio>

using glance::Status;

namespace suite {

void test_openstacksdk() {
    glance::Client client = demo();
    const std::string name = unique("sdk-create");
    const std::string path = "/tmp/" + name + ".raw";
    write_file(path, "abc");
    glance::Image first = client.create_like_openstacksdk(run_opts(name), path);
    CHECK_EQ(first.property("owner_specified.openstack.md5"),
             std::optional<std::string>("900150983cd24fb0d6963f7d28e17f72"));
    CHECK_EQ(first.property("owner_specified.openstack.sha256"),
             std::optional<std::string>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK_EQ(first.property("owner_specified.openstack.object"), std::optional<std::string>("images/" + name));
    CHECK_EQ(client.create_like_openstacksdk(run_opts(name), path).id(), first.id());
    glance::Image duplicate = client.create_like_openstacksdk(run_opts(name), path, true);
    CHECK(duplicate.id() != first.id());
    auto ambiguous = THROWS(glance::LookupError, client.create_like_openstacksdk(run_opts(name), path));
    CHECK_ERROR(ambiguous, Status::Ambiguous, 0, false, name);
    client.delete_image(duplicate.id());
    client.delete_image(first.id());
    std::remove(path.c_str());
}

} // namespace suite
