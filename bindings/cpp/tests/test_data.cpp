// Image data and import on the real cloud: uploads from a buffer, a file and
// a read callback (sized and chunked); downloads to a file, a callback and a
// string, verified; progress; every callback stopping its call by returning
// false (AbortedError) or by throwing (the very exception comes back, after
// the C call has returned); staging, glance-direct into stores, waiting with
// a poll callback; create-with-data; stores and import methods.
#include "suite.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

namespace {
/// What callbacks throw: not a glance::Error, so it cannot be confused with one.
struct Stop {
    std::string where;
};
} // namespace

static const std::size_t data_size = 3u * 1024u * 1024u + 7u;

static void round_trips(const glance::Client &client, const std::string &data) {
    glance::Image image = create_image(client, unique("data-buffer"));
    const std::string id = image.id();
    // A queued image has no data.
    auto no_data = THROWS(glance::OperationError, client.download_to_string(id));
    CHECK_ERROR(no_data, Status::NoData, 0, false, "no data");

    // Up from a buffer into fs2, with progress.
    unsigned calls = 0;
    std::uint64_t last_done = 0, last_total = 0;
    glance::TransferOptions into_fs2;
    into_fs2.store("fs2").progress([&](std::uint64_t done, std::uint64_t total) {
        calls++;
        last_done = done;
        last_total = total;
        return true;
    });
    glance::Image active = client.upload_buffer(id, data, into_fs2);
    CHECK_EQ(active.status(), std::string("active"));
    CHECK_EQ(active.os_hash_algo(), std::optional<std::string>("sha512"));
    CHECK_EQ(active.stores(), std::vector<std::string>{"fs2"});
    CHECK_EQ(active.size(), std::optional<std::uint64_t>(data_size));
    CHECK(calls >= 2);
    CHECK_EQ(last_done, static_cast<std::uint64_t>(data_size));
    CHECK_EQ(last_total, static_cast<std::uint64_t>(data_size));

    // Down through a callback and into a string, verified or not.
    std::string received;
    std::uint64_t bytes = client.download(id, [&](const std::uint8_t *chunk, std::size_t len) {
        received.append(reinterpret_cast<const char *>(chunk), len);
        return true;
    });
    CHECK_EQ(bytes, static_cast<std::uint64_t>(data_size));
    CHECK(received == data);
    CHECK(client.download_to_string(id, glance::TransferOptions().skip_verification(true)) == data);

    // A write callback that stops, and one that throws.
    CHECK_EQ(THROWS(glance::AbortedError, client.download(id, [](const std::uint8_t *, std::size_t) { return false; }))
                 .status(),
             Status::Aborted);
    auto thrown = THROWS(Stop, client.download(id, [](const std::uint8_t *, std::size_t) -> bool {
                             throw Stop{"write"};
                         }));
    CHECK_EQ(thrown.where, std::string("write"));
    // The client goes on working after an exception went through a call.
    CHECK_EQ(client.get(id).id(), id);

    // Down to a file (restart: no partial file reused), then that file up to another image.
    const std::string path = "/tmp/" + unique("cpp-data") + ".raw";
    CHECK_EQ(client.download_file(id, path, glance::TransferOptions().restart(true)),
             static_cast<std::uint64_t>(data_size));
    CHECK(read_file(path) == data);
    glance::Image copy = create_image(client, unique("data-file"));
    glance::Image copied = client.upload_file(
        copy.id(), path, glance::TransferOptions().framing(glance::Framing::ContentLength).multihash("SHA-512"));
    CHECK_EQ(THROWS(glance::ArgumentError, glance::TransferOptions().multihash("crc32")).status(), Status::InvalidArg);
    glance::TransferOptions().multihash("sha256").multihash(std::nullopt);
    CHECK_EQ(copied.os_hash_value(), active.os_hash_value());
    std::remove(path.c_str());
    CHECK_EQ(THROWS(glance::IoError, client.upload_file(copy.id(), path)).status(), Status::Io);

    // Up from a read callback: chunked (size unknown) and sized.
    auto reader = [&data](std::size_t &offset) {
        return [&data, &offset](std::uint8_t *buffer, std::size_t capacity) {
            std::size_t n = std::min({capacity, data.size() - offset, std::size_t(10000)});
            std::memcpy(buffer, data.data() + offset, n);
            offset += n;
            return n;
        };
    };
    std::size_t offset = 0;
    glance::Image piped = create_image(client, unique("data-chunked"));
    glance::Image piped_active =
        client.upload(piped.id(), reader(offset), std::nullopt, glance::TransferOptions().framing(glance::Framing::Chunked));
    CHECK_EQ(piped_active.checksum(), active.checksum());
    offset = 0;
    glance::Image sized = create_image(client, unique("data-sized"));
    CHECK_EQ(client.upload(sized.id(), reader(offset), data.size()).checksum(), active.checksum());
    // A reader that throws: the upload stops, the exception comes back.
    glance::Image broken = create_image(client, unique("data-reader-throws"));
    auto read_error = THROWS(Stop, client.upload(broken.id(), [](std::uint8_t *, std::size_t) -> std::size_t {
                                 throw Stop{"read"};
                             }));
    CHECK_EQ(read_error.where, std::string("read"));
    CHECK(client.get(broken.id()).status() != "active");

    // Progress that stops an upload, and progress that throws.
    glance::Image aborted = create_image(client, unique("data-abort"));
    glance::TransferOptions stop;
    stop.progress([](std::uint64_t done, std::uint64_t) { return done == 0; });
    CHECK_EQ(THROWS(glance::AbortedError, client.upload_buffer(aborted.id(), data, stop)).status(), Status::Aborted);
    CHECK(client.get(aborted.id()).status() != "active");
    glance::TransferOptions throwing;
    throwing.progress([](std::uint64_t, std::uint64_t) -> bool { throw Stop{"progress"}; });
    CHECK_EQ(THROWS(Stop, client.upload_buffer(aborted.id(), data.data(), data.size(), throwing)).where,
             std::string("progress"));
    CHECK_EQ(THROWS(Stop, client.download_file(id, path, throwing)).where, std::string("progress"));
    // No progress callback again: the same options now upload.
    throwing.progress(nullptr);
    CHECK_EQ(THROWS(Stop, client.download(id, [](const std::uint8_t *, std::size_t) -> bool { throw Stop{"w"}; },
                                          throwing))
                 .where,
             std::string("w"));
    std::remove(path.c_str());
    for (const auto *made : {&image, &copy, &piped, &sized, &broken, &aborted}) client.delete_image(made->id());
}

