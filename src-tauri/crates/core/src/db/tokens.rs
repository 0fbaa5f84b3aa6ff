//! Queries on the `tokens` table. Times are unix seconds here; RFC 3339 only at the boundary.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{enum_from_sql, enum_to_sql};
use crate::{
    clock::rfc3339,
    model::{ExpirySource, Format, TokenKind, TokenMeta},
    status::{Lifetime, status_at},
};

/// A token row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub id: String,
    pub provider: String,
    pub name: String,
    pub kind: TokenKind,
    pub format: Format,
    pub scopes: Vec<String>,
    pub account: Option<String>,
    pub created_at: i64,
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub expires_at: Option<i64>,
    pub expiry_source: Option<ExpirySource>,
    pub notes: String,
    pub tags: Vec<String>,
    pub revoked_at: Option<i64>,
    pub last_copied_at: Option<i64>,
    pub secret_generation: i64,
    pub secret_missing: bool,
}

impl TokenRow {
    pub fn lifetime(&self) -> Lifetime {
        Lifetime {
            issued_at: self.issued_at,
            not_before: self.not_before,
            expires_at: self.expires_at,
            revoked: self.revoked_at.is_some(),
        }
    }

    /// The keyring account holding this row's current secret.
    pub fn account_key(&self) -> String {
        account_key(&self.id, self.secret_generation)
    }

    /// The row as the UI and CLI see it, status as of `now`. Takes the row, so listing 10,000
    /// tokens moves their strings instead of copying them.
    pub fn into_meta(self, now: i64) -> TokenMeta {
        let t = |v: Option<i64>| v.and_then(rfc3339);
        let status = status_at(self.lifetime(), now);
        TokenMeta {
            id: self.id,
            provider: self.provider,
            name: self.name,
            kind: self.kind,
            format: self.format,
            scopes: self.scopes,
            account: self.account,
            created_at: rfc3339(self.created_at).unwrap_or_default(),
            issued_at: t(self.issued_at),
            not_before: t(self.not_before),
            expires_at: t(self.expires_at),
            expiry_source: self.expiry_source,
            notes: self.notes,
            tags: self.tags,
            revoked_at: t(self.revoked_at),
            last_copied_at: t(self.last_copied_at),
            secret_missing: self.secret_missing,
            status,
        }
    }
}

pub fn account_key(id: &str, generation: i64) -> String {
    format!("{id}.g{generation}")
}

/// The token id and generation an account key names, if it is one of ours.
pub fn parse_account_key(key: &str) -> Option<(&str, i64)> {
    let (id, generation) = key.rsplit_once(".g")?;
    Some((id, generation.parse().ok()?))
}

fn list_to_sql(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

const COLUMNS: &str = "id, provider, name, kind, format, scopes, account, created_at, issued_at,
    not_before, expires_at, expiry_source, notes, tags, revoked_at, last_copied_at,
    secret_generation, secret_missing";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let list = |i: usize| -> rusqlite::Result<Vec<String>> {
        Ok(serde_json::from_str(&text(i)?).unwrap_or_default())
    };
    let source: Option<String> = r.get(11)?;
    Ok(TokenRow {
        id: r.get(0)?,
        provider: r.get(1)?,
        name: r.get(2)?,
        kind: enum_from_sql(&text(3)?).unwrap_or(TokenKind::Other),
        format: enum_from_sql(&text(4)?).unwrap_or(Format::Opaque),
        scopes: list(5)?,
        account: r.get(6)?,
        created_at: r.get(7)?,
        issued_at: r.get(8)?,
        not_before: r.get(9)?,
        expires_at: r.get(10)?,
        expiry_source: source.as_deref().and_then(enum_from_sql),
        notes: r.get(12)?,
        tags: list(13)?,
        revoked_at: r.get(14)?,
        last_copied_at: r.get(15)?,
        secret_generation: r.get(16)?,
        secret_missing: r.get(17)?,
    })
}

/// Every row, soonest expiry first, tokens that never expire last.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<TokenRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tokens ORDER BY expires_at IS NULL, expires_at, provider, name"
    ))?;
    stmt.query_map([], from_row)?.collect()
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<TokenRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM tokens WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

pub fn by_name(
    conn: &Connection,
    provider: Option<&str>,
    name: &str,
) -> rusqlite::Result<Vec<TokenRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM tokens WHERE name = ?1 AND (?2 IS NULL OR provider = ?2)"
    ))?;
    stmt.query_map(params![name, provider], from_row)?.collect()
}

pub fn insert(conn: &Connection, t: &TokenRow) -> rusqlite::Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO tokens ({COLUMNS}) VALUES
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        ),
        params![
            t.id,
            t.provider,
            t.name,
            enum_to_sql(&t.kind),
            enum_to_sql(&t.format),
            list_to_sql(&t.scopes),
            t.account,
            t.created_at,
            t.issued_at,
            t.not_before,
            t.expires_at,
            t.expiry_source.as_ref().map(enum_to_sql),
            t.notes,
            list_to_sql(&t.tags),
            t.revoked_at,
            t.last_copied_at,
            t.secret_generation,
            t.secret_missing,
        ],
    )
    .map(|_| ())
}

/// Rewrites every column of an existing row (by id).
pub fn update(conn: &Connection, t: &TokenRow) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE tokens SET provider = ?2, name = ?3, kind = ?4, format = ?5, scopes = ?6,
         account = ?7, issued_at = ?8, not_before = ?9, expires_at = ?10, expiry_source = ?11,
         notes = ?12, tags = ?13, revoked_at = ?14, last_copied_at = ?15,
         secret_generation = ?16, secret_missing = ?17 WHERE id = ?1",
        params![
            t.id,
            t.provider,
            t.name,
            enum_to_sql(&t.kind),
            enum_to_sql(&t.format),
            list_to_sql(&t.scopes),
            t.account,
            t.issued_at,
            t.not_before,
            t.expires_at,
            t.expiry_source.as_ref().map(enum_to_sql),
            t.notes,
            list_to_sql(&t.tags),
            t.revoked_at,
            t.last_copied_at,
            t.secret_generation,
            t.secret_missing,
        ],
    )
}

pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM tokens WHERE id = ?1", [id])
}

pub fn set_missing(conn: &Connection, id: &str, missing: bool) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE tokens SET secret_missing = ?2 WHERE id = ?1",
        params![id, missing],
    )
}

pub fn set_last_copied(conn: &Connection, id: &str, at: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE tokens SET last_copied_at = ?2 WHERE id = ?1",
        params![id, at],
    )
}

/// (id, generation, missing) of every row: what the reconciler compares the keyring against.
pub fn generations(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, bool)>> {
    let mut stmt = conn.prepare("SELECT id, secret_generation, secret_missing FROM tokens")?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}
