use super::*;
use crate::model::{Format, TokenMeta};

fn meta(provider: &str, name: &str) -> TokenMeta {
    TokenMeta {
        id: format!("id-{name}"),
        provider: provider.into(),
        name: name.into(),
        kind: TokenKind::Personal,
        format: Format::Opaque,
        scopes: vec![],
        account: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        issued_at: None,
        not_before: None,
        expires_at: Some("2027-01-01T00:00:00Z".into()),
        soon_at: None,
        expiry_source: None,
        notes: String::new(),
        tags: vec![],
        revoked_at: None,
        last_copied_at: None,
        secret_missing: false,
        remind: None,
        rotate_every_secs: None,
        rotate_at: None,
        scopes_source: None,
        account_source: None,
        instance_url: None,
        status: Status::Valid,
    }
}

fn req(host: &str, path: Option<&str>, username: Option<&str>) -> GitRequest {
    GitRequest {
        protocol: "https".into(),
        host: host.into(),
        path: path.map(Into::into),
        username: username.map(Into::into),
    }
}

fn bind(s: &[&str]) -> Vec<GitBinding> {
    s.iter()
        .map(|b| GitBinding::parse(b).expect("binding"))
        .collect()
}

fn picked(a: GitAnswer<'_>) -> String {
    match a {
        GitAnswer::Use { meta, username, .. } => format!("{}:{username}", meta.name),
        GitAnswer::Nothing => "nothing".into(),
        GitAnswer::Unusable { address, .. } => format!("unusable {address}"),
        GitAnswer::Ambiguous(v) => format!("ambiguous {}", v.join(",")),
    }
}

