//! `tokenkeeper decode` and `verify`: a token's format, provider, claims and times, and (with
//! `verify`) its signature against keys the user trusts. Nothing here trusts the token.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use tokenkeeper_core::{inspect, model::SignatureState, verify};

use zeroize::Zeroizing;

use crate::{input::token_input, output};

/// Where `decode` and `verify` read the token: stdin, an argument, or a file.
#[derive(Debug, clap::Args)]
pub struct TokenSource {
    /// `-` or nothing reads stdin. A token given here works but is visible to other
    /// processes (/proc/PID/cmdline) and in shell history: pipe it in instead.
    pub token: Option<String>,
    /// Read the token from this file.
    #[arg(long, value_name = "FILE", conflicts_with = "token")]
    pub token_file: Option<PathBuf>,
}

impl TokenSource {
    fn read(self) -> Result<Zeroizing<Vec<u8>>> {
        token_input(self.token, self.token_file.as_deref())
    }
}

/// `decode`'s arguments.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    #[command(flatten)]
    pub source: TokenSource,
    #[arg(long)]
    pub json: bool,
}

/// `verify`'s arguments.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[arg(long, value_name = "FILE|URL")]
    pub jwks: String,
    #[command(flatten)]
    pub source: TokenSource,
    /// Do not check `exp` and `nbf` against the clock (they are checked by default).
    #[arg(long)]
    pub ignore_time: bool,
    /// The `iss` claim must be exactly this.
    #[arg(long, value_name = "ISSUER")]
    pub iss: Option<String>,
    /// The `aud` claim must be, or contain, this.
    #[arg(long, value_name = "AUDIENCE")]
    pub aud: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn decode(args: DecodeArgs, now: i64) -> Result<()> {
    let DecodeArgs { source, json } = args;
    let input = source.read()?;
    let inspected = inspect::decode_bytes(&input, now)?;
    if json {
        output::json(&inspected.inspection)
    } else {
        output::inspection(&inspected.inspection, now)
    }
}

pub fn verify(args: VerifyArgs, now: i64) -> Result<()> {
    let VerifyArgs {
        jwks,
        source,
        ignore_time,
        iss,
        aud,
        json,
    } = args;
    let keys = crate::net::block_on(tokenkeeper_remote::load_jwks(&jwks))?;
    let input = source.read()?;
    let text = std::str::from_utf8(&input).context("the token is not UTF-8 text")?;
    let inspected = verify::verify(text, &keys, now)?;
    let insp = &inspected.inspection;
    let signed = insp.signature == SignatureState::Valid;
    let mut checks = vec![verify::Check {
        check: "signature",
        passed: signed,
        detail: format!("against the keys from {jwks}"),
    }];
    let rules = verify::ClaimRules {
        time: !ignore_time,
        iss,
        aud,
    };
    let claims = insp.claims.clone().unwrap_or_default();
    checks.extend(verify::check_claims(&claims, &rules, now));
    let failed: Vec<&verify::Check> = checks.iter().filter(|c| !c.passed).collect();
    if json {
        let mut v = serde_json::to_value(insp)?;
        v["checks"] = serde_json::to_value(&checks)?;
        v["verified"] = failed.is_empty().into();
        output::json(&v)?;
    } else {
        output::inspection(insp, now)?;
        output::checks(&checks)?;
    }
    // The exit code is the verdict: `tokenkeeper verify … && deploy` must stop here.
    if let Some(first) = failed.first() {
        bail!("{} check failed: {}", first.check, first.detail);
    }
    Ok(())
}
