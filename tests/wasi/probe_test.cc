// WASI grants enforced, tried by a plugin built from Rust (tests/wasi/probe)
// with the standard library's files, environment, sockets and stdio.
#include "support.hh"

#include <arpa/inet.h>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

struct Line {
  std::string name, stream, text;
  bool operator==(const Line &) const = default;
};

std::ostream &operator<<(std::ostream &out, const Line &line) {
  return out << "[" << line.name << " " << line.stream << "] " << line.text;
}

class Probe : public ::testing::Test {
protected:
  Probe()
      : engine(make_engine()), linker(engine),
        component(take(load_component(engine, WASM_LINK_WASI_PROBE))),
        folder(std::filesystem::temp_directory_path() /
               ("wasm-link-probe-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder / "data");
    std::filesystem::create_directories(folder / "out");
    std::ofstream(folder / "data" / "hello.txt") << "hello from the host";
    std::ofstream(folder / "secret.txt") << "not for plugins";
  }
  ~Probe() override { std::filesystem::remove_all(folder); }

  Binding bind(WasiGrant grant) {
    plugin = take(Plugin(component).with_wasi(std::move(grant)).instantiate(engine, linker));
    Binding::Interfaces interfaces;
    for (const char *name : {"fs", "env", "net", "io"})
      interfaces.emplace(name, take(Interface::from_component(engine, component,
                                                              std::string("probe:wasi/") + name)));
    return take(Binding::create("probe:wasi", std::move(interfaces), Cardinality::exactly_one,
                                {{"probe", *plugin}}));
  }

  // The call's value as WAVE.
  static std::string call(const Binding &binding, std::string_view interface,
                          std::string_view function, std::vector<Val> args = {}) {
    const CallResult result = take(binding.dispatch(interface, function, args))[0].result;
    if (!result)
      return "dispatch error: " + result.err_ref().message();
    return result.ok_ref() ? to_string(*result.ok_ref()) : "ok";
  }

  WasiGrant data_grant(bool read_only) {
    WasiGrant grant;
    grant.dirs = {{folder / "data", "/data", read_only}};
    return grant;
  }

  wasmtime::Engine engine;
  wasmtime::component::Linker linker;
  wasmtime::component::Component component;
  std::filesystem::path folder;
  std::optional<PluginInstance> plugin;
};

TEST_F(Probe, APreopenedDirectoryCanBeRead) {
  auto binding = bind(data_grant(true));
  EXPECT_EQ(call(binding, "fs", "read", {Val::string("/data/hello.txt")}),
            R"w(ok("hello from the host"))w");
}

TEST_F(Probe, FilesOutsideThePreopenedDirectoriesCannotBeRead) {
  auto binding = bind(data_grant(false));
  const std::string absolute = (folder / "secret.txt").string();
  for (const std::string &path : {absolute, std::string("/data/../secret.txt"),
                                  std::string("/etc/passwd"), std::string("secret.txt")}) {
    const std::string result = call(binding, "fs", "read", {Val::string(path)});
    EXPECT_EQ(result.rfind("err(", 0), 0u) << path << " was read: " << result;
  }
  EXPECT_EQ(call(binding, "fs", "read", {Val::string("/data/../secret.txt")}),
            R"w(err("Operation not permitted (os error 63)"))w");
}

TEST_F(Probe, WithoutDirectoriesThereAreNoFiles) {
  auto binding = bind(WasiGrant{});
  EXPECT_EQ(call(binding, "fs", "read", {Val::string("/data/hello.txt")}),
            R"w(err("No such file or directory (os error 44)"))w");
}

TEST_F(Probe, AReadOnlyDirectoryCannotBeWritten) {
  auto binding = bind(data_grant(true));
  EXPECT_EQ(call(binding, "fs", "write", {Val::string("/data/new.txt"), Val::string("x")}),
            R"w(err("Operation not permitted (os error 63)"))w");
  EXPECT_FALSE(std::filesystem::exists(folder / "data" / "new.txt"));
  EXPECT_EQ(call(binding, "fs", "write", {Val::string("/data/hello.txt"), Val::string("x")}),
            R"w(err("Operation not permitted (os error 63)"))w");
  std::ifstream in(folder / "data" / "hello.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "hello from the host");
}

TEST_F(Probe, AReadWriteDirectoryCanBeWritten) {
  auto binding = bind(data_grant(false));
  EXPECT_EQ(call(binding, "fs", "write", {Val::string("/data/new.txt"), Val::string("written")}),
            "ok");
  std::ifstream in(folder / "data" / "new.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "written");
}

TEST_F(Probe, TheEnvironmentHoldsOnlyWhatWasGranted) {
  ::setenv("WASM_LINK_PROBE_HOST_ONLY", "secret", 1);
  WasiGrant grant;
  grant.env = {{"GREETING", "Hi"}};
  grant.args = {"probe", "--flag"};
  auto binding = bind(grant);
  EXPECT_EQ(call(binding, "env", "get", {Val::string("GREETING")}), R"w(some("Hi"))w");
  EXPECT_EQ(call(binding, "env", "get", {Val::string("WASM_LINK_PROBE_HOST_ONLY")}), "none");
  EXPECT_EQ(call(binding, "env", "get", {Val::string("PATH")}), "none");
  EXPECT_EQ(call(binding, "env", "args"), R"w(["probe", "--flag"])w");
}

// A listening socket on the loopback, for connects to reach.
class Listener {
public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(fd_, reinterpret_cast<sockaddr *>(&address), size);
    ::listen(fd_, 4);
    ::getsockname(fd_, reinterpret_cast<sockaddr *>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd_); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

private:
  int fd_;
  int port_ = 0;
};

TEST_F(Probe, ConnectingNeedsTheNetworkGrant) {
  Listener listener;
  auto denied = bind(WasiGrant{});
  EXPECT_EQ(call(denied, "net", "connect", {Val::string(listener.address())}),
            R"w(err("Permission denied (os error 2)"))w");
  WasiGrant grant;
  grant.network = true;
  auto allowed = bind(grant);
  EXPECT_EQ(call(allowed, "net", "connect", {Val::string(listener.address())}), "ok");
}

TEST_F(Probe, NameLookupNeedsItsOwnGrant) {
  WasiGrant network_only;
  network_only.network = true;
  auto denied = bind(network_only);
  EXPECT_EQ(call(denied, "net", "lookup", {Val::string("localhost")}).rfind("err(", 0), 0u);
  WasiGrant grant;
  grant.name_lookup = true;
  auto allowed = bind(grant);
  EXPECT_EQ(call(allowed, "net", "lookup", {Val::string("localhost")}).rfind("ok(", 0), 0u)
      << call(allowed, "net", "lookup", {Val::string("localhost")});
}

TEST_F(Probe, OutputArrivesLineByLineWithThePluginsName) {
  std::mutex mutex;
  std::vector<Line> lines;
  auto sink = [&](std::string_view name, std::string_view stream, std::string_view text) {
    std::lock_guard lock(mutex);
    lines.push_back({std::string(name), std::string(stream), std::string(text)});
  };
  WasiGrant grant;
  grant.name = "probe-1";
  grant.stdout_to = WasiOutput::lines(sink);
  grant.stderr_to = WasiOutput::lines(sink);
  {
    auto binding = bind(grant);
    EXPECT_EQ(call(binding, "io", "print", {Val::string("one\ntwo\r\nthree")}), "ok");
    EXPECT_EQ(call(binding, "io", "eprint", {Val::string("warning\n")}), "ok");
    EXPECT_EQ(lines, (std::vector<Line>{{"probe-1", "stdout", "one"},
                                        {"probe-1", "stdout", "two"},
                                        {"probe-1", "stderr", "warning"}}));
    plugin.reset();
  }
  // The last line, without its newline, arrives when the plugin's store goes.
  EXPECT_EQ(lines.back(), (Line{"probe-1", "stdout", "three"}));
  EXPECT_EQ(lines.size(), 4u);
}

TEST_F(Probe, ALineLongerThanTheCapArrivesInPieces) {
  std::vector<std::string> lines;
  WasiGrant grant;
  grant.max_line_bytes = 4;
  grant.stdout_to = WasiOutput::lines(
      [&](std::string_view, std::string_view, std::string_view text) { lines.emplace_back(text); });
  auto binding = bind(grant);
  EXPECT_EQ(call(binding, "io", "print", {Val::string("abcdefghij\n")}), "ok");
  EXPECT_EQ(lines, (std::vector<std::string>{"abcd", "efgh", "ij"}));
}

TEST_F(Probe, DiscardedOutputReachesNobody) {
  auto binding = bind(WasiGrant{});
  EXPECT_EQ(call(binding, "io", "print", {Val::string("into the void\n")}), "ok");
}

TEST_F(Probe, StdinIsTheGrantedBytesOrEmpty) {
  WasiGrant grant;
  grant.stdin_bytes.emplace("line one\nline two\n");
  auto given = bind(grant);
  EXPECT_EQ(call(given, "io", "read-stdin"), R"w("line one\nline two\n")w");
  auto empty = bind(WasiGrant{});
  EXPECT_EQ(call(empty, "io", "read-stdin"), R"w("")w");
}

} // namespace
} // namespace wasm_link
