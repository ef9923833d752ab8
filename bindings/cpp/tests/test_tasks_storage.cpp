// Tasks (an admin's upstream import on the real Glance, listings, the lazy
// range; Rackspace's export/import tasks on the double), object storage on
// the real Swift, and the journeys: export to a container and import back,
// copy between regions.
#include "suite.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

namespace {
struct Stop {};
} // namespace

static void rackspace_tasks() {
    glance::Client client = double_client();
    glance::ObjectStore store = client.object_store_at(env("GLANCE_CPP_DOUBLE_URL") + "/v1/AUTH_c");
    auto missing = THROWS(glance::OperationError, client.create_export_task(store, "img", "missing"));
    CHECK_ERROR(missing, Status::NoSuchContainer, 404, false, "container 'missing' does not exist");
    glance::Task task = client.create_export_task(store, "img", "exports");
    CHECK_EQ(task.type(), std::string("export"));
    CHECK_EQ(task.status(), std::string("pending"));
    CHECK(!task.is_finished());
    CHECK_EQ(task.input(), std::optional<std::string>(R"({"image_uuid":"img","receiving_swift_container":"exports"})"));
    CHECK(!task.result().has_value());
    unsigned polls = 0;
    std::string last;
    glance::Task done = client.wait_task(task.id(), 1ms, 0ms, [&](const glance::TaskRef &polled) {
        polls++;
        last = polled.status();
        return true;
    });
    CHECK_EQ(polls, 1u);
    CHECK_EQ(last, std::string("success"));
    CHECK(done.is_finished());
    CHECK_EQ(done.result(), std::optional<std::string>(R"({"export_location":"exports/img.vhd"})"));
    CHECK_EQ(done.expires_at(), std::optional<std::string>("2014-02-28T02:35:02Z"));

    glance::Task import = client.create_container_import_task(store, "exports", "disk.vhd");
    CHECK_CONTAINS(*import.input(), "\"import_from\":\"exports/disk.vhd\"");
    CHECK_CONTAINS(*import.input(), "\"import_from_format\":\"vhd\"");
    CHECK_CONTAINS(*import.input(), "\"name\":\"disk.vhd\"");
    glance::Task named = client.create_container_import_task(store, "exports", "disk.vhd", "Named", "VHD");
    CHECK_CONTAINS(*named.input(), "\"name\":\"Named\"");
    CHECK_CONTAINS(*named.input(), "\"import_from_format\":\"VHD\"");
    auto failed = THROWS(glance::OperationError, client.wait_task(named.id(), 1ms));
    CHECK_ERROR(failed, Status::TaskFailed, 0, false, "not a valid fixed or dynamic disk");

    // A task that never ends: the callback (false, or an exception) or the timeout stops the wait.
    polls = 0;
    CHECK_EQ(THROWS(glance::AbortedError, client.wait_task("t-slow", 1ms, 0ms, [&](const glance::TaskRef &) {
                 return ++polls < 3;
             })).status(),
             Status::Aborted);
    CHECK_EQ(polls, 3u);
    THROWS(Stop, client.wait_task("t-slow", 1ms, 0ms, [](const glance::TaskRef &) -> bool { throw Stop{}; }));
    auto timeout = THROWS(glance::NetworkError, client.wait_task("t-slow", 5ms, 40ms));
    CHECK_ERROR(timeout, Status::Timeout, 0, false, "still 'processing'");
    CHECK_EQ(THROWS(glance::ArgumentError, client.wait_task("t-slow", 0ms)).status(), Status::InvalidArg);
}

