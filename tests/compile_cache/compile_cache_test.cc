// The compile cache: entries are used when whole and of the same source and
// engine settings, compiled again when not; precompiled files only on request.
#include "support.hh"

#include "compile_cache.hh"
#include "sha256.hh"

#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasm_link {
namespace {

using namespace wasm_link::testing;

std::vector<std::uint8_t> bytes_of(const std::filesystem::path &file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write(const std::filesystem::path &file, const std::vector<std::uint8_t> &bytes) {
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char *>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

// The names of the instances a component exports.
std::vector<std::string> exports_of(wasmtime::Engine &engine,
                                    const wasmtime::component::Component &component) {
  std::vector<std::string> out;
  const auto type = component.type();
  for (std::size_t i = 0; i < type.export_count(engine); ++i)
    out.emplace_back(type.export_nth(engine, i)->first);
  return out;
}

class CompileCacheTest : public ::testing::Test {
protected:
  CompileCacheTest()
      : engine(make_engine()),
        folder(std::filesystem::temp_directory_path() /
               ("wasm-link-cache-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(folder);
    options.cache = folder;
  }
  ~CompileCacheTest() override { std::filesystem::remove_all(folder); }

  std::filesystem::path entry_of(const std::string &relative) {
    const auto source = bytes_of(fixture(relative));
    return detail::CompileCache::open(folder)->entry(engine, source);
  }

  std::size_t entries() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto &item : std::filesystem::directory_iterator(folder))
      ++count;
    return count;
  }

  wasmtime::Engine engine;
  std::filesystem::path folder;
  LoadOptions options;
};

TEST_F(CompileCacheTest, AFirstLoadKeepsTheCompiledComponent) {
  auto component = load_component(engine, fixture("sockets/child_a.wat"), options);
  ASSERT_TRUE(component);
  const auto entry = entry_of("sockets/child_a.wat");
  ASSERT_TRUE(std::filesystem::exists(entry));
  EXPECT_EQ(entries(), 1u);
  const auto bytes = bytes_of(entry);
  const std::string magic = "wasm-link compiled component 1\n";
  ASSERT_GT(bytes.size(), magic.size());
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + magic.size()), magic);
  struct stat info {};
  ASSERT_EQ(::stat(folder.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & (S_IWGRP | S_IWOTH), 0u);
}

// A whole entry is what the next load gets: here an entry holding another
// component (with its checksum made right) stands for child_a, and is believed.
TEST_F(CompileCacheTest, AWholeEntryIsUsedInsteadOfCompiling) {
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  ASSERT_TRUE(load_component(engine, fixture("limits/hostile.wat"), options));
  auto a = bytes_of(entry_of("sockets/child_a.wat"));
  auto hostile = bytes_of(entry_of("limits/hostile.wat"));
  const std::size_t header = 31 + 32 + 32 + 8;
  std::vector<std::uint8_t> forged(a.begin(), a.begin() + 31 + 32); // magic and child_a's key
  const std::span<const std::uint8_t> payload(hostile.data() + header, hostile.size() - header);
  const auto sum = detail::Sha256().update(payload).finish();
  forged.insert(forged.end(), sum.begin(), sum.end());
  forged.insert(forged.end(), hostile.begin() + 31 + 64, hostile.end()); // size and payload
  write(entry_of("sockets/child_a.wat"), forged);

  auto component = load_component(engine, fixture("sockets/child_a.wat"), options);
  ASSERT_TRUE(component);
  EXPECT_EQ(exports_of(engine, component.ok_ref()), std::vector<std::string>{"test:hostile/api"});
}

TEST_F(CompileCacheTest, ADamagedEntryIsCompiledAgainAndReplaced) {
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  const auto entry = entry_of("sockets/child_a.wat");
  const auto good = bytes_of(entry);
  auto flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  auto truncated = std::vector<std::uint8_t>(good.begin(), good.begin() + good.size() / 2);
  auto header_only = std::vector<std::uint8_t>(good.begin(), good.begin() + 40);
  for (const auto &damaged : {flipped, truncated, header_only, std::vector<std::uint8_t>{}}) {
    write(entry, damaged);
    auto component = load_component(engine, fixture("sockets/child_a.wat"), options);
    ASSERT_TRUE(component);
    EXPECT_EQ(exports_of(engine, component.ok_ref()), std::vector<std::string>{"test:child/root"});
    // Replaced by a whole entry, which the cache itself takes.
    EXPECT_TRUE(
        detail::CompileCache::open(folder)->find(engine, bytes_of(fixture("sockets/child_a.wat"))))
        << "the entry was not replaced";
  }
}

TEST_F(CompileCacheTest, AnEntryOfAnotherSourceIsNotUsed) {
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  ASSERT_TRUE(load_component(engine, fixture("limits/hostile.wat"), options));
  // child_a's entry, whole, under hostile's name: its key says it is not.
  write(entry_of("limits/hostile.wat"), bytes_of(entry_of("sockets/child_a.wat")));
  auto component = load_component(engine, fixture("limits/hostile.wat"), options);
  ASSERT_TRUE(component);
  EXPECT_EQ(exports_of(engine, component.ok_ref()), std::vector<std::string>{"test:hostile/api"});
}

TEST_F(CompileCacheTest, EnginesWithOtherSettingsKeepEntriesOfTheirOwn) {
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  wasmtime::Engine fueled(std::move(config));
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  ASSERT_TRUE(load_component(fueled, fixture("sockets/child_a.wat"), options));
  EXPECT_EQ(entries(), 2u);
  // The same settings in another engine find the first entry.
  wasmtime::Engine same(default_config());
  ASSERT_TRUE(load_component(same, fixture("sockets/child_a.wat"), options));
  EXPECT_EQ(entries(), 2u);
  const auto source = bytes_of(fixture("sockets/child_a.wat"));
  auto cache = detail::CompileCache::open(folder);
  EXPECT_EQ(cache->entry(engine, source), cache->entry(same, source));
  EXPECT_NE(cache->entry(engine, source), cache->entry(fueled, source));
}

TEST_F(CompileCacheTest, NoCacheWritesNothing) {
  options.cache.reset();
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  EXPECT_FALSE(std::filesystem::exists(folder));
}

TEST_F(CompileCacheTest, AFolderOthersMayWriteIsNotUsed) {
  std::filesystem::create_directories(folder);
  std::filesystem::permissions(folder, std::filesystem::perms::all);
  ASSERT_TRUE(load_component(engine, fixture("sockets/child_a.wat"), options));
  EXPECT_EQ(entries(), 0u);
}

TEST_F(CompileCacheTest, PrecompiledComponentsOnlyWhenAskedFor) {
  auto component = take(load_component(engine, fixture("sockets/child_a.wat"), options));
  const auto file = folder / "child_a.cwasm";
  write(file, take(component.serialize()));
  options.cache.reset();
  auto refused = load_component(engine, file, options);
  expect_error(refused, Error::Kind::load,
               "cannot read component `" + file.string() +
                   "`: it is a precompiled component (native code, as `wasmtime compile` makes); "
                   "load it only from a source you trust as a program, with "
                   "LoadOptions::allow_precompiled");
  options.allow_precompiled = true;
  auto loaded = load_component(engine, file, options);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(exports_of(engine, loaded.ok_ref()), std::vector<std::string>{"test:child/root"});
  // One compiled with other settings is Wasmtime's error, not a crash.
  wasmtime::Config config = default_config();
  config.consume_fuel(true);
  wasmtime::Engine fueled(std::move(config));
  expect_error(load_component(fueled, file, options), Error::Kind::load,
               "cannot read component `" + file.string() +
                   "`: Module was compiled without fuel support but it is enabled for the host");
}

TEST(DefaultCacheFolder, FollowsTheEnvironment) {
  const char *saved = std::getenv("WASM_LINK_CACHE_DIR");
  const std::string restore = saved ? saved : "";
  ::setenv("WASM_LINK_CACHE_DIR", "/somewhere", 1);
  EXPECT_EQ(default_cache_folder(), std::filesystem::path("/somewhere/components"));
  ::unsetenv("WASM_LINK_CACHE_DIR");
  const char *xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0')
    EXPECT_EQ(default_cache_folder(), std::filesystem::path(xdg) / "wasm-link" / "components");
  else
    EXPECT_EQ(default_cache_folder(),
              std::filesystem::path(std::getenv("HOME")) / ".cache" / "wasm-link" / "components");
  if (saved != nullptr)
    ::setenv("WASM_LINK_CACHE_DIR", restore.c_str(), 1);
}

class Sha256Test : public ::testing::TestWithParam<bool> {
protected:
  Sha256Test() { detail::Sha256::use_cpu_extensions = GetParam(); }
  ~Sha256Test() override { detail::Sha256::use_cpu_extensions = true; }
};
INSTANTIATE_TEST_SUITE_P(CpuAndPortable, Sha256Test, ::testing::Values(true, false));

TEST_P(Sha256Test, KnownDigests) {
  auto hex = [](std::string_view text) {
    return detail::to_hex(detail::Sha256().update(text).finish());
  };
  EXPECT_EQ(hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Fed in pieces that straddle blocks, the digest is the same.
  const std::string text(200, 'x');
  detail::Sha256 pieces;
  for (std::size_t i = 0; i < text.size(); i += 7)
    pieces.update(std::string_view(text).substr(i, 7));
  EXPECT_EQ(detail::to_hex(pieces.finish()), hex(text));
}

} // namespace
} // namespace wasm_link
