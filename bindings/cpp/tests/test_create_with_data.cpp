// One-call create-with-data from a buffer and from a read callback on the
// real cloud: a direct upload and a glance-direct import into every store,
// the bytes back unchanged; a reader that throws, a reader that gives up
// (progress abort), a short reader: no image is left behind.
#include "suite.hpp"

#include <algorithm>
#include <cstring>

using glance::Status;

namespace suite {

namespace {
struct Stop {
    std::string where;
};

/// A reader over `data` in small pieces, stopping with Stop once `stop_at`
/// bytes went (0: never).
glance::ReadFn feed(const std::string &data, std::size_t &offset, std::size_t stop_at = 0, std::size_t end_at = 0) {
    return [&data, &offset, stop_at, end_at](std::uint8_t *buffer, std::size_t capacity) -> std::size_t {
        if (stop_at > 0 && offset >= stop_at) throw Stop{"read"};
        std::size_t limit = end_at > 0 ? end_at : data.size();
        std::size_t n = std::min({limit - offset, capacity, std::size_t{65536}});
        std::memcpy(buffer, data.data() + offset, n);
        offset += n;
        return n;
    };
}

void nothing_named(const glance::Client &client, const std::string &name) {
    CHECK_EQ(THROWS(glance::LookupError, client.find(name)).status(), Status::NoMatch);
}

void holds(const glance::Client &client, const glance::Image &image, const std::string &data) {
    CHECK_EQ(image.status(), std::string("active"));
    CHECK_EQ(image.size(), std::optional<std::uint64_t>(data.size()));
    CHECK(client.download_to_string(image.id()) == data);
}
} // namespace

void test_create_with_data() {
    glance::Client client = demo();
    const std::string data = pattern(1024u * 1024u + 3u, 5);
    const glance::ImportOptions direct;
    glance::ImportOptions everywhere;
    everywhere.all_stores(true);

    // From a buffer: a direct upload (progress seen), and every store.
    std::uint64_t last = 0;
    glance::TransferOptions watched;
    watched.progress([&](std::uint64_t done, std::uint64_t) {
        last = done;
        return true;
    });
    glance::Image buffered = client.create_with_data_buffer(run_opts(unique("cwd-buffer")), data, direct, watched);
    CHECK_EQ(last, static_cast<std::uint64_t>(data.size()));
    holds(client, buffered, data);
    client.delete_image(buffered.id());
    glance::Image stored =
        client.create_with_data_buffer(run_opts(unique("cwd-buffer-all")), data.data(), data.size(), everywhere);
    CHECK_EQ(stored.stores().size(), 2u);
    holds(client, stored, data);
    client.delete_image(stored.id());

    // From a reader: sized (Content-Length), and of unknown size into every store.
    std::size_t offset = 0;
    glance::Image sized = client.create_with_data(run_opts(unique("cwd-reader")), feed(data, offset), data.size());
    holds(client, sized, data);
    client.delete_image(sized.id());
    offset = 0;
    glance::Image piped =
        client.create_with_data(run_opts(unique("cwd-reader-all")), feed(data, offset), std::nullopt, everywhere);
    CHECK_EQ(piped.stores().size(), 2u);
    holds(client, piped, data);
    client.delete_image(piped.id());

    // Failures leave no image: a reader that throws (its exception comes
    // back), direct and staged; a progress abort; a reader short of its size.
    for (const glance::ImportOptions *way : {&direct, static_cast<const glance::ImportOptions *>(&everywhere)}) {
        const std::string name = unique("cwd-reader-throws");
        offset = 0;
        auto error = THROWS(Stop, client.create_with_data(run_opts(name), feed(data, offset, data.size() / 2),
                                                          std::nullopt, *way));
        CHECK_EQ(error.where, std::string("read"));
        nothing_named(client, name);
    }
    const std::string stopped = unique("cwd-buffer-stopped");
    glance::TransferOptions stop;
    stop.progress([](std::uint64_t done, std::uint64_t) { return done == 0; });
    CHECK_EQ(THROWS(glance::AbortedError, client.create_with_data_buffer(run_opts(stopped), data, direct, stop)).status(),
             Status::Aborted);
    nothing_named(client, stopped);
    const std::string short_name = unique("cwd-reader-short");
    offset = 0;
    THROWS(glance::ArgumentError,
           client.create_with_data(run_opts(short_name), feed(data, offset, 0, data.size() / 3), data.size()));
    nothing_named(client, short_name);
    // create-with-data moves the data itself: another method is refused first.
    const std::string refused = unique("cwd-refused");
    THROWS(glance::ArgumentError, client.create_with_data_buffer(
                                      run_opts(refused), data, glance::ImportOptions().glance_download("x", "RegionOne")));
    nothing_named(client, refused);
}

} // namespace suite
