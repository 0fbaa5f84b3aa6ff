//! Encrypted backups: every token's metadata and secret, with the hosts git and the registries
//! docker use it for, as one JSON document inside an `age` file (age-encryption.org/v1), so the
//! standard `age` tool opens it too. A restore decrypts and reads the whole document before it
//! changes anything: a wrong passphrase or key, or a file that is not a backup, changes
//! nothing. Ids are kept, except where one is taken by a different token.

use std::io::{Read, Write};

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tokenkeeper_core::{
    Secret,
    clock::rfc3339,
    credential::{Accessor, GitBinding},
    model::{ExpirySource, NewTokenMeta, Status, TokenKind},
};
use zeroize::Zeroizing;

use crate::{
    db::tokens,
    error::{Error, Result},
    vault::Vault,
};

const FORMAT: &str = "tokenkeeper-backup";
const VERSION: u32 = 1;
/// A backup of thousands of tokens is a few megabytes; anything far larger is not one.
const MAX_PLAINTEXT: u64 = 64 * 1024 * 1024;

/// Who can open a backup: whoever knows the passphrase, or holds a recipient's key.
pub enum Seal {
    Passphrase(Secret),
    /// age public keys (`age1…`).
    Recipients(Vec<String>),
}

/// What opens a backup: the passphrase, or the contents of an age identity file.
pub enum Unseal {
    Passphrase(Secret),
    Identities(Secret),
}

#[derive(Serialize, Deserialize)]
struct Document {
    format: String,
    version: u32,
    exported_at: String,
    tokens: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    id: String,
    provider: String,
    name: String,
    kind: TokenKind,
    scopes: Vec<String>,
    account: Option<String>,
    expires_at: Option<String>,
    expiry_source: Option<ExpirySource>,
    notes: String,
    tags: Vec<String>,
    remind: Option<Vec<i64>>,
    rotate_every_secs: Option<i64>,
    instance_url: Option<String>,
    #[serde(default)]
    git_hosts: Vec<String>,
    /// The registries docker keeps a login for with this token.
    #[serde(default)]
    docker: Vec<DockerEntry>,
    #[serde(serialize_with = "expose")]
    secret: Secret,
}

#[derive(Serialize, Deserialize)]
struct DockerEntry {
    server: String,
    username: String,
}

fn expose<S: serde::Serializer>(s: &Secret, to: S) -> std::result::Result<S::Ok, S::Error> {
    to.serialize_str(s.expose())
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub tokens: usize,
    /// Revoked tokens have no secret to back up.
    pub skipped_revoked: usize,
    /// `provider/name` of tokens whose secret the keyring no longer holds.
    pub skipped_missing: Vec<String>,
}

/// What a restore did (or, with `dry_run`, would do) with one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// `provider/name` as restored.
    pub token: String,
    pub id: String,
    pub action: RestoreAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreAction {
    /// Stored under its own id and name.
    Restored,
    /// Its id or name was taken by a different token: stored under a new id or name.
    RestoredAsNew,
    /// The vault already holds it, with the same secret.
    Unchanged,
}

impl Vault {
    /// Every token with a secret, encrypted for `to`; each secret read is an access event for
    /// `by` (`cli export`). Returns the age file's bytes.
    pub fn export_backup(&self, to: &Seal, by: &Accessor, now: i64) -> Result<(Vec<u8>, Exported)> {
        let git = self.git_bindings()?;
        let docker = self.docker_logins()?;
        let mut report = Exported {
            tokens: 0,
            skipped_revoked: 0,
            skipped_missing: Vec::new(),
        };
        let mut entries = Vec::new();
        for meta in self.list(now)? {
            if meta.status == Status::Revoked {
                report.skipped_revoked += 1;
                continue;
            }
            let secret = match self.hand_out(&meta.id, by, now) {
                Ok(s) => s,
                Err(Error::SecretMissing { .. }) => {
                    report
                        .skipped_missing
                        .push(format!("{}/{}", meta.provider, meta.name));
                    continue;
                }
                Err(e) => return Err(e),
            };
            entries.push(Entry {
                git_hosts: git
                    .get(&meta.id)
                    .map(|b| b.iter().map(ToString::to_string).collect())
                    .unwrap_or_default(),
                docker: docker
                    .iter()
                    .filter(|l| l.token_id == meta.id)
                    .map(|l| DockerEntry {
                        server: l.server.clone(),
                        username: l.username.clone(),
                    })
                    .collect(),
                id: meta.id,
                provider: meta.provider,
                name: meta.name,
                kind: meta.kind,
                scopes: meta.scopes,
                account: meta.account,
                expires_at: meta.expires_at,
                expiry_source: meta.expiry_source,
                notes: meta.notes,
                tags: meta.tags,
                remind: meta.remind,
                rotate_every_secs: meta.rotate_every_secs,
                instance_url: meta.instance_url,
                secret,
            });
        }
        report.tokens = entries.len();
        let doc = Document {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: rfc3339(now).unwrap_or_default(),
            tokens: entries,
        };
        let plain = Zeroizing::new(
            serde_json::to_vec(&doc).map_err(|e| Error::Internal(format!("backup: {e}")))?,
        );
        Ok((seal(&plain, to)?, report))
    }

