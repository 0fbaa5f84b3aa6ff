//! `tokenkeeper run`, as a deploy script uses it: the child gets the secret in its variable and
//! nowhere in its arguments, an expired token is refused before anything starts, the child's
//! exit status is the command's, and a sign-in's lapsed token is refreshed on the way.

use crate::{
    Tk, assert_success, keyring_available,
    oidc::{Oidc, add_public, sign_in},
};

const PAT: &str = "ghp_runtestsecret0123456789abcdefghijklmn";

/// Prints the child's own command line (NUL-separated, made readable) and then `$GH`.
const SHOW: &str = "tr '\\0' ' ' < /proc/$$/cmdline; echo; printf %s \"$GH\"";

#[test]
fn the_child_gets_the_secret_in_its_variable_and_not_in_its_arguments() {
    if !keyring_available("the_child_gets_the_secret_in_its_variable_and_not_in_its_arguments") {
        return;
    }
    let tk = Tk::fresh();
    tk.add("ci", PAT);
    let out = tk.run(&["run", "--env", "GH=github/ci", "--", "sh", "-c", SHOW]);
    assert_success(&out, "run");
    let text = out.stdout_text();
    let (cmdline, value) = text.split_once('\n').expect("two parts");
    assert_eq!(value, PAT, "the variable holds the secret");
    assert!(
        !cmdline.contains(PAT),
        "the secret is in the child's arguments: {cmdline}"
    );
    assert!(
        !cmdline.contains("tokenkeeper"),
        "the child replaced tokenkeeper: {cmdline}"
    );

    // The same mapping from a file a project can commit.
    let file = tk.db_dir().join("tokens.env");
    std::fs::write(&file, "# CI\nGH=github/ci\n").expect("env file");
    let out = tk.run(&[
        "run",
        "--env-file",
        file.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        "printf %s \"$GH\"",
    ]);
    assert_success(&out, "run --env-file");
    assert_eq!(out.stdout_text(), PAT);
}

#[test]
fn an_expired_token_is_refused_before_the_command_starts() {
    if !keyring_available("an_expired_token_is_refused_before_the_command_starts") {
        return;
    }
    let tk = Tk::fresh();
    let out = tk.run_stdin(&["add", "--name", "old", "--expires", "2020-01-01"], PAT);
    assert_success(&out, "add");
    let out = tk.run(&[
        "run",
        "--env",
        "GH=github/old",
        "--",
        "sh",
        "-c",
        "echo started",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "the command ran: {}",
        out.stdout_text()
    );
    assert!(
        out.stderr.contains("expired") && out.stderr.contains("--allow-expired"),
        "{}",
        out.stderr
    );
    let out = tk.run(&[
        "run",
        "--allow-expired",
        "--env",
        "GH=github/old",
        "--",
        "sh",
        "-c",
        "printf %s \"$GH\"",
    ]);
    assert_success(&out, "run --allow-expired");
    assert_eq!(out.stdout_text(), PAT);
    let unknown = tk.run(&["run", "--env", "GH=github/nope", "--", "true"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stderr.contains("GH"), "{}", unknown.stderr);
}

#[test]
fn the_childs_exit_status_is_the_commands() {
    if !keyring_available("the_childs_exit_status_is_the_commands") {
        return;
    }
    let tk = Tk::fresh();
    tk.add("ci", PAT);
    let out = tk.run(&["run", "--env", "GH=github/ci", "--", "sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    let missing = tk.run(&["run", "--env", "GH=github/ci", "--", "no-such-program-here"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        missing.stderr.contains("cannot start no-such-program-here"),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_sign_ins_lapsed_token_is_refreshed_before_the_command_gets_it() {
    if !keyring_available("a_sign_ins_lapsed_token_is_refreshed_before_the_command_gets_it") {
        return;
    }
    let oidc = Oidc::start_with(&[("TK_OIDC_ACCESS_TTL", "2")]);
    let tk = Tk::fresh();
    add_public(&tk, &oidc, "corp", &[]);
    let (address, _) = sign_in(&tk, "corp", "alice", &[]);
    std::thread::sleep(std::time::Duration::from_millis(2_500));
    let out = tk.run(&[
        "run",
        "--env",
        &format!("T={address}"),
        "--",
        "sh",
        "-c",
        "printf %s \"$T\"",
    ]);
    assert_success(&out, "run");
    assert_eq!(
        oidc.token_requests("refresh_token"),
        1,
        "refreshed on the way"
    );
    let now = tk.run(&["get", &address]);
    assert_eq!(
        out.stdout_text(),
        now.stdout_text().trim(),
        "the child got the new token"
    );
}
