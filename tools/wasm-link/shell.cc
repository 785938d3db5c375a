// `wasm-link shell <manifest>`: the graph loaded once, then changed and called
// by commands read from stdin, one per line, while it runs (Binding::add,
// remove, replace). With --watch, a plugin whose component file changes is
// reloaded by itself.
#include "commands.hh"
#include "output.hh"
#include "shell_line.hh"

#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace wasm_link::tool {
namespace {

constexpr const char *help_text = R"(commands:
  call <binding>/<interface>.<function> [ARG...]
                            call it in every plugin of the binding; ARGs in WAVE,
                            separated by spaces (a quoted or bracketed value may
                            hold spaces); prints as `wasm-link call` does
  reload <plugin>           read the plugin's component file again, compile it and
                            put it in the place of the running one; if that fails,
                            the running one stays and the shell says why
  remove <plugin>           take the plugin out of its bindings
  add <plugin> <binding> <component>
                            put a plugin made from <component> in <binding>: a
                            plugin of the manifest keeps its sockets, limits and
                            WASI grant; any other gets none of them and the
                            default limits
  graph                     each binding and its plugins now
  help                      this
  quit                      end the shell (so does the end of the input)
)";

// What a file is now, to tell that it changed.
struct Stamp {
  std::filesystem::file_time_type time{};
  std::uintmax_t size = 0;
  bool exists = false;
  bool operator==(const Stamp &) const = default;
};

Stamp stamp_of(const std::filesystem::path &file) {
  std::error_code error;
  Stamp stamp;
  stamp.time = std::filesystem::last_write_time(file, error);
  if (error)
    return {};
  stamp.size = std::filesystem::file_size(file, error);
  stamp.exists = !error;
  return stamp;
}

// A plugin of the shell's graph: where it comes from, and where it is now.
struct Placed {
  PluginSpec spec;                // its manifest's, or, for one added here, only its component
  std::set<std::string> bindings; // the graph's bindings it is in now
  Stamp stamp;                    // its component file when last loaded
};

class Shell {
public:
  Shell(Manifest manifest, Graph &graph, const Options &options)
      : manifest_(std::move(manifest)), graph_(graph), options_(options) {
    for (const auto &[id, spec] : manifest_.plugins)
      placed_[id] = Placed{spec, {}, stamp_of(spec.component)};
    for (const auto &[name, spec] : manifest_.bindings)
      for (const auto &id : spec.plugins)
        placed_[id].bindings.insert(name);
  }

  // Reads and runs commands until `quit` or the end of the input.
  void run(bool watch) {
    std::thread watcher;
    if (watch)
      watcher = std::thread([this] { watch_files(); });
    const bool prompt = isatty(STDIN_FILENO) == 1;
    std::string line;
    while (true) {
      if (prompt) {
        std::cout << "wasm-link> " << std::flush;
      }
      auto read = read_line(line);
      if (!read)
        break;
      std::lock_guard lock(mutex_);
      if (!*read) {
        fail(Exit::usage,
             "a line of more than " + std::to_string(max_line_bytes) + " bytes was not read");
        continue;
      }
      if (!command(line))
        break;
      std::cout << std::flush;
    }
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    stop_.notify_all();
    if (watcher.joinable())
      watcher.join();
  }

private:
  // One line of stdin into `line`: nothing at the end of the input; false for
  // a line over max_line_bytes, which is read to its end and dropped.
  static std::optional<bool> read_line(std::string &line) {
    line.clear();
    bool too_long = false;
    int c;
    while ((c = std::getchar()) != EOF && c != '\n') {
      if (line.size() < max_line_bytes)
        line += static_cast<char>(c);
      else
        too_long = true;
    }
    if (c == EOF && line.empty() && !too_long)
      return std::nullopt;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    return !too_long;
  }

  // Runs one command line; false for `quit`.
  bool command(const std::string &line) {
    auto split = command_words(line);
    if (!split) {
      fail(Exit::usage, split.err());
      return true;
    }
    const auto &words = split.ok_ref();
    if (words.empty() || words.front().starts_with('#'))
      return true;
    const std::string &name = words.front();
    auto wants = [&](std::size_t count, const char *usage) {
      if (words.size() == count + 1)
        return true;
      fail(Exit::usage, "usage: " + std::string(usage));
      return false;
    };
    if (name == "quit" || name == "exit") {
      return false;
    } else if (name == "help") {
      std::cout << help_text;
    } else if (name == "graph") {
      print_graph();
    } else if (name == "call") {
      if (words.size() < 2) {
        fail(Exit::usage, "usage: call <binding>/<interface>.<function> [ARG...]");
        return true;
      }
      call_in(graph_, manifest_, words[1], {words.begin() + 2, words.end()}, "", options_);
    } else if (name == "reload") {
      if (wants(1, "reload <plugin>"))
        reload(words[1], nullptr);
    } else if (name == "remove") {
      if (wants(1, "remove <plugin>"))
        remove(words[1]);
    } else if (name == "add") {
      if (wants(3, "add <plugin> <binding> <component>"))
        add(words[1], words[2], words[3]);
    } else {
      fail(Exit::usage,
           "unknown command `" + name + "`" +
               alternatives(name, {"add", "call", "graph", "help", "quit", "reload", "remove"},
                            "commands") +
               "; `help` lists them");
    }
    return true;
  }

  // A new instance of plugin `id` from its component file as it is now.
  Result<PluginInstance, std::string> make(const std::string &id, Placed &placed) {
    placed.stamp = stamp_of(placed.spec.component);
    auto component = load_component(graph_.engine, placed.spec.component, options_.load);
    if (!component)
      return component.err().message();
    auto instance = link_plugin(graph_, manifest_.file.string(), id, placed.spec,
                                component.ok_ref(), options_.defaults);
    if (!instance)
      return instance.err().message;
    return instance.ok();
  }

