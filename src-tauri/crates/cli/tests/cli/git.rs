//! The git credential helper, driven by real git: `git credential fill` gets the token bound
//! to the host with its expiry, `reject` keeps it, an unbound host gets nothing; and
//! `git ls-remote` against a loopback server that requires Basic auth (git's own
//! `git http-backend`) works with the vault's token and fails cleanly without it.

use std::{process::Command, sync::atomic::Ordering};

use crate::{
    Output, Tk, assert_success,
    githttp::{GitServer, bare_repo},
    json, keyring_available,
    support::run_bounded,
};

const PAT: &str = "ghp_gittestsecret0123456789abcdefghijklmn";
const OTHER: &str = "ghp_gitothersecret0123456789abcdefghijklm";
/// `--expires 2030-01-01` (the end of that day, UTC) as git's `password_expiry_utc`.
const EXPIRY: &str = "1893542399";

/// Real git in the user's world, its config isolated, prompts off, with `helper`.
fn git(tk: &Tk, helper: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = tk.program("git");
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .args([
            "-c",
            "credential.helper=",
            "-c",
            &format!("credential.helper={helper}"),
        ])
        .args(args);
    run_bounded(
        &mut cmd,
        stdin.map(str::as_bytes),
        std::time::Duration::from_secs(30),
    )
}

fn cli_helper() -> String {
    format!("!'{}' git-credential", env!("CARGO_BIN_EXE_tokenkeeper"))
}

/// git prints `password_expiry_utc` from 2.41 on; older ones drop the field.
fn git_knows_expiry() -> bool {
    let out = Command::new("git").arg("--version").output().expect("git");
    let v = String::from_utf8_lossy(&out.stdout);
    let mut nums = v
        .split_whitespace()
        .nth(2)
        .unwrap_or("0.0")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    (nums.next().unwrap_or(0), nums.next().unwrap_or(0)) >= (2, 41)
}

fn fill(tk: &Tk, host: &str) -> Output {
    git(
        tk,
        &cli_helper(),
        &["credential", "fill"],
        Some(&format!("protocol=https\nhost={host}\n\n")),
    )
}

#[test]
fn git_credential_fill_gets_the_bound_token_and_reject_keeps_it() {
    if !keyring_available("git_credential_fill_gets_the_bound_token_and_reject_keeps_it") {
        return;
    }
    let tk = Tk::fresh();
    let out = tk.run_stdin(&["add", "--name", "ci", "--expires", "2030-01-01"], PAT);
    assert_success(&out, "add");

    // The only GitHub token answers for github.com with GitHub's documented username.
    let out = fill(&tk, "github.com");
    assert_success(&out, "git credential fill");
    let text = out.stdout_text();
    assert!(text.contains(&format!("password={PAT}\n")), "{text}");
    assert!(text.contains("username=x-access-token\n"), "{text}");
    if git_knows_expiry() {
        assert!(
            text.contains(&format!("password_expiry_utc={EXPIRY}")),
            "{text}"
        );
    }
    // The helper itself always says when the token lapses.
    let out = tk.run_stdin(
        &["git-credential", "get"],
        "protocol=https\nhost=github.com\n\n",
    );
    assert!(
        out.stdout_text()
            .contains(&format!("password_expiry_utc={EXPIRY}\n"))
    );

    // A second GitHub token makes github.com ambiguous until one is bound to it.
    tk.add("other", OTHER);
    let out = fill(&tk, "github.com");
    assert!(
        !out.status.success(),
        "git got a token it should not have: {}",
        out.stdout_text()
    );
    assert!(
        out.stderr.contains("several tokens answer for github.com"),
        "{}",
        out.stderr
    );
    let out = tk.run(&["edit", "github/other", "--git-host", "github.com"]);
    assert_success(&out, "edit --git-host");
    assert!(
        fill(&tk, "github.com")
            .stdout_text()
            .contains(&format!("password={OTHER}\n"))
    );
    let show = json(&tk.run(&["show", "github/other", "--json"]));
    assert_eq!(show["git_hosts"], serde_json::json!(["github.com"]));

    // A host no token is for gets nothing: git asks elsewhere (here: nowhere, prompts off).
    let out = fill(&tk, "gitlab.example.com");
    assert!(!out.status.success());
    assert!(
        !out.stdout_text().contains("password="),
        "{}",
        out.stdout_text()
    );
    assert!(
        out.stderr.contains("terminal prompts disabled"),
        "{}",
        out.stderr
    );

    // git's "this failed" keeps the token and records it for a check.
    let out = git(
        &tk,
        &cli_helper(),
        &["credential", "reject"],
        Some(&format!(
            "protocol=https\nhost=github.com\nusername=x-access-token\npassword={OTHER}\n\n"
        )),
    );
    assert_success(&out, "git credential reject");
    let out = tk.run(&["get", "github/other"]);
    assert_success(&out, "get after reject");
    assert_eq!(out.stdout_text().trim_end(), OTHER);
    let show = json(&tk.run(&["show", "github/other", "--json"]));
    let kinds: Vec<&str> = show["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"rejected"), "{kinds:?}");

    // Every answer is in the access log, with who asked.
    let log = json(&tk.run(&["log", "--json"]));
    let by: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["by"].as_str())
        .collect();
    assert!(by.contains(&"git-credential github.com"), "{by:?}");
    assert!(by.contains(&"cli get"), "{by:?}");
}