static void upstream_import() {
    glance::Client admin = cloud("admin");
    const std::string name = unique("task-import");
    const std::string url = env("GLANCE_CPP_DOUBLE_URL") + "/blob.bin";
    glance::Task task = admin.create_import_task(
        url, "raw", R"({"name": ")" + name + R"(", "disk_format": "raw", "container_format": "bare"})");
    CHECK_EQ(task.type(), std::string("import"));
    CHECK_CONTAINS(*task.input(), url);
    const std::string id = task.id();
    unsigned polls = 0;
    glance::Task done = admin.wait_task(id, 100ms, 120s, [&](const glance::TaskRef &) {
        polls++;
        return true;
    });
    CHECK(polls >= 1);
    CHECK_EQ(done.status(), std::string("success"));
    CHECK(done.owner() && done.created_at() && done.updated_at() && done.expires_at() && done.message());
    CHECK_CONTAINS(*done.result(), "image_id");
    glance::Image image = admin.get(*done.image_id());
    CHECK_EQ(image.name(), std::optional<std::string>(name));
    CHECK_EQ(image.size(), std::optional<std::uint64_t>(4096));
    admin.delete_image(image.id());
    CHECK_EQ(done.clone().id(), id);
    CHECK_EQ(admin.task(id).image_id(), done.image_id());

    // Listed among the successful imports, page by page.
    glance::TaskListOptions options;
    options.type("import").status("success").limit(2).sort("created_at", "desc");
    glance::TaskPage page = admin.list_tasks(options);
    CHECK(page.size() >= 1 && page.size() <= 2);
    CHECK(!page.empty());
    CHECK_EQ(page[0].type(), std::string("import"));
    THROWS(std::out_of_range, page[2]);
    CHECK(page.first().has_value());
    CHECK_EQ(page.tasks().size(), page.size());
    if (auto next = page.next()) {
        glance::TaskPage second = admin.list_tasks_at(*next);
        CHECK(second.size() <= 2);
        for (const glance::Task &later : second.tasks()) {
            for (std::size_t j = 0; j < page.size(); j++) CHECK(later.id() != page[j].id());
        }
    }
    options.marker("00000000-0000-4000-8000-000000000000");
    CHECK_ERROR(THROWS(glance::HttpError, admin.list_tasks(options)), Status::BadRequest, 400, true, "was not found");
    CHECK_EQ(THROWS(glance::ArgumentError, glance::TaskListOptions().sort("created_at", "up")).status(),
             Status::InvalidArg);

    // The range over every page finds the task.
    glance::TaskListOptions imports;
    imports.type("import").limit(3);
    bool found = false;
    for (const glance::Task &listed : admin.tasks(imports)) found = found || listed.id() == id;
    CHECK(found);
    glance::TaskRange range = admin.tasks(imports);
    while (range.next()) {
    }
    CHECK(!range.next().has_value());

    CHECK_EQ(THROWS(glance::HttpError, admin.create_task("bogus", R"({"x": 1})")).status(), Status::BadRequest);
    CHECK_ERROR(THROWS(glance::ArgumentError, admin.create_task("import", "[1]")), Status::InvalidArg, 0, false,
                "not a JSON object");
    // Tasks are for admins under Glance's default policy.
    glance::Client client = demo();
    CHECK_ERROR(THROWS(glance::AccessError, client.task(id)), Status::Forbidden, 403, true, "tasks_api_access");
}

void test_tasks() {
    rackspace_tasks();
    upstream_import();
}

