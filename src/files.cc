#include <wasm_link/files.hh>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasm_link {

Result<std::vector<std::uint8_t>, std::string> read_regular_file(const std::filesystem::path &file,
                                                                 std::uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return std::string(std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    return std::string(std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    return std::string("it is a directory");
  if (!S_ISREG(info.st_mode))
    return std::string("it is not a regular file");
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes)
    return "it is larger than the limit of " + std::to_string(max_bytes) + " bytes (" +
           std::to_string(info.st_size) + " bytes)";
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(info.st_size));
  // Files in /proc say they are empty and are not: read to the end, bounded.
  std::uint8_t chunk[64 * 1024];
  for (;;) {
    const ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return "read error: " + std::string(std::strerror(errno));
    }
    if (got == 0)
      break;
    if (bytes.size() + static_cast<std::size_t>(got) > max_bytes)
      return "it is larger than the limit of " + std::to_string(max_bytes) + " bytes";
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  return bytes;
}

} // namespace wasm_link
