//! Shell completions (clap_complete) and the man page (clap_mangen), made from the same clap
//! definition as the parser, so they cannot drift from it. The .deb ships both.

use anyhow::{Result, bail};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;

pub fn completions(shell: &str) -> Result<()> {
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "elvish" => Shell::Elvish,
        "powershell" => Shell::PowerShell,
        other => bail!("no completions for `{other}`: bash, zsh, fish, elvish or powershell"),
    };
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "tokenkeeper",
        &mut std::io::stdout(),
    );
    Ok(())
}

pub fn man() -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(())
}