static void object_store(const glance::Client &client) {
    glance::ObjectStore store = client.object_store_at(env("GLANCE_TEST_SWIFT_URL") + "/v1/AUTH_" +
                                                       env("GLANCE_TEST_DEMO_PROJECT_ID"));
    CHECK_CONTAINS(store.url(), env("GLANCE_TEST_DEMO_PROJECT_ID"));
    // A bare token has no catalog: the catalog's object storage fails at the first call.
    glance::ObjectStore catalog = client.object_store();
    CHECK_EQ(THROWS(glance::ConfigError, catalog.url()).status(), Status::Config);
    CHECK_EQ(THROWS(glance::ArgumentError, client.object_store_at("ftp://swift")).status(), Status::InvalidArg);

    const std::string container = unique("container");
    const std::string segments = container + "_segments";
    CHECK(!store.container_exists(container));
    CHECK_ERROR(THROWS(glance::OperationError, store.list_objects(container)), Status::NoSuchContainer, 404, true,
                container);
    CHECK_ERROR(THROWS(glance::OperationError, store.require_container(container)), Status::NoSuchContainer, 404,
                true, container);
    store.create_container(container);
    CHECK(store.container_exists(container));
    store.require_container(container);

    const std::string source = "/tmp/" + container + "-source.bin";
    const std::string target = "/tmp/" + container + "-target.bin";
    const std::string data = pattern(2 * 1024 * 1024 + 77, 3);
    write_file(source, data);
    // Three segments of 1 MiB at most, then back in one piece.
    const std::string object = "dir/big object";
    store.upload_file(container, object, source, 1024 * 1024);
    glance::ObjectInfo info = store.object_info(container, object);
    CHECK_EQ(info.size(), static_cast<std::uint64_t>(data.size()));
    CHECK(info.is_large());
    CHECK(info.etag().has_value());
    CHECK_EQ(info.content_type(), std::optional<std::string>("application/octet-stream"));
    CHECK(!info.metadata("glance-image-00").has_value());
    store.download_file(container, object, target);
    CHECK(read_file(target) == data);
    CHECK_EQ(THROWS(glance::NotFoundError, store.download_file(container, "absent", target + ".missing")).status(),
             Status::NotFound);
    CHECK_EQ(THROWS(glance::IoError, store.upload_file(container, "o", target + ".missing")).status(), Status::Io);

    std::vector<glance::ObjectEntry> listed = store.list_objects(container, "dir/");
    CHECK_EQ(listed.size(), 1u);
    CHECK_EQ(listed[0].name, object);
    CHECK_EQ(listed[0].size, static_cast<std::uint64_t>(data.size()));
    CHECK(!listed[0].hash.empty());
    CHECK_EQ(store.list_objects(segments).size(), 3u);

    CHECK(!store.temp_url_key(container).has_value());
    store.set_temp_url_key(container, "cpp-suite-secret");
    CHECK_EQ(store.temp_url_key(container), std::optional<std::string>("cpp-suite-secret"));
    std::string temp_url = store.temp_url(container, object, "cpp-suite-secret", std::chrono::seconds(600));
    CHECK_CONTAINS(temp_url, "/dir/big%20object?temp_url_sig=");
    CHECK_CONTAINS(temp_url, "&temp_url_expires=");

    // Through callbacks: a large object of unknown size, a small one of known size.
    std::size_t offset = 0;
    auto from_data = [&data, &offset](std::uint8_t *buffer, std::size_t capacity) {
        std::size_t n = std::min({capacity, data.size() - offset, std::size_t(12345)});
        std::memcpy(buffer, data.data() + offset, n);
        offset += n;
        return n;
    };
    CHECK_EQ(store.upload(container, "piped", from_data, std::nullopt, 1024 * 1024),
             static_cast<std::uint64_t>(data.size()));
    CHECK(store.object_info(container, "piped").is_large());
    std::string received;
    auto into_received = [&received](const std::uint8_t *chunk, std::size_t len) {
        received.append(reinterpret_cast<const char *>(chunk), len);
        return true;
    };
    CHECK_EQ(store.download(container, "piped", into_received), static_cast<std::uint64_t>(data.size()));
    CHECK(received == data);
    offset = 0;
    CHECK_EQ(store.upload(container, "small", from_data, 1000), 1000u);
    CHECK(!store.object_info(container, "small").is_large());
    offset = data.size() - 10;
    CHECK_EQ(THROWS(glance::ArgumentError, store.upload(container, "short", from_data, 1000)).status(),
             Status::InvalidArg);
    // The container's key reaches the small object, not segments kept in another container.
    CHECK_EQ(store.temp_url_key(container, "small"), std::optional<std::string>("cpp-suite-secret"));
    CHECK(!store.temp_url_key(container, "piped").has_value());
    CHECK_EQ(THROWS(glance::AbortedError, store.download(container, "small", [](const std::uint8_t *, std::size_t) {
                        return false;
                    })).status(),
             Status::Aborted);
    struct Stop {};
    THROWS(Stop, store.upload(container, "stopped", [](std::uint8_t *, std::size_t) -> std::size_t { throw Stop{}; }));
    store.delete_object(container, "piped");
    store.delete_object(container, "small");

    CHECK_EQ(THROWS(glance::ConflictError, store.delete_container(container)).status(), Status::Conflict);
    store.delete_object(container, object);
    CHECK_EQ(THROWS(glance::NotFoundError, store.delete_object(container, object)).status(), Status::NotFound);
    CHECK(store.list_objects(segments).empty());
    store.delete_container(segments);
    store.delete_container(container);
    CHECK_EQ(THROWS(glance::OperationError, store.delete_container(container)).status(), Status::NoSuchContainer);
    std::remove(source.c_str());
    std::remove(target.c_str());
}

