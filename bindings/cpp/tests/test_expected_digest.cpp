// A digest the caller expects (its publisher's) on the real cloud: a match
// uploads; a mismatch throws ChecksumMismatch and cuts the body before its
// end, so the image gets no data (create_with_data leaves no image); bad
// digests throw ArgumentError when set, before any request.
#include "suite.hpp"

#include <cstdio>
#include <thread>

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

// Digests of bytes(): the same bytes as the Rust, C and Python tests.
static const char *const sha256 = "c6a56fdfcb12a64efd88e076396a6e4189dc1d2213665c5dfc69f842d443fa1b";
static const char *const md5 = "651b5f71cc6b3b48438086f6167bb392";
// sha256("not the data"): the right length, not the data's.
static const char *const wrong = "74ad84e12cdb081635d92536ef4fb5750e543c18a3750256ac3904ec1d71368d";

static std::string bytes() {
    std::string data(300007, '\0');
    for (std::uint32_t i = 0; i < data.size(); i++) data[i] = static_cast<char>((i * 31u + i / 7u) % 256u);
    return data;
}

static void check_mismatch(const glance::OperationError &error) {
    CHECK_ERROR(error, Status::ChecksumMismatch, 0, false, "sha256");
    CHECK_CONTAINS(error.what(), wrong);
    CHECK_CONTAINS(error.what(), sha256);
}

// Not active, no digest: Glance got no complete body (it may still be
// reading the cut one).
static void check_without_data(const glance::Client &client, const std::string &id) {
    glance::Image image = client.get(id);
    CHECK(image.status() == "queued" || image.status() == "saving" || image.status() == "uploading");
    CHECK(!image.checksum());
}

void test_expected_digest() {
    glance::Client client = demo();
    const std::string data = bytes();

    // Bad digests: refused when set.
    glance::TransferOptions bad;
    CHECK_EQ(THROWS(glance::ArgumentError, bad.expected_digest("sha3-256", sha256)).status(), Status::InvalidArg);
    CHECK_EQ(THROWS(glance::ArgumentError, bad.expected_digest("sha512", sha256)).status(), Status::InvalidArg);
    CHECK_EQ(THROWS(glance::ArgumentError, bad.expected_digest("md5", "zz1b5f71cc6b3b48438086f6167bb392")).status(),
             Status::InvalidArg);
    CHECK_EQ(THROWS(glance::ArgumentError, bad.expected_digest("sha256", "")).status(), Status::InvalidArg);
    bad.expected_digest(std::nullopt);

    glance::TransferOptions right;
    right.expected_digest("SHA-256", sha256);
    glance::TransferOptions mismatching;
    mismatching.expected_digest("sha256", wrong);
    glance::TransferOptions mismatching_chunked;
    mismatching_chunked.expected_digest("sha256", wrong).framing(glance::Framing::Chunked);

    // A match uploads; the recorded digests agree.
    glance::Image image = create_image(client, unique("digest-match"));
    glance::Image active = client.upload_buffer(image.id(), data, right);
    CHECK_EQ(active.status(), std::string("active"));
    CHECK_EQ(active.checksum(), std::optional<std::string>(md5));

    // A mismatch, with Content-Length and chunked: no data; then the right
    // data, tried again while Glance still reads the cut request (409).
    for (const glance::TransferOptions *options : {&mismatching, &mismatching_chunked}) {
        glance::Image cut = create_image(client, unique("digest-mismatch"));
        check_mismatch(THROWS(glance::OperationError, client.upload_buffer(cut.id(), data, *options)));
        check_without_data(client, cut.id());
        for (int tries = 0;; tries++) {
            try {
                glance::Image again = client.upload_buffer(cut.id(), data, right);
                CHECK_EQ(again.checksum(), std::optional<std::string>(md5));
                break;
            } catch (const glance::ConflictError &) {
                if (tries >= 300) throw;
                std::this_thread::sleep_for(200ms);
            }
        }
    }

    // Staging with a mismatch stages nothing.
    glance::Image staged = create_image(client, unique("digest-stage"));
    check_mismatch(THROWS(glance::OperationError, client.stage_buffer(staged.id(), data, mismatching)));
    check_without_data(client, staged.id());

    // create_with_data: a mismatch leaves no image; a match is active.
    const std::string name = unique("digest-create");
    const std::string path = "/tmp/" + name + ".raw";
    write_file(path, data);
    check_mismatch(THROWS(glance::OperationError,
                          client.create_with_data(run_opts(name), path, glance::ImportOptions(), mismatching)));
    CHECK_EQ(THROWS(glance::LookupError, client.find(name)).status(), Status::NoMatch);
    glance::Image created = client.create_with_data(run_opts(name), path, glance::ImportOptions(), right);
    CHECK_EQ(created.status(), std::string("active"));
    CHECK_EQ(created.checksum(), std::optional<std::string>(md5));
    client.delete_image(created.id());
    std::remove(path.c_str());
}

} // namespace suite