#[test]
fn repositories_under_a_path_get_the_token_bound_to_it() {
    if !keyring_available("repositories_under_a_path_get_the_token_bound_to_it") {
        return;
    }
    let tk = Tk::fresh();
    tk.add("personal", PAT);
    tk.add("acme", OTHER);
    assert_success(
        &tk.run(&["edit", "github/personal", "--git-host", "github.com"]),
        "edit",
    );
    assert_success(
        &tk.run(&["edit", "github/acme", "--git-host", "github.com/acme"]),
        "edit",
    );
    let ask = |path: &str| {
        git(
            &tk,
            &cli_helper(),
            &["-c", "credential.useHttpPath=true", "credential", "fill"],
            Some(&format!("protocol=https\nhost=github.com\npath={path}\n\n")),
        )
        .stdout_text()
    };
    assert!(ask("acme/app.git").contains(&format!("password={OTHER}\n")));
    assert!(ask("someone/app.git").contains(&format!("password={PAT}\n")));
}

#[test]
fn git_ls_remote_over_basic_auth_uses_the_vaults_token_and_fails_cleanly_without() {
    if !keyring_available(
        "git_ls_remote_over_basic_auth_uses_the_vaults_token_and_fails_cleanly_without",
    ) {
        return;
    }
    let tk = Tk::fresh();
    let repos = tempfile::tempdir().expect("dir");
    bare_repo(repos.path(), "app");
    let server = GitServer::start(repos.path(), "deploy", PAT);
    let url = format!("{}/app.git", server.origin);
    // The installed name git finds (`credential.helper tokenkeeper` looks it up on PATH).
    let shim = env!("CARGO_BIN_EXE_git-credential-tokenkeeper");

    // No token for the host: git gets nothing and stops, without hanging on a prompt.
    let out = git(&tk, shim, &["ls-remote", &url], None);
    assert!(!out.status.success(), "ls-remote worked without a token");
    assert!(
        out.stderr.contains("terminal prompts disabled"),
        "{}",
        out.stderr
    );
    assert!(
        server.refused.load(Ordering::SeqCst) >= 1,
        "the server asked for credentials"
    );

    let out = tk.run_stdin(&["add", "--name", "deploy", "--account", "deploy"], PAT);
    assert_success(&out, "add");
    let out = tk.run(&["edit", "github/deploy", "--git-host", &server.host]);
    assert_success(&out, "edit --git-host");
    let out = git(&tk, shim, &["ls-remote", &url], None);
    assert_success(&out, "git ls-remote");
    assert!(
        out.stdout_text().contains("refs/heads/main"),
        "{}",
        out.stdout_text()
    );

    // A wrong token: git fails, tells the helper, and the token stays (flagged).
    assert_success(
        &tk.run_stdin(&["replace", "github/deploy"], OTHER),
        "replace",
    );
    let out = git(&tk, shim, &["ls-remote", &url], None);
    assert!(!out.status.success());
    let out = tk.run(&["get", "github/deploy"]);
    assert_eq!(
        out.stdout_text().trim_end(),
        OTHER,
        "the refused token is kept"
    );
    assert!(
        tk.run(&["show", "github/deploy"])
            .stdout_text()
            .contains("rejected")
    );
}
