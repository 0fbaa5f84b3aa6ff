//! `tokenkeeper`: the command-line interface on the same vault as the desktop app, so scripts
//! fetch tokens at run time instead of hard-coding them. `get` is the only command that prints
//! a secret. Errors are one `error: …` line on stderr and exit 1; usage errors exit 2; `due`
//! exits 3 when it lists anything.

mod args;
mod commands;
mod doctor;
mod output;
mod remind;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::from(1)
        }
    }
}

fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace('\n', " ")
}

/// Logs go to stderr, filtered by `RUST_LOG` (default: off, as errors are printed as `error:`
/// lines). Crates that may see secrets are held at `info` even under `RUST_LOG=trace`.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let mut filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("off"));
    for target in tokenkeeper_core::SECRET_BEARING_LOG_TARGETS {
        if let Ok(d) = format!("{target}=info").parse() {
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
