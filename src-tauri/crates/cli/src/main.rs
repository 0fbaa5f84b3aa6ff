//! `tokenkeeper`: the command-line interface on the same vault as the desktop app, so scripts
//! fetch tokens at run time instead of hard-coding them. `get` is the only command that prints
//! a secret. Errors are one `error: …` line on stderr and exit 1; usage errors exit 2; `due`
//! exits 3 when it lists anything.

mod args;
mod backup;
mod commands;
mod decode;
mod docker;
mod doctor;
mod git;
mod import;
mod input;
mod manual;
mod net;
mod oauth;
mod output;
mod provider;
mod remind;
mod run;
mod secret;
mod signals;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tokenkeeper_vault::edge::harden_process();
    let cli = args::Cli::parse();
    // Off by default: errors are printed as `error:` lines.
    tokenkeeper_vault::edge::init_logging("off");
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
