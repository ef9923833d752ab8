// One client shared by 8 threads (every method is const, the C client is
// thread-safe): gets, listings and downloads with callbacks on each thread;
// one thread's callback exception comes back on that thread only.
#include "suite.hpp"

#include <atomic>
#include <thread>

using glance::Status;

namespace suite {

namespace {
struct Stop {
    int thread;
};
} // namespace

void test_threads() {
    const glance::Client client = demo();
    const std::string id = env("GLANCE_CPP_ACTIVE_ID");
    const auto size = static_cast<std::uint64_t>(std::stoull(env("GLANCE_CPP_ACTIVE_SIZE")));
    std::atomic<int> failures{0}, calls{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; t++) {
        threads.emplace_back([&, t] {
            try {
                for (int i = 0; i < 10; i++) {
                    if (client.get(id).id() != id) failures++;
                    calls++;
                    glance::ListOptions options;
                    options.id(id);
                    if (client.list(options).size() != 1) failures++;
                    calls++;
                    std::string data = client.download_to_string(id);
                    if (data.size() != size) failures++;
                    calls++;
                    // Odd threads throw from a callback: the exception comes back here, as it was.
                    if (t % 2 == 1) {
                        try {
                            client.download(id, [t](const std::uint8_t *, std::size_t) -> bool { throw Stop{t}; });
                            failures++;
                        } catch (const Stop &stop) {
                            if (stop.thread != t) failures++;
                        }
                        calls++;
                    }
                }
                // An error on this thread carries this thread's details.
                try {
                    client.get("00000000-0000-4000-8000-00000000000" + std::to_string(t));
                    failures++;
                } catch (const glance::NotFoundError &error) {
                    if (error.message().find("00000000000" + std::to_string(t)) == std::string::npos) failures++;
                }
            } catch (...) {
                failures++;
            }
        });
    }
    for (auto &thread : threads) thread.join();
    CHECK_EQ(failures.load(), 0);
    CHECK_EQ(calls.load(), 8 * 30 + 4 * 10);
}

} // namespace suite
