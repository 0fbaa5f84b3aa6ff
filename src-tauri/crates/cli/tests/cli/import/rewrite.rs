//! `import --rewrite`: no secret is left in a file and its mode is kept, what is left still
//! works through `tokenkeeper run --env-file`, a keyring failure halfway leaves every file as
//! it was, and a token the vault already has is referred to rather than stored again.

use std::{fs, os::unix::fs::PermissionsExt};

use super::{
    ALL, ENV_GITHUB, ENV_NPM, GH_ALICE, GH_BOB, NPMRC_GITHUB, NPMRC_NPM, Project, STORED,
    assert_no_secret_printed, fixture, get, import, row, rows,
};
use crate::{Tk, assert_error, assert_success, keyring_available};

#[test]
fn a_rewrite_leaves_no_secret_in_the_files_and_every_one_in_the_keyring() {
    if !keyring_available("a_rewrite_leaves_no_secret_in_the_files_and_every_one_in_the_keyring") {
        return;
    }
    let tk = Tk::fresh();
    let project = Project::all(0o600);
    fs::set_permissions(project.path(".env"), fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = import(&tk, &project, ALL, &["--rewrite"]);
    assert_success(&out, "import --rewrite");
    assert_no_secret_printed(&out, "import --rewrite");
    for name in ALL {
        let text = project.read(name);
        for (address, secret) in STORED {
            assert!(
                !text.contains(secret),
                "{name} still holds {address}'s secret:\n{text}"
            );
        }
        let want = if *name == ".env" { 0o640 } else { 0o600 };
        assert_eq!(project.mode(name), want, "{name} lost its mode");
    }
    for (address, secret) in STORED {
        assert_eq!(
            get(&tk, address),
            *secret,
            "{address} reads back from the keyring"
        );
    }
    assert_eq!(
        project.names(),
        [".env", ".netrc", ".npmrc", ".tokenkeeper.env", "hosts.yml"],
        "no temporary file is left beside the rewritten ones"
    );

    // What is left still works: npm's references and the .env's variables come from the env
    // file; the .env's own NPM_TOKEN keeps its name, the .npmrc's reference yields.
    let npmrc = project.read(".npmrc");
    assert!(
        npmrc.contains("//registry.npmjs.org/:_authToken=${NPM_TOKEN_2}\n")
            && npmrc.contains("//npm.pkg.github.com/:_authToken=${NPM_TOKEN_NPM_PKG_GITHUB_COM}\n")
            && npmrc.contains("${INTERNAL_NPM_TOKEN}"),
        "{npmrc}"
    );
    let netrc = project.read(".netrc");
    assert_eq!(
        netrc,
        "# git over https\n\nmachine mirror.example.org login anonymous\n"
    );
    let hosts = project.read("hosts.yml");
    assert!(
        !hosts.contains("oauth_token") && hosts.contains("    user: bob\n"),
        "gh keeps its hosts and users: {hosts}"
    );
    assert!(
        project
            .read(".env")
            .contains("DATABASE_URL=postgres://app@localhost/app\n")
    );
    let env_file = project.arg(".tokenkeeper.env");
    let show = "printf '%s|%s|%s|%s|%s|%s' \"$NPM_TOKEN\" \"$NPM_TOKEN_2\" \"$GITHUB_TOKEN\" \
                \"$GH_TOKEN\" \"$GH_ENTERPRISE_TOKEN\" \"$NPM_TOKEN_NPM_PKG_GITHUB_COM\"";
    let out = tk.run(&["run", "--env-file", &env_file, "--", "sh", "-c", show]);
    assert_success(&out, "run --env-file .tokenkeeper.env");
    assert_eq!(
        out.stdout_text(),
        [
            ENV_NPM,
            NPMRC_NPM,
            ENV_GITHUB,
            GH_BOB,
            GH_ALICE,
            NPMRC_GITHUB
        ]
        .join("|")
    );

    // The rewritten files hold nothing more to import.
    let again = import(&tk, &project, ALL, &["--rewrite"]);
    assert_success(&again, "import --rewrite (again)");
    assert_eq!(
        again.stdout_text().matches("No tokens found in").count(),
        ALL.len()
    );
}

#[test]
fn a_keyring_failure_halfway_leaves_the_files_untouched() {
    if !keyring_available("a_keyring_failure_halfway_leaves_the_files_untouched") {
        return;
    }
    let tk = Tk::fresh();
    let project = Project::with(&[(".npmrc", "npmrc", 0o600), (".env", "dotenv", 0o600)]);
    let (npmrc, env) = (project.arg(".npmrc"), project.arg(".env"));
    let out = tk.run_with_fault(
        "after_keyring_write:fail@2",
        &["import", &npmrc, &env, "--rewrite"],
        "",
    );
    let line = assert_error(&out, "import --rewrite (second keyring write fails)");
    assert_no_secret_printed(&out, "import --rewrite");
    assert!(
        line.contains("github/npm.pkg.github.com")
            && line.contains("kept in the keyring: npm/registry.npmjs.org")
            && line.contains("no file was changed"),
        "the error says what failed and what is stored: {line}"
    );
    assert_eq!(project.read(".npmrc"), fixture("npmrc"), ".npmrc changed");
    assert_eq!(project.read(".env"), fixture("dotenv"), ".env changed");
    assert_eq!(
        project.names(),
        [".env", ".npmrc"],
        "no env file or temporary file"
    );
    assert_eq!(
        get(&tk, "npm/registry.npmjs.org"),
        NPMRC_NPM,
        "the first token stays stored"
    );
    assert_eq!(
        tk.list().len(),
        1,
        "only the token stored before the failure"
    );
    assert_eq!(
        tk.keyring_items().len(),
        1,
        "the failed write left no keyring item"
    );

    // Without the fault the same import completes, storing the first token only once.
    let out = tk.run(&["import", &npmrc, &env, "--rewrite"]);
    assert_success(&out, "import --rewrite (after the failure)");
    assert!(
        out.stdout_text()
            .contains("4 found, 3 stored, 1 already stored.")
    );
    assert!(!project.read(".npmrc").contains(NPMRC_NPM));
}

#[test]
fn a_token_already_in_the_vault_is_referred_to_and_names_stay_unique() {
    if !keyring_available("a_token_already_in_the_vault_is_referred_to_and_names_stay_unique") {
        return;
    }
    let tk = Tk::fresh();
    tk.add("mine", ENV_GITHUB);
    let other = tk.run_stdin(
        &["add", "--name", "NPM_TOKEN", "--provider", "npm"],
        "npm_FAKEotherTokenOfTheSameName000000000",
    );
    assert_success(&other, "add npm/NPM_TOKEN");
    let project = Project::with(&[(".env", "dotenv", 0o600)]);
    let out = import(&tk, &project, &[".env"], &["--rewrite", "--json"]);
    assert_success(&out, "import --rewrite --json");
    assert_eq!(
        rows(&out),
        [
            row(".env", ".env GITHUB_TOKEN", "github/mine", "already_stored"),
            row(".env", ".env NPM_TOKEN", "npm/NPM_TOKEN (2)", "stored"),
        ]
    );
    assert_eq!(
        tk.list().len(),
        3,
        "the token already stored was not stored twice"
    );
    let env_file = project.read(".tokenkeeper.env");
    assert!(
        env_file.ends_with("GITHUB_TOKEN=github/mine\nNPM_TOKEN=npm/NPM_TOKEN (2)\n"),
        "{env_file}"
    );
    let out = tk.run(&[
        "run",
        "--env-file",
        &project.arg(".tokenkeeper.env"),
        "--",
        "sh",
        "-c",
        "printf %s \"$NPM_TOKEN\"",
    ]);
    assert_success(&out, "run --env-file");
    assert_eq!(out.stdout_text(), ENV_NPM);
}
