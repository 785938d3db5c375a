// Reading a binding's plugin set while another thread changes it (Binding::add,
// remove, replace): epoch-based reclamation. A reader opens a ReadSection
// before it loads the binding's roster and keeps what it loaded only while the
// section is open. A writer publishes a new roster and retires the old one: the
// retired roster is released once no section that could have loaded it is open.
//
// A section costs its thread a few plain loads and stores: the ordering a
// reader would otherwise need a fence for is forced, once per retirement, by
// the writer (the membarrier system call; where that is missing, readers fence).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

namespace wasm_link::detail {

struct Reader;

class ReadSection {
public:
  ReadSection() noexcept;
  ~ReadSection();
  ReadSection(const ReadSection &) = delete;
  ReadSection &operator=(const ReadSection &) = delete;

private:
  Reader *reader_;
};

// Runs `release` once every ReadSection open now, on any thread, has closed:
// at once on this thread when none is, else on the thread that closes the last
// of them, or in a later retire(). `release` may open sections of its own.
// Call it after the replaced pointer was published.
void retire(std::function<void()> release);

// Releases whatever retire() put off that can be released now, on this thread.
void reclaim();

// How many retired releases wait for a section to close.
std::size_t retired_count();

} // namespace wasm_link::detail
