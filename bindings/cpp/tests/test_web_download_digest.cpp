// The digest a web-download's publisher announced, on the real cloud:
// wait_import_expecting checks it once the image is active (Glance's own
// md5/sha512 record, else the data hashed); a mismatch throws
// ChecksumMismatch and the image is deleted. The data is the harness
// double's /blob.bin (4096 bytes of 42) on 127.0.0.1.
#include "suite.hpp"

using glance::Status;
using namespace std::chrono_literals;

namespace suite {

static const char *const sha256 = "fa348f8e8bdec968196a69ee608e4844220726ebfc003ba533594f8d5f1be16e";
static const char *const sha512 = "46fc779d421d8adb8eb03afe697515ecc374fa2c9ab56afc59974ea046eccd07"
                                  "6236e9da57c292ae33a1a6d945fb46c704298129df5c9ff2b904c4a17108e416";
static const char *const md5 = "c4c19c08621040f09ea846b2c265ecb3";
// sha256 / md5 of "not the blob": the right length, not the data's.
static const char *const wrong256 = "faaa85705f4eb0b19459ce4c4d5106dbca42ea5dfdc86aaa0ac7234fd5485f3d";
static const char *const wrong_md5 = "f9f29b952a4fa21daf7fd8d4a8489668";

// A new image, web-downloading /blob.bin: its id.
static std::string start(const glance::Client &client) {
    glance::Image image = create_image(client, unique("webdigest"));
    glance::ImportOptions import;
    import.method("web-download", env("GLANCE_CPP_DOUBLE_URL") + "/blob.bin");
    client.import_image(image.id(), import);
    return image.id();
}

void test_web_download_digest() {
    glance::Client client = demo();
    const std::string none = "00000000-0000-0000-0000-000000000000";

    // Bad digests: refused before any request (no such image is asked for).
    CHECK_EQ(THROWS(glance::ArgumentError, client.wait_import_expecting(none, "sha3-256", sha256)).status(),
             Status::InvalidArg);
    CHECK_EQ(THROWS(glance::ArgumentError, client.wait_import_expecting(none, "sha512", sha256)).status(),
             Status::InvalidArg);

    // Matches: hashed by the client (sha256), Glance's records (sha512, md5).
    for (auto [algorithm, hex] : {std::pair{"sha256", sha256}, std::pair{"SHA-512", sha512}, std::pair{"md5", md5}}) {
        const std::string id = start(client);
        unsigned polls = 0;
        glance::Image active = client.wait_import_expecting(id, algorithm, hex, 200ms, 120s, [&](const glance::ImageRef &) {
            polls++;
            return true;
        });
        CHECK(polls >= 1);
        CHECK_EQ(active.status(), std::string("active"));
        CHECK_EQ(active.checksum(), std::optional<std::string>(md5));
        client.delete_image(id);
    }

    // Mismatches: the checksum error, and the image is gone.
    for (auto [algorithm, wrong, actual] :
         {std::tuple{"sha256", wrong256, sha256}, std::tuple{"md5", wrong_md5, md5}}) {
        const std::string id = start(client);
        auto error = THROWS(glance::OperationError, client.wait_import_expecting(id, algorithm, wrong, 200ms, 120s));
        CHECK_ERROR(error, Status::ChecksumMismatch, 0, false, algorithm);
        CHECK_CONTAINS(error.what(), wrong);
        CHECK_CONTAINS(error.what(), actual);
        CHECK_CONTAINS(error.what(), id + " deleted");
        CHECK_EQ(THROWS(glance::NotFoundError, client.get(id)).status(), Status::NotFound);
    }
}

} // namespace suite
