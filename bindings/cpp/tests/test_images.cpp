// Images on the real cloud: create options and every getter, update with
// each patch operation, set_properties, rename, find, protected images,
// deactivate/reactivate, delete; listings (every filter, pages, links, the
// lazy range over all images); members, tags and schemas.
#include "suite.hpp"

#include <algorithm>
#include <iterator>
#include <random>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

static std::string random_uuid() {
    static std::mt19937 random{std::random_device{}()};
    const char *hex = "0123456789abcdef";
    std::string id = "xxxxxxxx-xxxx-4xxx-axxx-xxxxxxxxxxxx";
    for (auto &c : id) {
        if (c == 'x') c = hex[random() % 16];
    }
    return id;
}

static void every_field_reads_back(const glance::Client &client) {
    const std::string name = unique("getters");
    const std::string id = random_uuid();
    glance::CreateOptions opts = run_opts(name);
    opts.id(id)
        .disk_format("qcow2")
        .container_format("ovf")
        .visibility("community")
        .property("os_distro", "debian")
        .tag("one")
        .tag("two")
        .min_disk(2)
        .min_ram(512)
        .is_protected(false)
        .os_hidden(true);
    glance::Image image = client.create(opts);
    CHECK_EQ(image.id(), id);
    CHECK_EQ(image.name(), std::optional<std::string>(name));
    CHECK_EQ(image.status(), std::string("queued"));
    CHECK_EQ(image.visibility(), std::string("community"));
    CHECK_EQ(image.owner(), std::optional<std::string>(env("GLANCE_TEST_DEMO_PROJECT_ID")));
    CHECK(!image.checksum() && !image.os_hash_algo() && !image.os_hash_value());
    CHECK_EQ(image.disk_format(), std::optional<std::string>("qcow2"));
    CHECK_EQ(image.container_format(), std::optional<std::string>("ovf"));
    CHECK(image.created_at().has_value() && image.updated_at().has_value());
    CHECK(!image.is_protected());
    CHECK(image.os_hidden());
    CHECK(!image.size().has_value() && !image.virtual_size().has_value());
    CHECK_EQ(image.min_disk(), 2u);
    CHECK_EQ(image.min_ram(), 512u);
    std::vector<std::string> tags = image.tags();
    std::sort(tags.begin(), tags.end());
    CHECK_EQ(tags, (std::vector<std::string>{"one", "two"}));
    CHECK(image.stores().empty());
    std::vector<std::string> keys = image.property_keys();
    CHECK(std::find(keys.begin(), keys.end(), "os_distro") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "cpp_suite_run") != keys.end());
    CHECK_EQ(image.property("os_distro"), std::optional<std::string>("debian"));
    CHECK_EQ(image.property("min_ram"), std::optional<std::string>("512"));
    CHECK(!image.property("no_such_property").has_value());
    CHECK_CONTAINS(image.to_json(), "\"os_distro\":\"debian\"");
    glance::Image copy = image.clone();
    CHECK_EQ(copy.id(), id);
    client.delete_image(id);
    CHECK_ERROR(THROWS(glance::NotFoundError, client.get(id)), Status::NotFound, 404, true, id);
    CHECK_EQ(THROWS(glance::NotFoundError, client.delete_image(id)).status(), Status::NotFound);
    CHECK_EQ(THROWS(glance::NotFoundError, client.rename(id, "x")).status(), Status::NotFound);
    CHECK_EQ(THROWS(glance::NotFoundError, client.deactivate(id)).status(), Status::NotFound);
    auto bad_property = THROWS(glance::ArgumentError, client.create(run_opts(unique("bad")).property("name", "x")));
    CHECK_ERROR(bad_property, Status::InvalidArg, 0, false, "'name' is not a custom property name");
}

