//! The command line, as clap sees it.

use clap::{Args, Parser, Subcommand};
use tokenkeeper_core::model::TokenKind;

#[derive(Debug, Parser)]
#[command(
    name = "tokenkeeper",
    version,
    about = "Keep developer tokens in the OS keyring, see when they expire, fetch them from scripts",
    after_help = "Tokens are addressed by id or provider/name (for example github/ci-deploy).\n\
                  TOKENKEEPER_HOME overrides the data folder; TOKENKEEPER_KEYRING_SERVICE the \
                  keyring service name."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Store a token. The secret is read from stdin, or asked for without echo.
    Add {
        /// Name, unique per provider (for example ci-deploy).
        #[arg(long, short)]
        name: String,
        /// Provider id (github, gitlab, npm, …); detected from the token when left out.
        #[arg(long, short)]
        provider: Option<String>,
        /// Token kind; detected when left out.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<TokenKind>,
        /// Expiry: RFC 3339, a date (2026-12-31) or a duration (90d, 12h); read from a JWT's
        /// `exp` when left out.
        #[arg(long)]
        expires: Option<String>,
        /// Comma-separated scopes.
        #[arg(long, value_delimiter = ',')]
        scopes: Option<Vec<String>>,
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        notes: Option<String>,
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Reminder lead times before expiry, like 14d,3d,1h,0 (0 = at expiry), or `none`;
        /// the app's (Settings) when left out.
        #[arg(long, value_name = "LEADS")]
        remind: Option<String>,
        /// Remind before this rotation period runs out (60d), even if the token never expires.
        #[arg(long, value_name = "DURATION")]
        rotate_every: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a token's metadata (the secret stays; `replace` changes that).
    Edit {
        token: String,
        #[command(flatten)]
        changes: EditArgs,
        #[arg(long)]
        json: bool,
    },
    /// List tokens that have lapsed or whose expiry or rotation date falls within DURATION.
    /// Exits 3 when any is listed, 0 when none: `tokenkeeper due --within 7d || alert`.
    Due {
        /// How far ahead to look (7d, 12h); default: the longest reminder lead time.
        #[arg(long, value_name = "DURATION")]
        within: Option<String>,
        /// Send the desktop reminders that are due, once (the app never repeats them), for a
        /// systemd timer or cron when the app is not running.
        #[arg(long)]
        notify: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace a token's secret (a rotation done by hand). The new secret is read from stdin,
    /// or asked for without echo; the old one stays until the new one is stored.
    Replace {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// List stored tokens (metadata only, soonest expiry first).
    List {
        #[arg(long, short)]
        provider: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one token's metadata and event log (never the secret).
    Show {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// Print a token's secret to stdout, for scripts: `$(tokenkeeper get github/ci)`.
    Get {
        token: String,
        /// Do not print a trailing newline.
        #[arg(short = 'n', long)]
        no_newline: bool,
        /// No warning when stdout is a terminal (the secret is then on screen).
        #[arg(short, long)]
        quiet: bool,
    },
    /// Copy a token to the clipboard, marked secret, and clear it after a timeout (also on
    /// Ctrl+C or SIGTERM while waiting).
    Copy {
        token: String,
        /// Seconds before the clipboard is cleared if it still holds this token (5–600);
        /// default: the app's setting.
        #[arg(long, value_parser = clap::value_parser!(u32).range(5..=600))]
        clear_after: Option<u32>,
    },
    /// Remove a token and its keyring entry.
    Rm {
        token: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Check the keyring against the vault: finish interrupted writes, flag tokens whose
    /// secret has gone, and list keyring items no token names (kept, never deleted) and the
    /// other vaults on the service. Exits 1 when the keyring is not usable.
    Doctor {
        #[arg(long)]
        json: bool,
    },
    /// Rebuild tokens from the keyring: a row for every item of this vault that no token names
    /// (after `tokenkeeper.db` was deleted or restored from an old backup), from the item's
    /// attributes and its secret.
    Recover {
        /// Adopt the items of another vault (an id `doctor` lists) whose data folder is gone.
        #[arg(long, value_name = "ID")]
        from_vault: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the provider catalog: token kinds, lifetimes and what Tokenkeeper can do with
    /// each provider's API.
    Providers {
        #[arg(long)]
        json: bool,
    },
    /// Ask the provider whether a token works, and store what it says (expiry, scopes,
    /// account). Exits 0 when it is valid, 1 otherwise.
    Check {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token through the provider's API; where it has none, print the steps and the
    /// page, and exit 3. The row and its history stay; the secret is deleted.
    Revoke {
        token: String,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        /// Record a revocation you did by hand on the provider's page (no request is sent).
        #[arg(long)]
        mark_revoked: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace a token through the provider's API (GitLab): the replacement is stored beside
    /// the old one, checked, and then takes over its name.
    Rotate {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// Run a command with tokens in its environment (`--env NAME=TOKEN`), never in its
    /// arguments; the command replaces this process, so its exit status is the result. A
    /// sign-in's token past its refresh point is refreshed first; an expired, revoked or lost
    /// token is refused (exit 1) unless --allow-expired.
    Run {
        /// NAME=TOKEN, the token by id or provider/name; give it once per variable.
        #[arg(long = "env", value_name = "NAME=TOKEN")]
        env: Vec<String>,
        /// A file of NAME=TOKEN lines (`#` comments), safe to commit: it holds no secret.
        #[arg(long, value_name = "FILE")]
        env_file: Option<std::path::PathBuf>,
        /// Hand over a token that has expired (a revoked or lost one is still refused).
        #[arg(long)]
        allow_expired: bool,
        /// The command and its arguments, after `--`.
        #[arg(last = true, required = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Where secrets went: every `get`, copy, `run`, credential-helper answer, reveal and
    /// export, newest first, with who asked.
    Log {
        /// One token's (by id or provider/name); every token's when left out.
        token: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// git's credential helper: `git config --global credential.helper '!tokenkeeper
    /// git-credential'` (or `credential.helper tokenkeeper`, with git-credential-tokenkeeper
    /// installed). Answers `get` with the token bound to the host (`edit --git-host`), or a
    /// GitHub or GitLab token when it is that provider's only one; `erase` flags the token for
    /// a check and never deletes it.
    #[command(name = "git-credential")]
    GitCredential {
        /// Store a credential git learned elsewhere (typed at its prompt) as a new token.
        #[arg(long)]
        adopt: bool,
        /// get, store or erase (git gives it).
        action: String,
    },
    /// docker's credential helper (as docker-credential-tokenkeeper; `"credsStore":
    /// "tokenkeeper"` in ~/.docker/config.json): get, store, erase, list.
    #[command(name = "docker-credential", hide = true)]
    DockerCredential { action: String },
    /// Find tokens in plaintext config files (.npmrc, .netrc, gh's hosts.yml, .env) and store
    /// each in the keyring with its provider.
    ///
    /// In a .npmrc every `_authToken` counts, in a .netrc every `password`, in gh's hosts.yml
    /// every `oauth_token`; in a .env only values whose shape a provider documents (a prefix
    /// such as `ghp_`, `glpat-`, `npm_`) and JWTs. A secret the vault already holds under the
    /// same provider is not stored again; a name already taken gets ` (2)`.
    ///
    /// --rewrite then takes the tokens out of the files, once every secret reads back from the
    /// keyring: a .npmrc value becomes `${NPM_TOKEN}` (npm reads it from the environment), a
    /// .env line and a hosts.yml `oauth_token` line go, a .netrc entry goes whole. The
    /// variables are written to `.tokenkeeper.env` beside each file (`NAME=provider/name`, no
    /// secrets), so `tokenkeeper run --env-file .tokenkeeper.env -- npm publish` passes them;
    /// gh then reads GH_TOKEN (GH_ENTERPRISE_TOKEN for another host), and git gets the .netrc
    /// tokens from `tokenkeeper git-credential`. Each file is replaced atomically (a file
    /// beside it, synced, renamed over it) and keeps its mode. When storing fails halfway, the
    /// tokens stored so far stay in the keyring and no file is changed.
    Import(crate::import::ImportArgs),
    /// Write every token (metadata and secret) to an encrypted `age` file that the standard
    /// `age` tool opens too.
    Export(crate::backup::ExportArgs),
    /// Restore an `export` file: metadata and secrets, new ids only where they collide.
    #[command(name = "import-backup")]
    ImportBackup(crate::backup::RestoreArgs),
    /// Print a shell completion script: `tokenkeeper completions bash > …`.
    Completions {
        #[arg(value_parser = ["bash", "zsh", "fish", "elvish", "powershell"])]
        shell: String,
    },
    /// Print the man page (roff), for packaging.
    #[command(hide = true)]
    Man,
    /// OAuth 2.0 / OpenID Connect provider profiles.
    Provider {
        #[command(subcommand)]
        command: ProviderCommand,
    },
    /// Sign in with a provider profile and store the tokens as PROFILE/NAME (the refresh
    /// token beside it as `NAME (refresh)`). Prints the new token's provider/name.
    Login(crate::oauth::Login),
    /// Refresh an OAuth token now (its address or its refresh token's). Single-flight: with
    /// the app or another CLI refreshing at the same moment, one request is made.
    Refresh {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// Ask the server about an OAuth token (RFC 7662); --json prints its answer as sent.
    /// Exits 0 only when it is active.
    Introspect {
        token: String,
        #[arg(long)]
        json: bool,
    },
    /// Decode a token without trusting it: format, provider, header, claims, times, status.
    Decode(crate::decode::DecodeArgs),
    /// Check a JWT's signature against a JWKS or JWK you trust (a file or an https URL), and
    /// its `exp`/`nbf` (and `--iss`/`--aud` when given). Exits 1 unless every check passes.
    Verify(crate::decode::VerifyArgs),
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add (or replace) a profile: an issuer resolved by discovery, or endpoints by hand.
    Add(Box<AddProfile>),
    /// List the profiles.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// `provider add`'s arguments.
#[derive(Debug, Args)]
pub struct AddProfile {
    pub name: String,
    /// The issuer; its endpoints come from `.well-known/openid-configuration` (or RFC 8414).
    #[arg(long, required_unless_present = "token_endpoint")]
    pub issuer: Option<String>,
    #[arg(long)]
    pub client_id: String,
    /// Read the client secret from stdin (a confidential client; kept in the keyring).
    #[arg(long)]
    pub client_secret_stdin: bool,
    /// A scope to ask for; give it once per scope.
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    #[arg(long)]
    pub audience: Option<String>,
    #[arg(long)]
    pub resource: Option<String>,
    /// How long the server's refresh tokens live when it does not say (its policy: 14d).
    #[arg(long, value_name = "DURATION")]
    pub refresh_lifetime: Option<String>,
    #[arg(long, value_name = "URL")]
    pub authorization_endpoint: Option<String>,
    #[arg(long, value_name = "URL")]
    pub token_endpoint: Option<String>,
    #[arg(long, value_name = "URL")]
    pub device_endpoint: Option<String>,
    #[arg(long, value_name = "URL")]
    pub revocation_endpoint: Option<String>,
    #[arg(long, value_name = "URL")]
    pub introspection_endpoint: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// What `edit` may change, as typed; a field left out stays as it is.
#[derive(Debug, Args)]
pub struct EditArgs {
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long, short)]
    pub provider: Option<String>,
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<TokenKind>,
    /// Expiry: RFC 3339, a date, a duration from now (90d), or `never`.
    #[arg(long)]
    pub expires: Option<String>,
    /// Reminder lead times (14d,3d,1h,0), `none`, or `default` for the app's.
    #[arg(long, value_name = "LEADS")]
    pub remind: Option<String>,
    /// Rotation period (60d), or `none`.
    #[arg(long, value_name = "DURATION")]
    pub rotate_every: Option<String>,
    /// Comma-separated scopes (replaces the list).
    #[arg(long, value_delimiter = ',')]
    pub scopes: Option<Vec<String>>,
    #[arg(long)]
    pub account: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// Tags (replaces the list; give --tag once per tag).
    #[arg(long = "tag")]
    pub tags: Option<Vec<String>>,
    /// A git host this token answers for (github.com), or HOST/PATH for repositories under a
    /// path (with `credential.useHttpPath`); replaces the list; `none` clears it.
    #[arg(long = "git-host", value_name = "HOST[/PATH]")]
    pub git_hosts: Option<Vec<String>>,
    /// The API origin of a self-managed instance this token belongs to
    /// (https://gitlab.example.com), or `default` for the provider's own.
    #[arg(long, value_name = "URL")]
    pub instance: Option<String>,
}

fn parse_kind(s: &str) -> Result<TokenKind, String> {
    s.parse().map_err(|_| {
        "expected one of: access, refresh, id, personal, api_key, system_user, bot, other".into()
    })
}