static void journeys() {
    glance::Client demo_cloud = cloud("demo");
    glance::Client two = cloud("demo_region_two");
    glance::ObjectStore store = demo_cloud.object_store();
    const std::string source_id = env("GLANCE_CPP_ACTIVE_ID");
    glance::Image source = demo_cloud.get(source_id);
    const std::string container = unique("exports");
    CHECK_EQ(THROWS(glance::OperationError, demo_cloud.export_to_container(source_id, store, container)).status(),
             Status::NoSuchContainer);
    store.create_container(container);
    const std::string object = demo_cloud.export_to_container(source_id, store, container);
    CHECK_EQ(object, source_id + ".raw");
    glance::ObjectInfo info = store.object_info(container, object);
    CHECK_EQ(info.size(), static_cast<std::uint64_t>(std::stoull(env("GLANCE_CPP_ACTIVE_SIZE"))));
    CHECK_CONTAINS(info.metadata("Glance-Image-00").value_or(""), source_id);
    // A named object, in one segment.
    CHECK_EQ(demo_cloud.export_to_container(source_id, store, container, "named.raw", 1024 * 1024),
             std::string("named.raw"));

    glance::Image streamed =
        demo_cloud.import_from_container(store, container, object, "cpp-imported", glance::ImportVia::Stream);
    CHECK_EQ(streamed.name(), std::optional<std::string>("cpp-imported"));
    CHECK_EQ(streamed.property("cpp_suite_run"), std::optional<std::string>(env("GLANCE_CPP_RUN_ID")));
    CHECK_EQ(streamed.os_hash_value(), source.os_hash_value());
    // No temp URL key yet: web-download cannot be arranged.
    CHECK_EQ(THROWS(glance::ConfigError, demo_cloud.import_from_container(store, container, object, std::nullopt,
                                                                          glance::ImportVia::WebDownload))
                 .status(),
             Status::Config);
    store.set_temp_url_key(container, "cpp-suite-key");
    glance::Image fetched = demo_cloud.import_from_container(store, container, "named.raw");
    CHECK_EQ(fetched.name(), source.name());
    CHECK_EQ(fetched.checksum(), source.checksum());
    store.delete_object(container, object);
    store.delete_object(container, "named.raw");
    CHECK_EQ(THROWS(glance::NotFoundError, demo_cloud.import_from_container(store, container, object, std::nullopt,
                                                                            glance::ImportVia::Stream))
                 .status(),
             Status::NotFound);
    store.delete_container(container);

    // RegionOne to RegionTwo.
    glance::Image copy = demo_cloud.copy_to(source_id, two, "cpp-copied");
    CHECK_EQ(copy.name(), std::optional<std::string>("cpp-copied"));
    CHECK_EQ(copy.os_hash_value(), source.os_hash_value());
    CHECK_EQ(two.get(copy.id()).status(), std::string("active"));
    CHECK_EQ(THROWS(glance::NotFoundError, demo_cloud.get(copy.id())).status(), Status::NotFound);
    two.delete_image(copy.id());
    glance::Image same_name = demo_cloud.copy_to(source_id, two);
    CHECK_EQ(same_name.name(), source.name());
    two.delete_image(same_name.id());
    demo_cloud.delete_image(streamed.id());
    demo_cloud.delete_image(fetched.id());
}

