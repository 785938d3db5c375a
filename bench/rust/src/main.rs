//! Contender (c) of bench/run: the Rust crate `wasm-link` driving the same
//! fixtures (bench/fixtures) through the same cases as the C++ suite, with the
//! same arguments, batch sizes and plugin ids.
//!
//! Measuring, as Google Benchmark does for the C++ contenders: a repetition
//! runs the case in a batch of iterations, growing the batch until it takes at
//! least the minimum time, and reports process CPU time per operation of that
//! last batch. The output is every repetition and their median (JSON). The
//! cases run in the order below, or with --shuffle in a random one (bench/run
//! shuffles them, as Google Benchmark's random interleaving does the C++ suite's).
//!
//! usage: wasm-link-bench-rust FIXTURES [--min-time SECONDS] [--repetitions N]
//!                             [--filter SUBSTRING] [--exclude SUBSTRING]... [--shuffle]
//!                             [--out FILE]

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::{Path, PathBuf};

use wasm_link::cardinality::{Any, ExactlyOne};
use wasm_link::{
    Binding, Component, Engine, Function, FunctionKind, Interface, Linker, Plugin, PluginContext,
    PluginInstanceAsync, PluginInstanceSync, ResourceTable, ReturnKind, Val,
};

// The batch sizes of bench/support.hh.
const SOCKET_CALLS: u32 = 1000;
const SOCKET_BYTES_CALLS: u32 = 10;
const ROUND_TRIPS: u32 = 100;
const RESIDENT_PLUGINS: usize = 100;
fn fan_outs(plugins: usize) -> u32 {
    (1000 / plugins).max(1) as u32
}

struct Ctx {
    table: ResourceTable,
}

impl PluginContext for Ctx {
    fn resource_table(&mut self) -> &mut ResourceTable {
        &mut self.table
    }
}

fn ctx() -> Ctx {
    Ctx {
        table: ResourceTable::new(),
    }
}

type Instance = PluginInstanceSync<Ctx>;

struct Fixtures {
    engine: Engine,
    provider: Component,
    consumer: Component,
    bytes_consumer: Component,
    fan_out_consumer: Component,
    counter_provider: Component,
    counter_consumer: Component,
    no_imports: Linker<Ctx>,
}

impl Fixtures {
    fn load(folder: &Path) -> Fixtures {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        config.wasm_component_model_map(true);
        // As in the C++ suite (bench/support.hh): concurrency support off
        // unless WASM_LINK_BENCH_CONCURRENCY=on (Wasmtime's own default).
        config.concurrency_support(
            std::env::var("WASM_LINK_BENCH_CONCURRENCY").is_ok_and(|v| v == "on"),
        );
        let engine = Engine::new(&config).expect("engine");
        let compile = |name: &str| {
            let path = folder.join(name);
            Component::from_file(&engine, &path)
                .unwrap_or_else(|e| fail(&format!("cannot compile {}: {e:#}", path.display())))
        };
        Fixtures {
            provider: compile("provider.wat"),
            consumer: compile("consumer.wat"),
            bytes_consumer: compile("bytes_consumer.wat"),
            fan_out_consumer: compile("fan_out_consumer.wat"),
            counter_provider: compile("counter_provider.wat"),
            counter_consumer: compile("counter_consumer.wat"),
            no_imports: Linker::new(&engine),
            engine,
        }
    }

    // Plugins without sockets all instantiate with one linker, as in an application.
    fn instantiate(&self, component: &Component) -> Instance {
        Plugin::new(component.clone(), ctx())
            .instantiate(&self.engine, &self.no_imports)
            .unwrap_or_else(|e| fail(&format!("cannot instantiate: {e:#}")))
    }

    fn link<B>(&self, component: &Component, socket: B) -> Instance
    where
        B: Into<wasm_link::BindingAny<String, Ctx>>,
    {
        Plugin::new(component.clone(), ctx())
            .link(&self.engine, Linker::new(&self.engine), vec![socket.into()])
            .unwrap_or_else(|e| fail(&format!("cannot link: {e:#}")))
    }
}

