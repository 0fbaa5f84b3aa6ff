//! What every Tokenkeeper process does first, the app and the CLI alike: refuse core dumps and
//! ptrace by other processes (secrets live in its memory), and install a log subscriber whose
//! caps on secret-bearing crates no `RUST_LOG` can lift.

use tracing_subscriber::{
    EnvFilter, Layer as _,
    filter::{LevelFilter, Targets},
    layer::SubscriberExt as _,
    util::SubscriberInitExt as _,
};

/// Not dumpable (no core file, no ptrace attach by other processes of the same user, and
/// `/proc/<pid>/mem` closed to them) and a core size limit of 0. Failures are logged, not
/// fatal: a sandbox may refuse, and the secrets are still zeroized after use.
pub fn harden_process() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{
            DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit,
        };
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            tracing::warn!("could not make the process non-dumpable: {e}");
        }
        let none = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(e) = setrlimit(Resource::Core, none) {
            tracing::warn!("could not turn core dumps off: {e}");
        }
    }
}

/// Whether this process may be dumped (and attached to), as the kernel says.
pub fn dumpable() -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, dumpable_behavior};
        dumpable_behavior()
            .ok()
            .map(|b| b != DumpableBehavior::NotDumpable)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (else `default`), and then by a second filter every
/// event must also pass: the crates that can see secret bytes at debug or trace level (D-Bus
/// messages, IPC payloads, HTTP bodies, clipboard contents) are held at `info`, so
/// `RUST_LOG=zbus::connection=trace` or `tauri::ipc=trace` cannot lift the cap.
pub fn init_logging(default: &str) {
    let wanted = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let caps = Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(
            tokenkeeper_core::SECRET_BEARING_LOG_TARGETS
                .iter()
                .map(|t| (*t, LevelFilter::INFO)),
        );
    // Colour codes only for a terminal: a redirected log must stay plain text to grep.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_filter(wanted)
        .with_filter(caps);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
