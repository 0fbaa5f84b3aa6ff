//! Ctrl+C, SIGTERM and SIGHUP as a flag, so a command that holds a secret somewhere (the
//! clipboard) can clean up before it ends instead of dying with it in place.

use std::sync::{Arc, atomic::AtomicBool};

use anyhow::{Context, Result};

/// A flag that turns true on SIGINT, SIGTERM or SIGHUP (the default action, ending the
/// process, is replaced for as long as the process runs).
pub fn stop_flag() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(signal, flag.clone())
            .with_context(|| format!("could not handle signal {signal}"))?;
    }
    Ok(flag)
}