// The async fixtures, compiled for an engine with concurrency support.
struct AsyncFixtures {
    engine: Engine,
    provider: Component,
    consumer: Component,
    executor: futures::executor::ThreadPool,
}

type AsyncOne =
    Binding<String, Ctx, ExactlyOne<String, PluginInstanceAsync<Ctx>>, PluginInstanceAsync<Ctx>>;

impl AsyncFixtures {
    fn load(folder: &Path) -> AsyncFixtures {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        config.wasm_component_model_map(true);
        config.concurrency_support(true);
        config.wasm_component_model_async(true);
        let engine = Engine::new(&config).expect("engine");
        let compile = |name: &str| {
            let path = folder.join(name);
            Component::from_file(&engine, &path)
                .unwrap_or_else(|e| fail(&format!("cannot compile {}: {e:#}", path.display())))
        };
        AsyncFixtures {
            provider: compile("provider_async.wat"),
            consumer: compile("consumer_async.wat"),
            executor: futures::executor::ThreadPool::builder()
                .pool_size(1)
                .create()
                .unwrap_or_else(|e| fail(&format!("cannot start a thread pool: {e}"))),
            engine,
        }
    }

    fn provider(&self) -> AsyncOne {
        let linker = Linker::new(&self.engine);
        let instance = futures::executor::block_on(
            Plugin::new(self.provider.clone(), ctx()).instantiate_async(
                &self.engine,
                &linker,
                self.executor.clone(),
            ),
        )
        .unwrap_or_else(|e| fail(&format!("cannot instantiate: {e:#}")));
        let api = Interface::new(
            HashMap::from([(
                "get-u32".to_string(),
                Function::new_async(FunctionKind::Freestanding, ReturnKind::AssumeNoResources),
            )]),
            HashSet::new(),
        );
        Binding::new(
            "bench:provider",
            HashMap::from([("api".to_string(), api)]),
            ExactlyOne("provider".to_string(), instance),
        )
    }

    fn consumer(&self, socket: AsyncOne) -> AsyncOne {
        let instance =
            futures::executor::block_on(Plugin::new(self.consumer.clone(), ctx()).link_async(
                &self.engine,
                Linker::new(&self.engine),
                vec![socket],
                self.executor.clone(),
            ))
            .unwrap_or_else(|e| fail(&format!("cannot link: {e:#}")));
        let run = Interface::new(
            HashMap::from([(
                "call-u32".to_string(),
                Function::new_async(FunctionKind::Freestanding, ReturnKind::AssumeNoResources),
            )]),
            HashSet::new(),
        );
        Binding::new(
            "bench:consumer",
            HashMap::from([("run".to_string(), run)]),
            ExactlyOne("consumer".to_string(), instance),
        )
    }
}

fn fail(message: &str) -> ! {
    eprintln!("wasm-link-bench-rust: {message}");
    std::process::exit(1)
}

fn plugin_id(i: usize) -> String {
    format!("p{i}")
}

// Interfaces are written by hand for this crate. Functions whose results hold
// no resource are declared so (AssumeNoResources): the crate's fastest path.
fn function(kind: FunctionKind, returns: ReturnKind) -> Function {
    Function::new(kind, returns)
}

fn interface(functions: &[(&str, FunctionKind, ReturnKind)], resources: &[&str]) -> Interface {
    Interface::new(
        functions
            .iter()
            .map(|(name, kind, returns)| (name.to_string(), function(*kind, *returns)))
            .collect(),
        resources
            .iter()
            .map(|r| r.to_string())
            .collect::<HashSet<_>>(),
    )
}