    /// Restores a backup made by [`Vault::export_backup`]. With `dry_run`, only says what it
    /// would do. A token already here with the same secret is left as it is, so a restore that
    /// stopped halfway can simply be run again.
    pub fn restore_backup(
        &self,
        file: &[u8],
        key: &Unseal,
        dry_run: bool,
        now: i64,
    ) -> Result<Vec<Restored>> {
        let plain = unseal(file, key)?;
        let doc: Document = serde_json::from_slice(&plain).map_err(|_| not_a_backup())?;
        if doc.format != FORMAT || doc.version > VERSION {
            return Err(not_a_backup());
        }
        let mut done = Vec::with_capacity(doc.tokens.len());
        for e in doc.tokens {
            let same_id = tokens::by_id(&self.conn(), &e.id).map_err(self.storage())?;
            if let Some(row) = &same_id
                && self.secret(&row.id, now).ok().as_ref() == Some(&e.secret)
            {
                done.push(Restored {
                    token: format!("{}/{}", row.provider, row.name),
                    id: row.id.clone(),
                    action: RestoreAction::Unchanged,
                });
                continue;
            }
            let id = match same_id {
                Some(_) => uuid::Uuid::new_v4().to_string(),
                None => e.id.clone(),
            };
            // The connection is let go before free_name takes it again.
            let name_free = tokens::by_name(&self.conn(), Some(&e.provider), &e.name)
                .map_err(self.storage())?
                .is_empty();
            let name = if name_free {
                e.name.clone()
            } else {
                self.free_name(&e.provider, &format!("{} (restored", e.name))?
            };
            let action = if id == e.id && name == e.name {
                RestoreAction::Restored
            } else {
                RestoreAction::RestoredAsNew
            };
            done.push(Restored {
                token: format!("{}/{name}", e.provider),
                id: id.clone(),
                action,
            });
            if dry_run {
                continue;
            }
            let from_token = e.expiry_source == Some(ExpirySource::Jwt);
            let meta = NewTokenMeta {
                provider: Some(e.provider),
                name,
                kind: Some(e.kind),
                scopes: Some(e.scopes),
                account: e.account,
                expires_at: if from_token { None } else { e.expires_at },
                notes: Some(e.notes),
                tags: Some(e.tags),
                remind: e.remind,
                rotate_every_secs: e.rotate_every_secs,
                instance_url: e.instance_url,
            };
            self.add_as(id.clone(), &e.secret, meta, now)?;
            let hosts: Vec<GitBinding> = e
                .git_hosts
                .iter()
                .filter_map(|h| GitBinding::parse(h).ok())
                .collect();
            if !hosts.is_empty() {
                self.set_git_bindings(&id, &hosts, now)?;
            }
            // A registry that has a login by now keeps it: the backup's is older.
            for d in &e.docker {
                if self.docker_login(&d.server)?.is_none() {
                    self.bind_docker(&id, &d.server, &d.username, now)?;
                }
            }
        }
        Ok(done)
    }
}

fn not_a_backup() -> Error {
    Error::invalid("this file decrypts, but it is not a Tokenkeeper backup; nothing was changed")
}

fn seal(plain: &[u8], to: &Seal) -> Result<Vec<u8>> {
    let encryptor = match to {
        Seal::Passphrase(p) => {
            tokenkeeper_core::credential::check_backup_passphrase(p)?;
            age::Encryptor::with_user_passphrase(SecretString::from(p.expose().to_owned()))
        }
        Seal::Recipients(keys) => {
            let parsed = keys
                .iter()
                .map(|k| {
                    k.trim().parse::<age::x25519::Recipient>().map_err(|_| {
                        Error::invalid(format!(
                            "`{k}` is not an age public key (age1…, from `age-keygen`)"
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::invalid(format!("cannot encrypt to these recipients: {e}")))?
        }
    };
    let mut out = Vec::new();
    let io = |e: std::io::Error| Error::Internal(format!("encrypting the backup: {e}"));
    let mut w = encryptor.wrap_output(&mut out).map_err(io)?;
    w.write_all(plain).map_err(io)?;
    w.finish().map_err(io)?;
    Ok(out)
}

fn unseal(file: &[u8], key: &Unseal) -> Result<Zeroizing<Vec<u8>>> {
    let wrong = || {
        Error::invalid(match key {
            Unseal::Passphrase(_) => {
                "wrong passphrase: the backup could not be decrypted; nothing was changed"
            }
            Unseal::Identities(_) => {
                "this key cannot open the backup (it was encrypted to another recipient, or to a passphrase); nothing was changed"
            }
        })
    };
    let decryptor = age::Decryptor::new_buffered(file).map_err(|_| {
        Error::invalid("this is not an age-encrypted Tokenkeeper backup; nothing was changed")
    })?;
    let identities: Vec<Box<dyn age::Identity>> = match key {
        Unseal::Passphrase(p) => {
            if !decryptor.is_scrypt() {
                return Err(Error::invalid(
                    "this backup was encrypted to a recipient's key, not a passphrase: give \
                     --identity KEY_FILE; nothing was changed",
                ));
            }
            vec![Box::new(age::scrypt::Identity::new(SecretString::from(
                p.expose().to_owned(),
            )))]
        }
        Unseal::Identities(text) => age::IdentityFile::from_buffer(text.expose().as_bytes())
            .and_then(|f| f.into_identities().map_err(std::io::Error::other))
            .map_err(|_| {
                Error::invalid("the identity file holds no age key (AGE-SECRET-KEY-1…)")
            })?,
    };
    let mut reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|_| wrong())?;
    let mut plain = Zeroizing::new(Vec::new());
    reader
        .by_ref()
        .take(MAX_PLAINTEXT)
        .read_to_end(&mut plain)
        .map_err(|_| wrong())?;
    Ok(plain)
}
