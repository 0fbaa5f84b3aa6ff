//! `git-credential-tokenkeeper`: git's name for `tokenkeeper git-credential`
//! (`git config --global credential.helper tokenkeeper`).

#[path = "shim.rs"]
mod shim;

fn main() -> std::process::ExitCode {
    shim::run("git-credential")
}