fn provider_interfaces() -> HashMap<String, Interface> {
    use FunctionKind::Freestanding as F;
    use ReturnKind::AssumeNoResources as N;
    HashMap::from([(
        "api".to_string(),
        interface(
            &[
                ("get-u32", F, N),
                ("echo-string", F, N),
                ("echo-bytes", F, N),
                ("echo-record", F, N),
            ],
            &[],
        ),
    )])
}

fn run_interfaces(function: &str) -> HashMap<String, Interface> {
    HashMap::from([(
        "run".to_string(),
        interface(
            &[(
                function,
                FunctionKind::Freestanding,
                ReturnKind::AssumeNoResources,
            )],
            &[],
        ),
    )])
}

type One = Binding<String, Ctx, ExactlyOne<String, Instance>>;
type Many = Binding<String, Ctx, Any<String, Instance>>;

fn one_provider(f: &Fixtures) -> One {
    Binding::new(
        "bench:provider",
        provider_interfaces(),
        ExactlyOne("provider".to_string(), f.instantiate(&f.provider)),
    )
}

fn many_providers(f: &Fixtures, count: usize) -> Many {
    let plugins = (0..count)
        .map(|i| {
            (
                if count == 1 {
                    "provider".to_string()
                } else {
                    plugin_id(i)
                },
                f.instantiate(&f.provider),
            )
        })
        .collect();
    Binding::new("bench:provider", provider_interfaces(), Any(plugins))
}

fn consumer<B>(f: &Fixtures, component: &Component, package: &str, function: &str, socket: B) -> One
where
    B: Into<wasm_link::BindingAny<String, Ctx>>,
{
    Binding::new(
        package,
        run_interfaces(function),
        ExactlyOne("consumer".to_string(), f.link(component, socket)),
    )
}

fn one_value(
    results: Result<
        ExactlyOne<String, Result<Val, wasm_link::DispatchError>>,
        wasm_link::DispatchError,
    >,
) -> Val {
    match results {
        Ok(ExactlyOne(_, Ok(value))) => value,
        Ok(ExactlyOne(id, Err(e))) => fail(&format!("{id}: {e}")),
        Err(e) => fail(&format!("dispatch: {e}")),
    }
}

fn expect(what: &str, got: &Val, wanted: &Val) {
    if got != wanted {
        let show = |v: &Val| format!("{v:?}").chars().take(200).collect::<String>();
        fail(&format!(
            "{what}: got {}, expected {}",
            show(got),
            show(wanted)
        ));
    }
}

fn string_1k() -> Val {
    Val::String("x".repeat(1024))
}

fn bytes_64k() -> Val {
    Val::List((0..64 * 1024).map(|i| Val::U8(i as u8)).collect())
}

fn record_8() -> Val {
    Val::Record(vec![
        ("a".into(), Val::U8(1)),
        ("b".into(), Val::U16(2)),
        ("c".into(), Val::U32(3)),
        ("d".into(), Val::U64(4)),
        ("e".into(), Val::S32(-5)),
        ("f".into(), Val::S64(-6)),
        ("g".into(), Val::Float32(7.5)),
        ("h".into(), Val::Float64(8.25)),
    ])
}

// Process CPU time, as Google Benchmark measures single-threaded benchmarks.
fn cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec, whose layout is the C one on 64-bit Linux.
    unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

fn resident_bytes() -> usize {
    extern "C" {
        fn sysconf(name: i32) -> i64;
    }
    const SC_PAGESIZE: i32 = 30;
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let resident: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("statm");
    // SAFETY: sysconf has no preconditions.
    resident * unsafe { sysconf(SC_PAGESIZE) } as usize
}

// Returns the heap's free pages to the system (see settle_heap in bench/support.hh).
fn settle_heap() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: malloc_trim has no preconditions.
    unsafe { malloc_trim(0) };
}

struct Options {
    min_time: f64,
    repetitions: usize,
    filter: String,
    exclude: Vec<String>, // each --exclude given
    shuffle: bool,
}

// A case, run once the cases are listed (and, with --shuffle, shuffled).
type Case<'a> = Box<dyn FnMut(&Options) -> Figure + 'a>;