static void update_rename_set_properties(const glance::Client &client) {
    glance::Image image = create_image(client, unique("update"));
    const std::string id = image.id();
    glance::Patch patch;
    patch.add("os_distro", "debian")
        .add_json("cpp_json", "\"a json string\"")
        .replace_json("min_ram", "1024")
        .replace("container_format", "ovf");
    glance::Image updated = client.update(id, patch);
    CHECK_EQ(updated.property("os_distro"), std::optional<std::string>("debian"));
    glance::Image fresh = client.get(id);
    CHECK_EQ(fresh.property("cpp_json"), std::optional<std::string>("a json string"));
    CHECK_EQ(fresh.min_ram(), 1024u);
    CHECK_EQ(fresh.container_format(), std::optional<std::string>("ovf"));
    // Removing an attribute that is absent: Glance's 409.
    auto conflict = THROWS(glance::ConflictError,
                           client.update(id, glance::Patch().remove("os_distro").remove("os_distro")));
    CHECK_ERROR(conflict, Status::Conflict, 409, true, "PATCH");
    auto json = THROWS(glance::ArgumentError, glance::Patch().add_json("k", "{not json"));
    CHECK_ERROR(json, Status::InvalidArg, 0, false, "'json' is not valid JSON");
    CHECK_EQ(THROWS(glance::AccessError, client.update(id, glance::Patch().replace("status", "active"))).status(),
             Status::Forbidden);

    glance::Image set = client.set_properties(id, R"({"os_distro": "fedora", "cpp_json": null, "cpp_new": "x"})");
    CHECK_EQ(set.property("os_distro"), std::optional<std::string>("fedora"));
    fresh = client.get(id);
    CHECK(!fresh.property("cpp_json").has_value());
    CHECK_EQ(fresh.property("cpp_new"), std::optional<std::string>("x"));
    auto not_object = THROWS(glance::ArgumentError, client.set_properties(id, "[1, 2]"));
    CHECK_ERROR(not_object, Status::InvalidArg, 0, false, "'properties' is not a JSON object");

    const std::string renamed = unique("renamed");
    CHECK_EQ(client.rename(id, renamed).name(), std::optional<std::string>(renamed));
    CHECK_EQ(client.get(id).name(), std::optional<std::string>(renamed));

    // find: one, several, none.
    CHECK_EQ(client.find(renamed).id(), id);
    glance::Image twin = create_image(client, renamed);
    auto ambiguous = THROWS(glance::LookupError, client.find(renamed));
    CHECK_ERROR(ambiguous, Status::Ambiguous, 0, false, twin.id());
    const std::string missing = unique("missing");
    CHECK_ERROR(THROWS(glance::LookupError, client.find(missing)), Status::NoMatch, 0, false, missing);
    client.delete_image(twin.id());
    client.delete_image(id);
}

static void protected_deactivated() {
    glance::Client client = demo();
    glance::CreateOptions opts = run_opts(unique("protected"));
    opts.is_protected(true);
    glance::Image image = client.create(opts);
    CHECK(image.is_protected());
    CHECK_ERROR(THROWS(glance::AccessError, client.delete_image(image.id())), Status::Forbidden, 403, true, "");
    CHECK(!client.update(image.id(), glance::Patch().replace_json("protected", "false")).is_protected());
    client.delete_image(image.id());

    const std::string active = env("GLANCE_CPP_ACTIVE_ID");
    client.deactivate(active);
    CHECK_EQ(client.get(active).status(), std::string("deactivated"));
    client.reactivate(active);
    CHECK_EQ(client.get(active).status(), std::string("active"));
}

void test_images() {
    glance::Client client = demo();
    every_field_reads_back(client);
    update_rename_set_properties(client);
    protected_deactivated();
    // A token Keystone does not know.
    glance::Client wrong = glance::Config()
                               .endpoint(env("GLANCE_TEST_GLANCE_URL"))
                               .token("not-a-token")
                               .disable_proxy()
                               .build();
    CHECK_ERROR(THROWS(glance::AccessError, wrong.get(env("GLANCE_CPP_ACTIVE_ID"))), Status::Unauthorized, 401,
                false, "401");
}

/// How many images the range over every page yields for `options`.
static std::size_t count_all(const glance::Client &client, const glance::ListOptions &options) {
    std::size_t count = 0;
    for (const glance::Image &image : client.images(options)) {
        CHECK_EQ(image.property("cpp_suite_run"), std::optional<std::string>(env("GLANCE_CPP_RUN_ID")));
        count++;
    }
    return count;
}

