//! Tries what a WASI grant allows: files, environment, network, stdio.
use std::io::{Read, Write};

wit_bindgen::generate!({ path: "wit", world: "probe" });

struct Probe;

impl exports::probe::wasi::fs::Guest for Probe {
    fn read(path: String) -> Result<String, String> {
        std::fs::read_to_string(&path).map_err(|e| e.to_string())
    }
    fn write(path: String, contents: String) -> Result<(), String> {
        std::fs::write(&path, contents).map_err(|e| e.to_string())
    }
}

impl exports::probe::wasi::env::Guest for Probe {
    fn get(name: String) -> Option<String> {
        std::env::var(name).ok()
    }
    fn args() -> Vec<String> {
        std::env::args().collect()
    }
}

impl exports::probe::wasi::net::Guest for Probe {
    fn connect(address: String) -> Result<(), String> {
        std::net::TcpStream::connect(address.as_str()).map(|_| ()).map_err(|e| e.to_string())
    }
    fn lookup(host: String) -> Result<u32, String> {
        use std::net::ToSocketAddrs;
        (host.as_str(), 80).to_socket_addrs().map(|a| a.count() as u32).map_err(|e| e.to_string())
    }
}

impl exports::probe::wasi::io::Guest for Probe {
    fn print(text: String) {
        print!("{text}");
        let _ = std::io::stdout().flush();
    }
    fn eprint(text: String) {
        eprint!("{text}");
    }
    fn read_stdin() -> String {
        let mut text = String::new();
        let _ = std::io::stdin().read_to_string(&mut text);
        text
    }
}

export!(Probe);
