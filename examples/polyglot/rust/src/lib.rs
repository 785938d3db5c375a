//! The Rust greeter: exports `example:greeter/greet` (../wit/greeter.wit).
//! Built for `wasm32-wasip2`, so `std` itself reaches WASI 0.2: `std::env::var`
//! reads `wasi:cli/environment` and `eprintln!` writes to `wasi:cli/stderr`.

wit_bindgen::generate!({
    world: "greeter",
    path: "../wit",
});

struct Greeter;

impl exports::example::greeter::greet::Guest for Greeter {
    fn hello(name: String) -> String {
        let greeting = match std::env::var("GREETING") {
            Ok(greeting) if !greeting.is_empty() => greeting,
            _ => "Hello".to_string(),
        };
        eprintln!("rust greeter: greeting {name}");
        format!("{greeting}, {name}! (from Rust)")
    }
}

export!(Greeter);
