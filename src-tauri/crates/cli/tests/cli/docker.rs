//! The docker credential helper as docker calls it: `docker-credential-tokenkeeper ACTION`
//! with the request on stdin, the answer (or the error) on stdout, and the exit status.

use serde_json::{Value, json};

use crate::{Output, Tk, json as parse, keyring_available, support::run_bounded};

pub(crate) const SERVER: &str = "https://index.docker.io/v1/";
const PAT: &str = "dckr_pat_dockertestsecret0123456789abc";

pub(crate) fn helper(tk: &Tk, action: &str, stdin: &str) -> Output {
    let mut cmd = tk.program(env!("CARGO_BIN_EXE_docker-credential-tokenkeeper"));
    cmd.arg(action);
    run_bounded(
        &mut cmd,
        Some(stdin.as_bytes()),
        std::time::Duration::from_secs(30),
    )
}

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {} {}",
        out.stdout_text(),
        out.stderr
    );
}

#[test]
fn docker_login_stores_in_the_vault_and_get_list_erase_answer_as_docker_expects() {
    if !keyring_available(
        "docker_login_stores_in_the_vault_and_get_list_erase_answer_as_docker_expects",
    ) {
        return;
    }
    let tk = Tk::fresh();
    // Nothing yet: the protocol's message, on stdout, exit 1.
    let out = helper(&tk, "get", SERVER);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stdout_text().trim(),
        "credentials not found in native keychain"
    );
    assert_eq!(parse(&helper(&tk, "list", "")), json!({}));

    let login = json!({"ServerURL": SERVER, "Username": "alice", "Secret": PAT}).to_string();
    let out = helper(&tk, "store", &login);
    ok(&out, "store");
    assert!(
        out.stdout.is_empty(),
        "store prints nothing: {}",
        out.stdout_text()
    );

    let got = parse(&helper(&tk, "get", &format!("{SERVER}\n")));
    assert_eq!(
        got,
        json!({"ServerURL": SERVER, "Username": "alice", "Secret": PAT})
    );
    assert_eq!(parse(&helper(&tk, "list", "")), json!({SERVER: "alice"}));

    // A token like any other: in the list (never its secret), in the keyring, in the log.
    let list = tk.list();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "index.docker.io");
    assert_eq!(
        list[0]["provider"], "docker",
        "recognised as a Docker Hub token"
    );
    assert_eq!(list[0]["account"], "alice");
    assert!(!Value::Array(list).to_string().contains(PAT));
    let log = parse(&tk.run(&["log", "--json"]));
    assert_eq!(log[0]["by"], format!("docker-credential {SERVER}"));

    // Logging in again with a new token replaces the stored secret; no second token.
    let newer = "dckr_pat_dockertestsecretNEWER456789abc";
    let again = json!({"ServerURL": SERVER, "Username": "alice", "Secret": newer}).to_string();
    ok(&helper(&tk, "store", &again), "store again");
    assert_eq!(parse(&helper(&tk, "get", SERVER))["Secret"], newer);
    assert_eq!(tk.list().len(), 1);

    // `docker logout`: the registry has no login; the token stays in the vault.
    ok(&helper(&tk, "erase", SERVER), "erase");
    assert_eq!(helper(&tk, "get", SERVER).status.code(), Some(1));
    assert_eq!(parse(&helper(&tk, "list", "")), json!({}));
    assert_eq!(tk.list().len(), 1);
    let out = helper(&tk, "erase", SERVER);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stdout_text().trim(),
        "credentials not found in native keychain"
    );

    // A request that is not the protocol's is refused on stdout, changing nothing.
    let out = helper(&tk, "store", "{\"ServerURL\": 1}");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout_text()
            .contains("not {ServerURL, Username, Secret}")
    );
}