static void filters(const glance::Client &client) {
    const std::string tag = unique("listing-tag");
    const std::string formats[3][2] = {{"raw", "bare"}, {"qcow2", "ovf"}, {"raw", "bare"}};
    std::vector<std::string> ids, names;
    for (int i = 0; i < 3; i++) {
        names.push_back(unique("listing"));
        glance::CreateOptions opts = run_opts(names.back());
        opts.disk_format(formats[i][0]).container_format(formats[i][1]).tag(tag).os_hidden(i == 2);
        ids.push_back(client.create(opts).id());
    }
    // Three images of this run carry the tag; the third is hidden.
    auto with = [&](auto &&tune) {
        glance::ListOptions options;
        options.property("cpp_suite_run", env("GLANCE_CPP_RUN_ID")).tag(tag);
        tune(options);
        return count_all(client, options);
    };
    CHECK_EQ(with([](glance::ListOptions &) {}), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.os_hidden(true); }), 1u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.os_hidden(false); }), 2u);
    CHECK_EQ(with([&](glance::ListOptions &o) { o.id(ids[0]); }), 1u);
    CHECK_EQ(with([&](glance::ListOptions &o) { o.ids({ids[0], ids[1]}); }), 2u);
    CHECK_EQ(with([&](glance::ListOptions &o) { o.name(names[1]); }), 1u);
    CHECK_EQ(with([&](glance::ListOptions &o) { o.names({names[0], names[1]}); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.visibility("private"); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.visibility("community"); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.member_status("all"); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.owner(env("GLANCE_TEST_DEMO_PROJECT_ID")); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.owner(env("GLANCE_TEST_ALT_PROJECT_ID")); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.tag("cpp-suite-no-such-tag"); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.status("queued"); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.status("active"); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.statuses({"queued", "saving"}); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.disk_format("raw"); }), 1u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.disk_formats({"raw", "qcow2"}); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.container_format("bare"); }), 1u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.container_formats({"ovf"}); }), 1u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.created_at("gte", "2000-01-01T00:00:00Z"); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.created_at("lt", "2000-01-01T00:00:00Z"); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.updated_at("gt", "2000-01-01T00:00:00Z"); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.updated_at("lte", "2000-01-01T00:00:00Z"); }), 0u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.is_protected(false); }), 2u);
    CHECK_EQ(with([](glance::ListOptions &o) { o.is_protected(true); }), 0u);
    // One image per page: the range fetches the pages as it goes.
    CHECK_EQ(with([](glance::ListOptions &o) { o.limit(1); }), 2u);

    // Sorting two ways, on one page.
    for (int way = 0; way < 4; way++) {
        glance::ListOptions options;
        options.property("cpp_suite_run", env("GLANCE_CPP_RUN_ID")).tag(tag);
        const char *dir = way % 2 == 0 ? "desc" : "asc";
        if (way < 2) {
            options.sort("name", dir).sort("created_at", "asc");
        } else {
            options.sort_key("name").sort_dir(dir);
        }
        glance::ImagePage page = client.list(options);
        CHECK_EQ(page.size(), 2u);
        const std::string low = std::min(names[0], names[1]), high = std::max(names[0], names[1]);
        CHECK_EQ(page[0].name(), std::optional<std::string>(way % 2 == 0 ? high : low));
        CHECK_EQ(page[1].name(), std::optional<std::string>(way % 2 == 0 ? low : high));
    }

    // A page at a time: links, markers, size filters.
    glance::ListOptions paged;
    paged.property("cpp_suite_run", env("GLANCE_CPP_RUN_ID")).tag(tag).limit(1).sort("name", "asc");
    glance::ImagePage first = client.list(paged);
    CHECK_EQ(first.size(), 1u);
    CHECK(!first.empty());
    CHECK(first.next().has_value());
    CHECK(first.first().has_value());
    glance::ImagePage second = client.list_at(*first.next());
    CHECK_EQ(second.size(), 1u);
    CHECK(second[0].id() != first[0].id());
    glance::ListOptions after;
    after.property("cpp_suite_run", env("GLANCE_CPP_RUN_ID")).tag(tag).sort("name", "asc").marker(first[0].id());
    glance::ImagePage rest = client.list(after);
    CHECK_EQ(rest.size(), 1u);
    CHECK_EQ(rest[0].id(), second[0].id());
    std::size_t seen = 0;
    for (glance::ImageRef image : rest) {
        CHECK_EQ(image.id(), second[0].id());
        seen++;
    }
    CHECK_EQ(seen, 1u);
    // The page's iterators work with the standard algorithms.
    CHECK_EQ(std::distance(rest.begin(), rest.end()), 1);
    CHECK_EQ(std::count_if(first.begin(), first.end(), [&](glance::ImageRef image) { return image.id() == ids[0]; }) +
                 std::count_if(rest.begin(), rest.end(), [&](glance::ImageRef image) { return image.id() == ids[0]; }),
             1);
    THROWS(std::out_of_range, rest[1]);
    glance::Image kept = rest[0].clone();
    CHECK_EQ(kept.id(), second[0].id());
    for (const auto &id : ids) client.delete_image(id);

    // The active image of the harness by size.
    const auto size = static_cast<std::uint64_t>(std::stoull(env("GLANCE_CPP_ACTIVE_SIZE")));
    glance::ListOptions sized;
    sized.id(env("GLANCE_CPP_ACTIVE_ID")).size_min(size).size_max(size);
    CHECK_EQ(client.list(sized).size(), 1u);
    glance::ListOptions too_small;
    too_small.id(env("GLANCE_CPP_ACTIVE_ID")).size_max(size - 1);
    CHECK_EQ(client.list(too_small).size(), 0u);

    auto dir = THROWS(glance::ArgumentError, glance::ListOptions().sort_dir("sideways"));
    CHECK_ERROR(dir, Status::InvalidArg, 0, false, "'asc' or 'desc', not 'sideways'");
    CHECK_ERROR(THROWS(glance::ArgumentError, glance::ListOptions().created_at("around", "2020")), Status::InvalidArg,
                0, false, "not 'around'");
}

