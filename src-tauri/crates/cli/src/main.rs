//! `tokenkeeper`: the command-line interface on the same vault as the desktop app, so scripts
//! fetch tokens at run time instead of hard-coding them. `get` is the only command that prints
//! a secret. Errors are one `error: …` line on stderr and exit 1; usage errors exit 2.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace('\n', " ")
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: errors only, as they are also printed as `error:` lines). Third-party crates are held
/// at `info` even under `RUST_LOG=trace`, so a D-Bus or HTTP trace can never carry a secret.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off"));
    for quiet in [
        "zbus=info",
        "secret_service=info",
        "ureq=info",
        "rustls=info",
        "arboard=info",
    ] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    // Colour codes only for a terminal: a redirected log must stay plain text to grep.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}
