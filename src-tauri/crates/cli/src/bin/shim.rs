//! The credential-helper binaries git and docker look for by name
//! (`git-credential-tokenkeeper`, `docker-credential-tokenkeeper`): each runs the `tokenkeeper`
//! beside it (else the one on PATH) with its subcommand, so there is one implementation. On
//! Unix the shim is replaced by it, so stdin, stdout and the exit status are its own.

use std::{path::PathBuf, process::Command};

/// Runs `tokenkeeper SUBCOMMAND ARGS…`; returns only when it could not be started.
pub fn run(subcommand: &str) -> std::process::ExitCode {
    let beside = std::env::current_exe()
        .ok()
        .map(|p| p.with_file_name(format!("tokenkeeper{}", std::env::consts::EXE_SUFFIX)))
        .filter(|p| p.is_file());
    let program = beside.unwrap_or_else(|| PathBuf::from("tokenkeeper"));
    let mut cmd = Command::new(&program);
    cmd.arg(subcommand).args(std::env::args_os().skip(1));
    let error = exec(cmd);
    eprintln!("error: cannot start {}: {error}", program.display());
    std::process::ExitCode::from(1)
}

#[cfg(unix)]
fn exec(mut cmd: Command) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    cmd.exec()
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> std::io::Error {
    match cmd.status() {
        Ok(s) => std::process::exit(s.code().unwrap_or(1)),
        Err(e) => e,
    }
}