  Binding &binding(const std::string &name) { return graph_.bindings.find(name)->second; }

  Plug plug(const std::string &id, const PluginInstance &instance) const {
    return Plug{id, instance, placed_.find(id)->second.spec.remaps};
  }

  // Reloads plugin `id` in every binding it is in, or in none; `changed`: the
  // file whose change asked for it (--watch), null for a command.
  void reload(const std::string &id, const std::filesystem::path *changed) {
    const std::string why = changed ? "watch: `" + changed->string() + "` changed: " : "";
    auto found = placed_.find(id);
    if (found == placed_.end()) {
      fail(Exit::usage, "reload: unknown plugin `" + id + "`" +
                            alternatives(id, keys(placed_), "the graph has"));
      return;
    }
    Placed &placed = found->second;
    auto refused = [&](const std::string &message) {
      fail(Exit::load,
           why + "cannot reload plugin `" + id + "` (the running one stays): " + message);
    };
    auto instance = make(id, placed);
    if (!instance)
      return refused(instance.err());
    std::vector<std::string> done;
    for (const auto &name : placed.bindings) {
      auto replaced = binding(name).replace(plug(id, instance.ok_ref()));
      if (!replaced) {
        // The bindings done take the running one back, which fitted them.
        for (const auto &back : done)
          (void)binding(back).replace(plug(id, graph_.plugins.find(id)->second));
        return refused(replaced.err().message());
      }
      done.push_back(name);
    }
    graph_.plugins.insert_or_assign(id, instance.ok());
    std::cout << why << "reloaded plugin `" << id << "`\n";
  }

  void remove(const std::string &id) {
    auto found = placed_.find(id);
    if (found == placed_.end() || found->second.bindings.empty()) {
      fail(Exit::usage, "remove: no binding has plugin `" + id + "`");
      return;
    }
    Placed &placed = found->second;
    for (auto name = placed.bindings.begin(); name != placed.bindings.end();) {
      if (auto removed = binding(*name).remove(id); !removed) {
        fail(Exit::usage, "remove: " + removed.err().message());
        return;
      }
      std::cout << "removed plugin `" << id << "` from binding `" << *name << "`\n";
      name = placed.bindings.erase(name);
    }
  }

  void add(const std::string &id, const std::string &binding_name, const std::string &file) {
    if (!graph_.bindings.contains(binding_name)) {
      fail(Exit::usage, "add: unknown binding `" + binding_name + "`" +
                            alternatives(binding_name, keys(graph_.bindings), "the graph has"));
      return;
    }
    auto found = placed_.find(id);
    Placed placed = found != placed_.end() ? found->second : Placed{};
    if (!placed.bindings.empty()) {
      fail(Exit::usage, "add: plugin `" + id + "` is in binding `" + *placed.bindings.begin() +
                            "` already: `reload " + id + "` makes it afresh, or pick another id");
      return;
    }
    placed.spec.component = std::filesystem::absolute(file);
    auto instance = make(id, placed);
    if (!instance) {
      fail(Exit::load, "add plugin `" + id + "`: " + instance.err());
      return;
    }
    placed.bindings.insert(binding_name);
    if (auto added = binding(binding_name).add(Plug{id, instance.ok_ref(), placed.spec.remaps});
        !added) {
      fail(Exit::load, "add: " + added.err().message());
      return;
    }
    placed_.insert_or_assign(id, std::move(placed));
    graph_.plugins.insert_or_assign(id, instance.ok());
    std::cout << "added plugin `" << id << "` to binding `" << binding_name << "`\n";
  }

  // `<binding> (<package>, <cardinality>): <plugin> <plugin> ...`, a line each.
  void print_graph() {
    for (const auto &[name, b] : graph_.bindings) {
      std::cout << name << " (" << b.package() << ", " << to_string(b.cardinality()) << "):";
      for (const auto &id : b.plugin_ids())
        std::cout << " " << id;
      std::cout << "\n";
    }
  }

  // Polls the plugins' component files; reloads a plugin whose file changed
  // and holds still (the same size and time twice in a row).
  void watch_files() {
    using namespace std::chrono_literals;
    std::map<std::string, Stamp, std::less<>> settling;
    std::unique_lock lock(mutex_);
    while (!stop_.wait_for(lock, 100ms, [&] { return done_; })) {
      for (auto &[id, placed] : placed_) {
        if (placed.bindings.empty())
          continue;
        const Stamp now = stamp_of(placed.spec.component);
        if (now == placed.stamp || !now.exists) {
          settling.erase(id);
          continue;
        }
        auto last = settling.find(id);
        if (last == settling.end() || !(last->second == now)) {
          settling.insert_or_assign(id, now);
          continue;
        }
        settling.erase(id);
        reload(id, &placed.spec.component);
        std::cout << std::flush;
      }
    }
  }

  Manifest manifest_;
  Graph &graph_;
  const Options &options_;
  std::map<std::string, Placed, std::less<>> placed_;
  // One command, or one reload by the watcher, at a time; whole lines of output.
  std::mutex mutex_;
  std::condition_variable stop_;
  bool done_ = false;
};

} // namespace

int shell(const std::string &file, bool watch, const Options &options) {
  auto read = read_manifest(file);
  if (!read)
    return fail(Exit::usage, read.err());
  auto built = build_graph(read.ok_ref(), options.load, options.defaults);
  if (!built)
    return fail(built.err_ref().exit, built.err_ref().message);
  Graph &graph = keep(std::move(built.ok_ref()));
  Shell(std::move(read.ok_ref()), graph, options).run(watch);
  return Exit::ok;
}

} // namespace wasm_link::tool
