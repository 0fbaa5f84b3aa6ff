//! Serves the provider API fixtures on 127.0.0.1 for the app's WebDriver tests:
//! `provider-fixture [PORT]` prints `http://127.0.0.1:PORT` once it listens and runs until
//! killed. Point `TOKENKEEPER_API_BASE_GITHUB` (and the others) at it.

#[path = "../tests/support/fixture.rs"]
mod fixture;

fn main() {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let f = fixture::Fixture::start_default_on(port);
    println!("{}", f.base);
    loop {
        std::thread::park();
    }
}
