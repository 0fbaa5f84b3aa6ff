//! `cargo bench -p tokenkeeper --bench list`: seeds 10,000 token rows straight into a fresh
//! `TOKENKEEPER_HOME` (rows only, no keyring writes) and times the release binary's
//! `tokenkeeper list --json` wall time, min and median over 10 runs (with hyperfine when it is
//! installed). The bus points nowhere, so a single keyring call would fail the run: a success
//! proves `list` made none. Target: under 50 ms.

#[path = "../../vault/tests/support/mod.rs"]
mod support;

use std::{
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const TOKENS: usize = 10_000;
const RUNS: usize = 10;
const TARGET: Duration = Duration::from_millis(50);

fn list_command(home: &Path, runtime: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenkeeper"));
    cmd.args(["list", "--json"])
        .env("TOKENKEEPER_HOME", home)
        .env("TOKENKEEPER_KEYRING_SERVICE", "tk-bench-never-used")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
        .env("XDG_RUNTIME_DIR", runtime)
        .env_remove("RUST_LOG");
    cmd
}

/// Wall times of `RUNS` runs, measured by hyperfine if present, else by this loop.
fn measure(home: &Path, runtime: &Path) -> (Vec<Duration>, &'static str) {
    let hyperfine = Command::new("hyperfine")
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if hyperfine.is_ok_and(|s| s.success()) {
        let export = home.join("hyperfine.json");
        let cmd = list_command(home, runtime);
        let shell_line = format!("{} list --json", cmd.get_program().to_string_lossy());
        let status = Command::new("hyperfine")
            .args([
                "--warmup",
                "2",
                "--runs",
                &RUNS.to_string(),
                "--style",
                "none",
                "-N",
            ])
            .arg("--export-json")
            .arg(&export)
            .arg(&shell_line)
            .env("TOKENKEEPER_HOME", home)
            .env("TOKENKEEPER_KEYRING_SERVICE", "tk-bench-never-used")
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
            .env("XDG_RUNTIME_DIR", runtime)
            .env_remove("RUST_LOG")
            .status()
            .expect("run hyperfine");
        assert!(status.success(), "hyperfine failed");
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&export).expect("hyperfine export"))
                .expect("hyperfine JSON");
        let times = report["results"][0]["times"]
            .as_array()
            .expect("hyperfine times")
            .iter()
            .filter_map(serde_json::Value::as_f64)
            .map(Duration::from_secs_f64)
            .collect();
        return (times, "hyperfine");
    }
    let times = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let out = list_command(home, runtime)
                .output()
                .expect("run tokenkeeper");
            let took = start.elapsed();
            assert!(
                out.status.success(),
                "list failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            took
        })
        .collect();
    (times, "a loop of std::process::Command::output")
}

fn main() {
    let home = crate::support::private_tempdir();
    let runtime = crate::support::private_tempdir();
    let seeding = Instant::now();
    support::seed_tokens(home.path(), TOKENS, chrono::Utc::now().timestamp());
    println!("seeded {TOKENS} rows in {:.0?}", seeding.elapsed());

    // Warm-up, and the proof: every row listed, with any keyring call bound to fail.
    let out = list_command(home.path(), runtime.path())
        .output()
        .expect("run tokenkeeper");
    assert!(
        out.status.success(),
        "list --json failed with the keyring unreachable: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON list");
    assert_eq!(listed.len(), TOKENS, "list --json lost rows");
    println!(
        "list --json: {} rows, {} KiB of JSON, zero keyring calls (D-Bus pointed at /nonexistent)",
        listed.len(),
        out.stdout.len() / 1024
    );

    let (mut times, how) = measure(home.path(), runtime.path());
    times.sort();
    let (min, median, max) = (times[0], times[times.len() / 2], times[times.len() - 1]);
    println!(
        "tokenkeeper list --json over {TOKENS} tokens, {} runs by {how}: min {:.1} ms, median \
         {:.1} ms, max {:.1} ms (target < {} ms: {})",
        times.len(),
        min.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        TARGET.as_millis(),
        if median < TARGET { "met" } else { "MISSED" }
    );
}