static void pages_from_the_double() {
    glance::Client client = double_client();
    glance::ListOptions options;
    options.property("scenario", "pages");
    std::vector<std::string> ids;
    for (const glance::Image &image : client.images(options)) ids.push_back(image.id());
    CHECK_EQ(ids, (std::vector<std::string>{"p1", "p2", "p3"}));
    glance::ImageRange range = client.images(options);
    CHECK_EQ(range.next()->id(), std::string("p1"));
    CHECK_EQ(range.next()->id(), std::string("p2"));
    CHECK_EQ(range.next()->id(), std::string("p3"));
    CHECK(!range.next().has_value());
    CHECK(!range.next().has_value());
    glance::ImagePage page = client.list(options);
    CHECK_EQ(page.size(), 2u);
    CHECK_EQ(page.first(), std::optional<std::string>("/v2/images?scenario=pages"));
    glance::ImagePage last = client.list_at(*page.next());
    CHECK_EQ(last[0].id(), std::string("p3"));
    CHECK(!last.next().has_value());
    // A next link to another host: the range throws on the way, after what it had.
    glance::ListOptions elsewhere;
    elsewhere.property("scenario", "elsewhere");
    std::vector<std::string> before;
    auto error = THROWS(glance::NetworkError, [&] {
        for (const glance::Image &image : client.images(elsewhere)) before.push_back(image.id());
    }());
    CHECK_EQ(error.status(), Status::InvalidResponse);
    CHECK_EQ(before, std::vector<std::string>{"e1"});
    // An empty listing: begin() == end().
    glance::ImageRange empty = client.images();
    CHECK(empty.begin() == empty.end());
}

void test_listing() {
    glance::Client client = demo();
    filters(client);
    pages_from_the_double();
}