#[test]
fn bindings_read_hosts_paths_and_urls() {
    let b = GitBinding::parse("https://GitHub.com/acme/app.git/").expect("url");
    assert_eq!(
        (b.host.as_str(), b.path.as_str()),
        ("github.com", "acme/app")
    );
    assert_eq!(b.to_string(), "github.com/acme/app");
    assert_eq!(
        GitBinding::parse("git.corp:8443").expect("port").host,
        "git.corp:8443"
    );
    for bad in ["", "/acme", "user@github.com", "git hub.com"] {
        assert!(GitBinding::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_lone_github_token_answers_for_github_with_the_documented_username() {
    let gh = meta("github", "ci");
    let npm = meta("npm", "publish");
    let none: Vec<GitBinding> = vec![];
    let tokens = [
        GitCandidate {
            meta: &gh,
            bindings: &none,
        },
        GitCandidate {
            meta: &npm,
            bindings: &none,
        },
    ];
    let a = git_answer(&req("github.com", None, None), &tokens);
    assert_eq!(picked(a), "ci:x-access-token");
    let reply = git_reply("x-access-token", &Secret::new("ghp_s3cret".into()), &gh);
    assert_eq!(
        reply.expose(),
        "username=x-access-token\npassword=ghp_s3cret\npassword_expiry_utc=1798761600\n"
    );
    let forever = TokenMeta {
        expires_at: None,
        ..gh.clone()
    };
    assert!(
        !git_reply("u", &Secret::new("p".into()), &forever)
            .expose()
            .contains("password_expiry_utc"),
        "a token that never expires has no expiry line"
    );
    assert_eq!(
        picked(git_answer(&req("gitlab.com", None, None), &tokens)),
        "nothing"
    );
    // git asks helpers for other things too (a client certificate's passphrase).
    let mut cert = req("github.com", None, None);
    cert.protocol = "cert".into();
    assert_eq!(picked(git_answer(&cert, &tokens)), "nothing");
}

#[test]
fn a_binding_wins_and_the_longest_path_wins_among_bindings() {
    let (a, b, c) = (meta("github", "a"), meta("github", "b"), meta("other", "c"));
    let (ba, bb, bc) = (
        bind(&["github.com"]),
        bind(&["github.com/acme"]),
        bind(&["git.corp"]),
    );
    let tokens = [
        GitCandidate {
            meta: &a,
            bindings: &ba,
        },
        GitCandidate {
            meta: &b,
            bindings: &bb,
        },
        GitCandidate {
            meta: &c,
            bindings: &bc,
        },
    ];
    let pick = |host, path| picked(git_answer(&req(host, path, None), &tokens));
    assert_eq!(pick("github.com", Some("acme/app.git")), "b:x-access-token");
    assert_eq!(pick("github.com", Some("acme")), "b:x-access-token");
    // "acme" is a segment: "acme-two" is not under it.
    assert_eq!(
        pick("github.com", Some("acme-two/app.git")),
        "a:x-access-token"
    );
    assert_eq!(pick("github.com", None), "a:x-access-token");
    assert_eq!(pick("git.corp", None), "c:tokenkeeper");
}

#[test]
fn several_equal_matches_are_narrowed_by_username_or_reported() {
    let (mut a, mut b) = (meta("github", "a"), meta("github", "b"));
    a.account = Some("alice".into());
    b.account = Some("bob".into());
    let none: Vec<GitBinding> = vec![];
    let tokens = [
        GitCandidate {
            meta: &a,
            bindings: &none,
        },
        GitCandidate {
            meta: &b,
            bindings: &none,
        },
    ];
    let pick = |user| picked(git_answer(&req("github.com", None, user), &tokens));
    assert_eq!(pick(Some("bob")), "b:bob");
    assert_eq!(pick(None), "ambiguous github/a,github/b");
    assert_eq!(pick(Some("carol")), "ambiguous github/a,github/b");
}

#[test]
fn lapsed_tokens_are_reported_and_revoked_or_refresh_tokens_never_answer() {
    let mut expired = meta("github", "old");
    expired.status = Status::Expired;
    let mut revoked = meta("github", "gone");
    revoked.status = Status::Revoked;
    let mut refresh = meta("github", "r");
    refresh.kind = TokenKind::Refresh;
    let none: Vec<GitBinding> = vec![];
    let only = |m: &TokenMeta| {
        picked(git_answer(
            &req("github.com", None, None),
            &[GitCandidate {
                meta: m,
                bindings: &none,
            }],
        ))
    };
    assert_eq!(only(&expired), "unusable github/old");
    assert_eq!(only(&revoked), "nothing");
    assert_eq!(only(&refresh), "nothing");
    let mut lost = meta("github", "lost");
    lost.secret_missing = true;
    assert_eq!(only(&lost), "unusable github/lost");
}

#[test]
fn a_bound_token_does_not_answer_for_its_providers_host_and_instances_have_their_own() {
    let mut own = meta("gitlab", "corp");
    own.instance_url = Some("https://GitLab.Example.com/api".into());
    assert_eq!(
        provider_git_host(&own).as_deref(),
        Some("gitlab.example.com")
    );
    let elsewhere = meta("github", "bound");
    let b = bind(&["github.com/acme"]);
    let none: Vec<GitBinding> = vec![];
    let tokens = [
        GitCandidate {
            meta: &own,
            bindings: &none,
        },
        GitCandidate {
            meta: &elsewhere,
            bindings: &b,
        },
    ];
    let pick = |host, path| picked(git_answer(&req(host, path, None), &tokens));
    assert_eq!(pick("gitlab.example.com", None), "corp:oauth2");
    assert_eq!(pick("gitlab.com", None), "nothing");
    assert_eq!(pick("github.com", Some("other/app")), "nothing");
}

#[test]
fn accessors_are_labelled_for_the_log() {
    assert_eq!(
        Accessor::Git {
            host: "github.com".into()
        }
        .label(),
        "git-credential github.com"
    );
    assert_eq!(Accessor::AppReveal.event(), EventKind::Revealed);
    assert_eq!(Accessor::CliCopy.event(), EventKind::Copied);
    assert_eq!(Accessor::CliRun.event(), EventKind::Accessed);
}