fn case<'a>(name: &str, run: impl FnMut(&Options) -> Figure + 'a) -> (String, Case<'a>) {
    (format!("rust/{name}"), Box::new(run))
}

// Fisher-Yates with a xorshift seeded from the clock: a new order every run,
// as Google Benchmark's random interleaving gives the C++ suite.
fn shuffle<T>(items: &mut [T]) {
    let mut state = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

enum Figure {
    NsPerOp(Vec<f64>),
    BytesPerPlugin(Vec<f64>),
}

// Times `iteration` (which does `ops` operations) as described at the top.
fn measure(options: &Options, ops: u64, mut iteration: impl FnMut()) -> Figure {
    iteration(); // warm up: first calls fault in code and memory
    let mut repetitions = Vec::new();
    for _ in 0..options.repetitions {
        let mut iterations: u64 = 1;
        loop {
            let start = cpu_seconds();
            for _ in 0..iterations {
                iteration();
            }
            let elapsed = cpu_seconds() - start;
            if elapsed >= options.min_time || iterations >= 1_000_000_000 {
                repetitions.push(elapsed * 1e9 / (iterations * ops) as f64);
                break;
            }
            // Google Benchmark's prediction: aim 40% past the minimum, at most 10x.
            let multiplier = if elapsed <= 0.0 {
                10.0
            } else {
                (options.min_time * 1.4 / elapsed).min(10.0)
            };
            iterations = ((iterations as f64 * multiplier).ceil() as u64).max(iterations + 1);
        }
    }
    Figure::NsPerOp(repetitions)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut fixtures: Option<PathBuf> = None;
    let mut options = Options {
        min_time: 0.5,
        repetitions: 5,
        filter: String::new(),
        exclude: Vec::new(),
        shuffle: false,
    };
    let mut out: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--min-time" => {
                options.min_time = value().parse().unwrap_or_else(|_| fail("bad --min-time"))
            }
            "--repetitions" => {
                options.repetitions = value()
                    .parse()
                    .unwrap_or_else(|_| fail("bad --repetitions"))
            }
            "--filter" => options.filter = value(),
            "--exclude" => options.exclude.push(value()),
            "--shuffle" => options.shuffle = true,
            "--out" => out = Some(PathBuf::from(value())),
            _ if fixtures.is_none() && !arg.starts_with("--") => {
                fixtures = Some(PathBuf::from(arg))
            }
            _ => fail(&format!("unknown argument {arg}")),
        }
    }
    let fixtures =
        fixtures.unwrap_or_else(|| fail("usage: wasm-link-bench-rust FIXTURES [options]"));
    let f = Fixtures::load(&fixtures);

    // Counters the provider still holds after the resource round trips.
    let live_after = std::cell::Cell::new(None::<u32>);
    // The cases capture these by reference and run after all are listed.
    let (f, fixtures, live_after) = (&f, &fixtures, &live_after);
    let mut cases: Vec<(String, Case)> = Vec::new();

    for (name, function, arg) in [
        ("host_u32", "get-u32", None),
        ("host_string_1k", "echo-string", Some(string_1k())),
        ("host_bytes_64k", "echo-bytes", Some(bytes_64k())),
        ("host_record_8", "echo-record", Some(record_8())),
    ] {
        cases.push(case(name, move |o| {
            let binding = one_provider(&f);
            let args: Vec<Val> = arg.iter().cloned().collect();
            let got = one_value(binding.dispatch("api", function, &args));
            expect(name, &got, arg.as_ref().unwrap_or(&Val::U32(42)));
            measure(o, 1, || {
                black_box(binding.dispatch("api", function, &args)).ok();
            })
        }));
    }

    for plugins in [1usize, 10, 100] {
        cases.push(case(&format!("host_fan_out/{plugins}"), move |o| {
            let binding = many_providers(&f, plugins);
            match binding.dispatch("api", "get-u32", &[]) {
                Ok(Any(map))
                    if map.len() == plugins
                        && map.values().all(|r| matches!(r, Ok(Val::U32(42)))) => {}
                _ => fail("host fan-out: wrong results"),
            }
            measure(o, 1, || {
                black_box(binding.dispatch("api", "get-u32", &[])).ok();
            })
        }));
    }

    cases.push(case("socket_u32", move |o| {
        let relay = consumer(
            &f,
            &f.consumer,
            "bench:consumer",
            "call-u32",
            one_provider(&f),
        );
        let n = [Val::U32(SOCKET_CALLS)];
        expect(
            "call-u32",
            &one_value(relay.dispatch("run", "call-u32", &n)),
            &Val::U32(42 * SOCKET_CALLS),
        );
        measure(o, SOCKET_CALLS as u64, || {
            black_box(relay.dispatch("run", "call-u32", &n)).ok();
        })
    }));

    // 64 KiB in and out through the socket (bytes_consumer.wat), as in
    // bench/socket_bytes_bench.cc.
    cases.push(case("socket_bytes_64k", move |o| {
        let relay = consumer(
            &f,
            &f.bytes_consumer,
            "bench:consumer",
            "call-bytes",
            one_provider(&f),
        );
        let n = [Val::U32(SOCKET_BYTES_CALLS)];
        let sum: u32 = (1..=SOCKET_BYTES_CALLS).map(|k| k % 256).sum();
        expect(
            "call-bytes",
            &one_value(relay.dispatch("run", "call-bytes", &n)),
            &Val::U32(sum),
        );
        measure(o, SOCKET_BYTES_CALLS as u64, || {
            black_box(relay.dispatch("run", "call-bytes", &n)).ok();
        })
    }));

    for plugins in [1usize, 10, 100] {
        cases.push(case(&format!("fan_out/{plugins}"), move |o| {
            let relay = consumer(
                &f,
                &f.fan_out_consumer,
                "bench:consumer",
                "fan-out",
                many_providers(&f, plugins),
            );
            let calls = fan_outs(plugins);
            let n = [Val::U32(calls)];
            expect(
                "fan-out",
                &one_value(relay.dispatch("run", "fan-out", &n)),
                &Val::U32(42 * plugins as u32 * calls),
            );
            measure(o, calls as u64, || {
                black_box(relay.dispatch("run", "fan-out", &n)).ok();
            })
        }));
    }

    // The async cases (bench/async): `async func`s through the crate's async
    // API, on an engine with concurrency support, each dispatch awaited on
    // this thread, the crate's tasks on a one-worker pool.
    cases.push(case("async/host_u32", move |o| {
        let a = AsyncFixtures::load(&fixtures);
        let binding = a.provider();
        let got = one_value(futures::executor::block_on(binding.dispatch_async(
            "api",
            "get-u32",
            &[],
        )));
        expect("async get-u32", &got, &Val::U32(42));
        measure(o, 1, || {
            black_box(futures::executor::block_on(binding.dispatch_async(
                "api",
                "get-u32",
                &[],
            )))
            .ok();
        })
    }));

    cases.push(case("async/socket_u32", move |o| {
        let a = AsyncFixtures::load(&fixtures);
        let relay = a.consumer(a.provider());
        let n = [Val::U32(SOCKET_CALLS)];
        expect(
            "async call-u32",
            &one_value(futures::executor::block_on(
                relay.dispatch_async("run", "call-u32", &n),
            )),
            &Val::U32(42 * SOCKET_CALLS),
        );
        measure(o, SOCKET_CALLS as u64, || {
            black_box(futures::executor::block_on(
                relay.dispatch_async("run", "call-u32", &n),
            ))
            .ok();
        })
    }));

    cases.push(case("resource_round_trip", move |o| {
        use FunctionKind::{Freestanding, Method};
        use ReturnKind::{AssumeNoResources, MayContainResources};
        let counters: One = Binding::new(
            "bench:counter",
            HashMap::from([(
                "api".to_string(),
                interface(
                    &[
                        ("make-counter", Freestanding, MayContainResources),
                        ("[method]counter.get-value", Method, AssumeNoResources),
                        ("live-counters", Freestanding, AssumeNoResources),
                    ],
                    &["counter"],
                ),
            )]),
            ExactlyOne("counter".to_string(), f.instantiate(&f.counter_provider)),
        );
        let relay = consumer(
            &f,
            &f.counter_consumer,
            "bench:counter-consumer",
            "round-trip",
            counters.clone(),
        );
        let n = [Val::U32(ROUND_TRIPS)];
        match one_value(relay.dispatch("run", "round-trip", &n)) {
            Val::U32(0xffff_ffff) => fail("round-trip: make-counter failed"),
            Val::U32(0xffff_fffe) => fail("round-trip: get-value failed"),
            _ => {}
        }
        let figure = measure(o, ROUND_TRIPS as u64, || {
            black_box(relay.dispatch("run", "round-trip", &n)).ok();
        });
        // This crate forgets the consumer's handle on drop but never drops the
        // provider's resource: its destructor does not run.
        if let Val::U32(live) = one_value(counters.dispatch("api", "live-counters", &[])) {
            eprintln!("  live counters in the provider after the round trips: {live}");
            live_after.set(Some(live));
        }
        figure
    }));

    for plugins in [10usize, 100, 1000] {
        cases.push(case(&format!("graph_build/{plugins}"), move |o| {
            measure(o, 1, || {
                let relay = consumer(
                    &f,
                    &f.fan_out_consumer,
                    "bench:consumer",
                    "fan-out",
                    many_providers(&f, plugins - 1),
                );
                black_box(relay);
            })
        }));
    }

    cases.push(case("resident_memory", move |o| {
        let mut figures = Vec::new();
        drop(many_providers(&f, 1)); // as the C++ suite does, before measuring
        for _ in 0..o.repetitions {
            settle_heap();
            let before = resident_bytes();
            let binding = many_providers(&f, RESIDENT_PLUGINS);
            black_box(binding.dispatch("api", "get-u32", &[])).ok();
            figures.push((resident_bytes() - before) as f64 / RESIDENT_PLUGINS as f64);
            drop(binding);
        }
        Figure::BytesPerPlugin(figures)
    }));

    cases.retain(|(name, _)| {
        // The async cases run only when asked for (bench/async does).
        !(name.starts_with("rust/async/") && !options.filter.contains("async"))
            && name.contains(&options.filter)
            && !options.exclude.iter().any(|e| name.contains(e.as_str()))
    });
    if options.shuffle {
        shuffle(&mut cases);
    }
    let mut results: Vec<(String, Figure)> = Vec::new();
    for (name, mut case) in cases {
        eprintln!("{name}");
        let figure = case(&options);
        results.push((name, figure));
    }

    let mut json = String::from("{\n  \"benchmarks\": [\n");
    for (i, (name, figure)) in results.iter().enumerate() {
        let (key, values) = match figure {
            Figure::NsPerOp(v) => ("ns_per_op", v),
            Figure::BytesPerPlugin(v) => ("bytes_per_plugin", v),
        };
        let list = values
            .iter()
            .map(|v| format!("{v:.3}"))
            .collect::<Vec<_>>()
            .join(", ");
        let live = match live_after.get() {
            Some(live) if name.ends_with("/resource_round_trip") => {
                format!(", \"live_counters_after\": {live}")
            }
            _ => String::new(),
        };
        json += &format!(
            "    {{\"name\": \"{name}\", \"{key}\": [{list}], \"median\": {:.3}{live}}}{}\n",
            median(values),
            if i + 1 < results.len() { "," } else { "" }
        );
    }
    json += "  ]\n}\n";
    match out {
        Some(path) => std::fs::write(&path, json)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display()))),
        None => print!("{json}"),
    }
}