static void members(const glance::Client &demo_client) {
    glance::Client alt_client = alt();
    glance::Client alt_keystone = cloud("alt_demo");
    const std::string alt_project = env("GLANCE_TEST_ALT_PROJECT_ID");
    glance::Image image = create_image(demo_client, unique("members"));
    const std::string id = image.id();
    CHECK_ERROR(THROWS(glance::OperationError, demo_client.add_member(id, alt_project)), Status::Unsharable, 403,
                true, "");
    demo_client.update(id, glance::Patch().replace("visibility", "shared"));
    glance::Member added = demo_client.add_member(id, alt_project);
    CHECK_EQ(added.member_id(), alt_project);
    CHECK_EQ(added.image_id(), id);
    CHECK_EQ(added.status(), std::string("pending"));
    CHECK(added.created_at().has_value() && added.updated_at().has_value());
    CHECK_ERROR(THROWS(glance::OperationError, demo_client.add_member(id, alt_project)), Status::AlreadyMember, 409,
                true, "");
    glance::Members list = demo_client.members(id);
    CHECK_EQ(list.size(), 1u);
    CHECK(!list.empty());
    CHECK_EQ(list[0].member_id(), alt_project);
    for (glance::MemberRef member : list) CHECK_EQ(member.image_id(), id);
    glance::Member kept = list[0].clone();
    CHECK_EQ(kept.status(), std::string("pending"));
    THROWS(std::out_of_range, list[1]);
    CHECK_EQ(THROWS(glance::OperationError, demo_client.update_member_status(id, alt_project, "accepted")).status(),
             Status::MemberStatusForbidden);
    CHECK_ERROR(THROWS(glance::ArgumentError, demo_client.update_member_status(id, alt_project, "maybe")),
                Status::InvalidArg, 0, false, "received 'maybe'");
    CHECK_EQ(alt_client.update_member_status(id, alt_project, "accepted").status(), std::string("accepted"));
    CHECK_EQ(demo_client.member(id, alt_project).status(), std::string("accepted"));
    CHECK_EQ(alt_client.get(id).id(), id);
    CHECK_EQ(alt_client.update_member_status(id, alt_project, "rejected").status(), std::string("rejected"));
    // A bare token does not know its project.
    CHECK_EQ(THROWS(glance::ConfigError, alt_client.update_own_member_status(id, "accepted")).status(),
             Status::Config);
    CHECK_EQ(alt_keystone.update_own_member_status(id, "accepted").status(), std::string("accepted"));
    demo_client.remove_member(id, alt_project);
    CHECK_ERROR(THROWS(glance::OperationError, demo_client.member(id, alt_project)), Status::NotAMember, 404, true,
                "");
    CHECK_EQ(THROWS(glance::NotFoundError, alt_client.get(id)).status(), Status::NotFound);
    demo_client.delete_image(id);
    CHECK_EQ(THROWS(glance::NotFoundError, demo_client.members(id)).status(), Status::NotFound);
}

static void tags_and_schemas(const glance::Client &client) {
    glance::Image image = create_image(client, unique("tags"));
    const std::string id = image.id();
    client.add_tag(id, "alpha");
    client.add_tag(id, "beta gamma");
    std::vector<std::string> tags = client.get(id).tags();
    std::sort(tags.begin(), tags.end());
    CHECK_EQ(tags, (std::vector<std::string>{"alpha", "beta gamma"}));
    client.remove_tag(id, "alpha");
    CHECK_EQ(client.get(id).tags(), std::vector<std::string>{"beta gamma"});
    CHECK_ERROR(THROWS(glance::ArgumentError, client.add_tag(id, "")), Status::InvalidArg, 0, false,
                "a tag must not be empty");
    tags = client.replace_tags(id, {"x", "y"}).tags();
    std::sort(tags.begin(), tags.end());
    CHECK_EQ(tags, (std::vector<std::string>{"x", "y"}));
    CHECK(client.replace_tags(id, {}).tags().empty());
    CHECK(client.get(id).tags().empty());
    client.delete_image(id);

    for (const char *name : {"images", "image", "members", "member", "tasks", "task"}) {
        CHECK_CONTAINS(client.schema(name), "\"name\":");
    }
    CHECK_CONTAINS(client.schema("image"), "\"disk_format\"");
    CHECK_EQ(THROWS(glance::ArgumentError, client.schema("flavor")).status(), Status::InvalidArg);
}

void test_members_tags_schemas() {
    glance::Client client = demo();
    members(client);
    tags_and_schemas(client);
}

} // namespace suite