// Export, import and copy of a 12 MiB image, each first stopped halfway by its
// progress callback: nothing may be left in the containers or either region.
static void stopped_halfway() {
    glance::Client demo_cloud = cloud("demo");
    glance::Client two = cloud("demo_region_two");
    glance::ObjectStore store = demo_cloud.object_store();
    const std::size_t size = 12 * 1024 * 1024 + 5;
    std::string data(size, '\0');
    for (std::size_t i = 0; i < size; i++) data[i] = static_cast<char>((i * 2654435761u) >> 9);
    const std::string name = unique("watched");
    glance::Image made = demo_cloud.create(
        glance::CreateOptions().name(name).disk_format("raw").container_format("bare").visibility("private"));
    glance::Image source = demo_cloud.upload_buffer(made.id(), data);
    const std::string id = source.id();

    struct Seen {
        std::uint64_t last = 0;
        bool other_phase = false;
        bool stop = false;
    } seen;
    glance::TransferOptions options;
    options.phase_progress([&](std::uint64_t done, std::uint64_t total, glance::Phase phase) {
        seen.last = done;
        seen.other_phase = seen.other_phase || phase != glance::Phase::Moving;
        return !(seen.stop && done > 0 && done >= total / 2);
    });
    auto images_named = [](const glance::Client &client, const std::string &wanted) {
        return client.list(glance::ListOptions().name(wanted)).size();
    };

    const std::string container = unique("watched");
    store.create_container(container);
    seen = Seen{0, false, true};
    THROWS(glance::AbortedError,
           demo_cloud.export_to_container(id, store, container, std::nullopt, 4 * 1024 * 1024, options));
    CHECK(seen.last >= size / 2 && seen.last < size && !seen.other_phase);
    CHECK(store.list_objects(container).empty());
    CHECK(store.list_objects(container + "_segments").empty());
    seen = Seen{};
    const std::string object =
        demo_cloud.export_to_container(id, store, container, std::nullopt, 4 * 1024 * 1024, options);
    CHECK_EQ(seen.last, static_cast<std::uint64_t>(size));

    const std::string imported = unique("watched-import");
    seen = Seen{0, false, true};
    THROWS(glance::AbortedError,
           demo_cloud.import_from_container(store, container, object, imported, glance::ImportVia::Stream, options));
    CHECK(seen.last < size && !seen.other_phase);
    CHECK_EQ(images_named(demo_cloud, imported), static_cast<std::size_t>(0));
    seen = Seen{};
    glance::Image back =
        demo_cloud.import_from_container(store, container, object, imported, glance::ImportVia::Stream, options);
    CHECK_EQ(back.os_hash_value(), source.os_hash_value());
    demo_cloud.delete_image(back.id());
    store.delete_object(container, object);
    store.delete_container(container + "_segments");
    store.delete_container(container);

    const std::string copied = unique("watched-copy");
    seen = Seen{0, false, true};
    THROWS(glance::AbortedError, demo_cloud.copy_to(id, two, copied, options));
    CHECK(seen.last >= size / 2 && seen.last < size && !seen.other_phase);
    CHECK_EQ(images_named(two, copied), static_cast<std::size_t>(0));
    CHECK_EQ(images_named(demo_cloud, copied), static_cast<std::size_t>(0));
    seen = Seen{};
    glance::Image copy = demo_cloud.copy_to(id, two, copied, options);
    CHECK_EQ(seen.last, static_cast<std::uint64_t>(size));
    CHECK_EQ(copy.os_hash_value(), source.os_hash_value());
    two.delete_image(copy.id());
    demo_cloud.delete_image(id);
}

void test_object_store_and_journeys() {
    glance::Client client = demo();
    object_store(client);
    journeys();
    stopped_halfway();
}

} // namespace suite
