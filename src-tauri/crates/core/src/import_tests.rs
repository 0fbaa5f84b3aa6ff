use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};

use super::*;

const NOW: i64 = 1_780_000_000;
const NPM: &str = "npm_FAKEu8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";
const GHP: &str = "ghp_FAKEOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ";
const GHO: &str = "gho_FAKETeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vU";
const GLPAT: &str = "glpat-FAKECsMehGAkWvj7FAc9";
const LEGACY_NPM: &str = "00000000-fake-4000-8000-000000000000";

fn jwt(claims: &str) -> String {
    let part = |s: &str| URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        part(r#"{"alg":"HS256","typ":"JWT"}"#),
        part(claims),
        part("not-a-real-signature")
    )
}

/// What a user would read in the report: label → provider/name (env var).
fn summary(found: &[Found]) -> Vec<String> {
    found
        .iter()
        .map(|f| {
            format!(
                "{} → {}/{} ({})",
                f.label,
                f.provider,
                f.name,
                f.env_var.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

fn secrets(found: &[Found]) -> Vec<&str> {
    found.iter().map(|f| f.secret.expose()).collect()
}

/// Rewrites `text` and checks that none of the found secrets is left in it.
fn rewritten(text: &str, found: &[Found]) -> String {
    let out = rewrite(text, found).expect("rewrite");
    for s in secrets(found) {
        assert!(
            !out.contains(s),
            "the rewritten file still holds a secret:\n{out}"
        );
    }
    out
}

#[test]
fn formats_are_told_from_the_name_then_the_content() {
    let cases = [
        (".npmrc", "", Some(FileFormat::Npmrc)),
        ("project.npmrc", "", Some(FileFormat::Npmrc)),
        (".netrc", "", Some(FileFormat::Netrc)),
        ("_netrc", "", Some(FileFormat::Netrc)),
        ("hosts.yml", "", Some(FileFormat::GhHosts)),
        (".env", "", Some(FileFormat::Dotenv)),
        (".env.local", "", Some(FileFormat::Dotenv)),
        ("prod.env", "", Some(FileFormat::Dotenv)),
        (
            "cfg",
            "//registry.npmjs.org/:_authToken=x\n",
            Some(FileFormat::Npmrc),
        ),
        (
            "cfg",
            "# mine\nmachine example.com login a password b\n",
            Some(FileFormat::Netrc),
        ),
        (
            "cfg",
            "github.com:\n    oauth_token: x\n",
            Some(FileFormat::GhHosts),
        ),
        ("cfg", "# app\nexport API_KEY=x\n", Some(FileFormat::Dotenv)),
        ("cfg", "just some words\n", None),
    ];
    for (name, text, want) in cases {
        assert_eq!(detect(name, text), want, "{name} with {text:?}");
    }
    assert_eq!(
        FileFormat::parse("gh-hosts").ok(),
        Some(Some(FileFormat::GhHosts))
    );
    assert_eq!(FileFormat::parse("auto").ok(), Some(None));
    let err = FileFormat::parse("yaml").expect_err("not a format");
    assert!(
        err.to_string().contains("npmrc, netrc, gh-hosts, dotenv"),
        "{err}"
    );
}

#[test]
fn npmrc_tokens_become_variable_references() {
    let text = format!(
        "; npm config\n\
         registry=https://registry.npmjs.org/\n\
         //registry.npmjs.org/:_authToken={NPM}\n\
         @acme:registry=https://npm.pkg.github.com/\n\
         //npm.pkg.github.com/:_authToken = \"{GHP}\" ; GitHub Packages\n\
         //npm.example.com/:_authToken=${{EXAMPLE_TOKEN}}\n\
         # //old.example.com/:_authToken=commented-out\n\
         _authToken={LEGACY_NPM}\r\n\
         always-auth=true\n"
    );
    let found = find(FileFormat::Npmrc, &text, NOW);
    assert_eq!(
        summary(&found),
        [
            "//registry.npmjs.org/:_authToken → npm/registry.npmjs.org (NPM_TOKEN)",
            "//npm.pkg.github.com/:_authToken → github/npm.pkg.github.com \
             (NPM_TOKEN_NPM_PKG_GITHUB_COM)",
            "_authToken → npm/registry.npmjs.org (NPM_TOKEN)",
        ]
    );
    assert_eq!(secrets(&found), [NPM, GHP, LEGACY_NPM]);
    assert_eq!(found.iter().map(|f| f.line).collect::<Vec<_>>(), [3, 5, 8]);
    let out = rewritten(&text, &found);
    assert_eq!(
        out,
        "; npm config\n\
         registry=https://registry.npmjs.org/\n\
         //registry.npmjs.org/:_authToken=${NPM_TOKEN}\n\
         @acme:registry=https://npm.pkg.github.com/\n\
         //npm.pkg.github.com/:_authToken = ${NPM_TOKEN_NPM_PKG_GITHUB_COM} ; GitHub Packages\n\
         //npm.example.com/:_authToken=${EXAMPLE_TOKEN}\n\
         # //old.example.com/:_authToken=commented-out\n\
         _authToken=${NPM_TOKEN}\r\n\
         always-auth=true\n",
        "only the values change; quotes, comments and line endings stay"
    );
}

#[test]
fn dotenv_takes_only_values_a_provider_recognises() {
    let auth0 = jwt(r#"{"iss":"https://acme.auth0.com/","sub":"svc","exp":1900000000}"#);
    let text = format!(
        "# app settings\n\
         export GITHUB_TOKEN={GHP}\n\
         GITLAB_TOKEN=\"{GLPAT}\" # deploy\n\
         DATABASE_URL=postgres://localhost/app\n\
         TOO_SHORT=ghp_abc\n\
         API_JWT='{auth0}'\n\
         CERT=\"-----BEGIN\n\
         NOT_A_VAR={NPM}\n\
         -----END\"\n\
         NPM_TOKEN = {NPM}\n\
         EMPTY=\n"
    );
    let found = find(FileFormat::Dotenv, &text, NOW);
    assert_eq!(
        summary(&found),
        [
            ".env GITHUB_TOKEN → github/GITHUB_TOKEN (GITHUB_TOKEN)",
            ".env GITLAB_TOKEN → gitlab/GITLAB_TOKEN (GITLAB_TOKEN)",
            ".env API_JWT → auth0/API_JWT (API_JWT)",
            ".env NPM_TOKEN → npm/NPM_TOKEN (NPM_TOKEN)",
        ],
        "a URL, a too-short value and a line inside a multi-line value are no tokens"
    );
    assert_eq!(secrets(&found), [GHP, GLPAT, auth0.as_str(), NPM]);
    let out = rewrite(&text, &found);
    // NPM also sits inside the multi-line CERT value, which is not a token line of its own.
    let err = out.expect_err("a secret left elsewhere in the file");
    assert!(
        err.to_string().contains("line 8"),
        "the message says where the copy is: {err}"
    );
    let without_copy = text.replace(&format!("NOT_A_VAR={NPM}\n"), "NOT_A_VAR=x\n");
    let found = find(FileFormat::Dotenv, &without_copy, NOW);
    assert_eq!(
        rewritten(&without_copy, &found),
        "# app settings\n\
         DATABASE_URL=postgres://localhost/app\n\
         TOO_SHORT=ghp_abc\n\
         CERT=\"-----BEGIN\n\
         NOT_A_VAR=x\n\
         -----END\"\n\
         EMPTY=\n"
    );
}

#[test]
fn gh_hosts_in_the_old_shape() {
    let text = format!(
        "github.com:\n    oauth_token: {GHO}\n    user: bob\n    git_protocol: https\n\
         ghe.acme.dev:\n    user: alice\n    oauth_token: \"{GHP}\" # enterprise\n"
    );
    let found = find(FileFormat::GhHosts, &text, NOW);
    assert_eq!(
        summary(&found),
        [
            "github.com oauth_token → github/gh-bob@github.com (GH_TOKEN)",
            "ghe.acme.dev oauth_token → github/gh-alice@ghe.acme.dev (GH_ENTERPRISE_TOKEN)",
        ]
    );
    assert_eq!(secrets(&found), [GHO, GHP]);
    assert_eq!(
        rewritten(&text, &found),
        "github.com:\n    user: bob\n    git_protocol: https\nghe.acme.dev:\n    user: alice\n"
    );
}

#[test]
fn gh_hosts_with_a_users_map() {
    // gh 2.40+ with --insecure-storage: the active user's token is also at the host level.
    let text = format!(
        "github.com:\n    users:\n        bob:\n            oauth_token: {GHO}\n        \
         carol:\n            oauth_token: {GHP}\n    git_protocol: ssh\n    user: bob\n    \
         oauth_token: {GHO}\n"
    );
    let found = find(FileFormat::GhHosts, &text, NOW);
    assert_eq!(
        summary(&found),
        [
            "github.com users.bob oauth_token → github/gh-bob@github.com (GH_TOKEN)",
            "github.com users.carol oauth_token → github/gh-carol@github.com (GH_TOKEN)",
            "github.com oauth_token → github/gh-bob@github.com (GH_TOKEN)",
        ]
    );
    assert_eq!(secrets(&found), [GHO, GHP, GHO]);
    assert_eq!(
        rewritten(&text, &found),
        "github.com:\n    users:\n        bob:\n        carol:\n    git_protocol: ssh\n    \
         user: bob\n",
        "what is left is what gh writes when the token is kept elsewhere"
    );
}

#[test]
fn netrc_entries_go_whole_in_every_layout() {
    let text = format!(
        "# work\n\
         machine github.com\n  login bob\n  password {GHP}\n\n\
         # ci\n\
         machine gitlab.com login ci password \"{GLPAT}\"\n\
         machine ftp.example.com login anon password guest-pass machine \
         registry.npmjs.org login me password {NPM}\n\
         macdef init\n  password not-a-field\n\n\
         machine nopass.example.com login x\n\
         default login joe password {GHO}\n"
    );
    let found = find(FileFormat::Netrc, &text, NOW);
    assert_eq!(
        summary(&found),
        [
            "machine github.com login bob → github/bob@github.com (-)",
            "machine gitlab.com login ci → gitlab/ci@gitlab.com (-)",
            "machine ftp.example.com login anon → other/anon@ftp.example.com (-)",
            "machine registry.npmjs.org login me → npm/me@registry.npmjs.org (-)",
            "default login joe → github/joe@default (-)",
        ],
        "a macro body is not an entry, an entry without a password is not a token"
    );
    assert_eq!(secrets(&found), [GHP, GLPAT, "guest-pass", NPM, GHO]);
    assert_eq!(found[0].line, 4);
    assert_eq!(
        rewritten(&text, &found),
        "# work\n\n# ci\nmacdef init\n  password not-a-field\n\n\
         machine nopass.example.com login x\n",
        "comments, blank lines, macros and entries without a password stay"
    );
    // Only one entry of a one-line pair goes; the other keeps its line and its `\r\n`.
    let one_line = format!(
        "machine a.example login x password keep-me machine github.com login y password \
         {GHP}\r\nmachine github.com\r\n  login z\r\n  password {GHO}\r\n# end\r\n"
    );
    let found: Vec<Found> = find(FileFormat::Netrc, &one_line, NOW)
        .into_iter()
        .filter(|f| f.provider == "github")
        .collect();
    assert_eq!(found.len(), 2);
    assert_eq!(
        rewritten(&one_line, &found),
        "machine a.example login x password keep-me\r\n# end\r\n"
    );
}

#[test]
fn a_rewrite_that_does_not_fit_the_text_changes_nothing() {
    let text = format!("//registry.npmjs.org/:_authToken={NPM}\n");
    let mut found = find(FileFormat::Npmrc, &text, NOW);
    found[0].env_var = None;
    assert!(
        rewrite(&text, &found).is_err(),
        "a reference needs a variable"
    );
    let mut found = find(FileFormat::Npmrc, &text, NOW);
    found[0].edit = Edit::Reference(0..text.len() + 5);
    let err = rewrite(&text, &found).expect_err("out of range");
    assert!(err.to_string().contains("read the file again"), "{err}");
}

#[test]
fn found_tokens_never_print_their_secret() {
    let text = format!("GITHUB_TOKEN={GHP}\n");
    let found = find(FileFormat::Dotenv, &text, NOW);
    let printed = format!("{found:?} {found:#?}");
    assert!(
        !printed.contains(&GHP[4..]),
        "Debug printed the secret: {printed}"
    );
    assert!(printed.contains("GITHUB_TOKEN"));
}