static void imports(const glance::Client &client, const std::string &data) {
    CHECK_CONTAINS(client.import_methods(), "glance-direct");
    CHECK_CONTAINS(client.import_methods(), "web-download");
    CHECK_CONTAINS(client.stores_json(), "\"id\":\"fs2\"");

    // Stage, import with glance-direct into two stores, wait with a poll callback.
    const std::string small = data.substr(0, 100000);
    glance::Image image = create_image(client, unique("import-direct"));
    const std::string id = image.id();
    client.stage_buffer(id, small);
    client.import_image(id, glance::ImportOptions().method("glance-direct").store("fs").store("fs2"));
    unsigned polls = 0;
    glance::Image active = client.wait_import(id, 200ms, 120s, [&](const glance::ImageRef &polled) {
        CHECK_EQ(polled.id(), id);
        polls++;
        return true;
    });
    CHECK(polls >= 1);
    CHECK_EQ(active.status(), std::string("active"));
    CHECK_EQ(active.stores().size(), 2u);
    std::string tasks = client.image_tasks_json(id);
    CHECK_CONTAINS(tasks, "api_image_import");
    CHECK_CONTAINS(tasks, "\"status\":\"success\"");
    // The poll callback stopping, or throwing, ends the wait.
    CHECK_EQ(THROWS(glance::AbortedError, client.wait_import(id, 200ms, 0ms, [](const glance::ImageRef &) {
                 return false;
             })).status(),
             Status::Aborted);
    CHECK_EQ(THROWS(Stop, client.wait_import(id, 200ms, 0ms, [](const glance::ImageRef &) -> bool {
                 throw Stop{"poll"};
             })).where,
             std::string("poll"));
    CHECK_EQ(client.wait_import(id).status(), std::string("active"));
    // Removing data from a store is admin's.
    CHECK_ERROR(THROWS(glance::AccessError, client.delete_from_store(id, "fs2")), Status::Forbidden, 403, true, "");
    CHECK_EQ(THROWS(glance::ArgumentError, glance::ImportOptions().method("web-download")).status(),
             Status::InvalidArg);
    glance::ImportOptions web;
    web.method("web-download", "http://127.0.0.1:1/x");

    // A staged file, into fs2 only, going on should a store fail.
    const std::string path = "/tmp/" + unique("cpp-import") + ".raw";
    write_file(path, small);
    glance::Image staged = create_image(client, unique("import-stage-file"));
    client.stage_file(staged.id(), path);
    client.import_image(staged.id(), glance::ImportOptions().store("fs2").all_stores_must_succeed(false));
    glance::Image staged_active = client.wait_import(staged.id(), 200ms, 120s);
    CHECK_EQ(staged_active.stores(), std::vector<std::string>{"fs2"});

    // Staged from a read callback of unknown size: the same bytes.
    glance::Image piped = create_image(client, unique("import-stage-callback"));
    std::size_t offset = 0;
    client.stage(piped.id(), [&small, &offset](std::uint8_t *buffer, std::size_t capacity) {
        std::size_t n = std::min({capacity, small.size() - offset, std::size_t(7777)});
        std::memcpy(buffer, small.data() + offset, n);
        offset += n;
        return n;
    });
    CHECK_EQ(offset, small.size());
    client.import_image(piped.id(), glance::ImportOptions().store("fs2"));
    CHECK_EQ(client.wait_import(piped.id(), 200ms, 120s).checksum(), active.checksum());
    // A reader that throws at once: the exception comes back and the image stays queued.
    glance::Image refused = create_image(client, unique("import-stage-refused"));
    CHECK_EQ(THROWS(Stop, client.stage(refused.id(), [](std::uint8_t *, std::size_t) -> std::size_t {
                 throw Stop{"stage"};
             })).where,
             std::string("stage"));
    CHECK_EQ(client.get(refused.id()).status(), std::string("queued"));

    // One call: create, stage, import into every store, verified.
    glance::Image everywhere =
        client.create_with_data(run_opts(unique("import-create")), path, glance::ImportOptions().all_stores(true));
    CHECK_EQ(everywhere.status(), std::string("active"));
    CHECK_EQ(everywhere.stores().size(), 2u);
    CHECK_EQ(everywhere.checksum(), active.checksum());
    // A direct upload with defaults, progress seen.
    bool progressed = false;
    glance::Image direct = client.create_with_data(run_opts(unique("import-create-direct")), path, glance::ImportOptions(),
                                                   glance::TransferOptions().progress([&](std::uint64_t, std::uint64_t) {
                                                       progressed = true;
                                                       return true;
                                                   }));
    CHECK(progressed);
    CHECK_EQ(direct.checksum(), active.checksum());
    std::remove(path.c_str());
    for (const auto *made : {&image, &staged, &piped, &refused, &everywhere, &direct}) client.delete_image(made->id());
}

void test_image_data() {
    glance::Client client = demo();
    const std::string data = pattern(data_size, 1);
    round_trips(client, data);
    imports(client, data);
}

} // namespace suite
