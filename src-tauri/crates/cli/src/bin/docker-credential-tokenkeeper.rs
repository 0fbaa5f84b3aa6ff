//! `docker-credential-tokenkeeper`: docker's name for `tokenkeeper docker-credential`
//! (`"credsStore": "tokenkeeper"` in ~/.docker/config.json).

#[path = "shim.rs"]
mod shim;

fn main() -> std::process::ExitCode {
    shim::run("docker-credential")
}
