//! What the CLI reads from the user: secrets from stdin or a no-echo prompt (never from an
//! argument), bounded in size, and the token `decode` and `verify` look at.

use std::io::{IsTerminal, Read};

use anyhow::{Context, Result, bail};
use tokenkeeper_core::{
    Secret,
    inspect::{self, MAX_TOKEN_BYTES},
};
use zeroize::Zeroizing;

/// A secret from stdin (piped) or a no-echo prompt; never from an argument. `usage` completes
/// the hint shown when nothing was piped in.
pub(crate) fn read_secret(usage: &str) -> Result<Secret> {
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        rpassword::prompt_password("Paste the token (input hidden): ")
            .context("could not read the token from the terminal")?
    } else {
        // Read into a zeroizing buffer; the one copy made here moves into the `Secret`.
        let bytes = read_capped(stdin.lock())?;
        std::str::from_utf8(&bytes)
            .context("the token on stdin is not UTF-8 text")?
            .to_owned()
    };
    let secret = Secret::from(text);
    if inspect::normalize(secret.expose()).is_empty() {
        bail!(
            "no token was given on stdin; pipe it in: `printf %s \"$TOKEN\" | tokenkeeper {usage}`"
        );
    }
    Ok(secret)
}

/// A client secret (or other non-token secret) from stdin or a no-echo prompt, trimmed of the
/// line end a shell adds.
pub(crate) fn read_secret_stdin(what: &str) -> Result<Secret> {
    let s = read_secret(&format!(
        "provider add NAME … --client-secret-stdin  # {what}"
    ))?;
    Ok(Secret::new(s.expose().trim().to_owned()))
}

/// Reads at most one byte more than a token may have, so endless input (`yes | …`) cannot hang
/// or exhaust memory; over the limit the real size is unknown, and the error says so.
fn read_capped(reader: impl Read) -> Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::new());
    reader
        .take(MAX_TOKEN_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    if buf.len() > MAX_TOKEN_BYTES {
        bail!(
            "the input on stdin is over {MAX_TOKEN_BYTES} bytes; tokens over {MAX_TOKEN_BYTES} bytes are refused before parsing"
        );
    }
    Ok(buf)
}

/// A token to decode: stdin for `-` or nothing, a file, or (with a warning) the argument.
pub(crate) fn token_input(
    arg: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Zeroizing<Vec<u8>>> {
    if let Some(path) = file {
        let f = std::fs::File::open(path)
            .with_context(|| format!("cannot read the token file {}", path.display()))?;
        return read_capped(f);
    }
    match arg.as_deref() {
        Some("-") | None => {
            if std::io::stdin().is_terminal() {
                bail!(
                    "pipe the token in (`pbpaste | tokenkeeper decode`) or name a file with \
                     --token-file"
                );
            }
            read_capped(std::io::stdin().lock())
        }
        Some(t) => {
            eprintln!(
                "warning: a token given as an argument is visible to other processes \
                 (/proc/PID/cmdline) and stays in shell history; pipe it in or use --token-file"
            );
            Ok(Zeroizing::new(t.as_bytes().to_vec()))
        }
    }
}
