//! Queries on the `tokens` table. Times are unix seconds here; RFC 3339 only at the boundary.

use rusqlite::{Connection, OptionalExtension, Row, params};

use tokenkeeper_core::{
    clock::rfc3339,
    model::{ExpirySource, Format, TokenKind, TokenMeta},
    providers,
    remind::{Watched, rotation_date},
    status::{Lifetime, soon_at, status_at},
};

use super::{CorruptValue, parse_enum};

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
    /// The token's own lead times (seconds); `None` uses the app's.
    pub remind: Option<Vec<i64>>,
    pub rotate_every: Option<i64>,
    /// When the current secret was stored (the start of its rotation period).
    pub secret_set_at: i64,
    pub scopes_source: Option<ExpirySource>,
    pub account_source: Option<ExpirySource>,
    /// The API origin for this token when it is not the catalog's (a self-managed GitLab).
    pub instance_url: Option<String>,
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
        let (status, soon) = (status_at(self.lifetime(), now), soon_at(self.lifetime()));
        let rotate_at = rotation_date(self.secret_set_at, self.rotate_every);
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
            soon_at: t(soon),
            expiry_source: self.expiry_source,
            notes: self.notes,
            tags: self.tags,
            revoked_at: t(self.revoked_at),
            last_copied_at: t(self.last_copied_at),
            secret_missing: self.secret_missing,
            rotate_at: t(rotate_at),
            remind: self.remind,
            rotate_every_secs: self.rotate_every,
            scopes_source: self.scopes_source,
            account_source: self.account_source,
            instance_url: self.instance_url,
            status,
        }
    }

    /// The row as the reminder schedule sees it; `label` is "Provider / name".
    pub fn watched(&self) -> Watched {
        Watched {
            id: self.id.clone(),
            label: format!(
                "{} / {}",
                providers::display_name(&self.provider),
                self.name
            ),
            start: self
                .issued_at
                .unwrap_or(self.created_at)
                .min(self.created_at),
            added_at: self.created_at,
            expires_at: self.expires_at,
            secret_set_at: self.secret_set_at,
            rotate_every: self.rotate_every,
            leads: self.remind.clone(),
            revoked: self.revoked_at.is_some(),
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

fn remind_to_sql(v: Option<&[i64]>) -> Option<String> {
    v.map(|l| serde_json::to_string(l).unwrap_or_else(|_| "[]".into()))
}

fn list_to_sql(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

const COLUMNS: &str = "id, provider, name, kind, format, scopes, account, created_at, issued_at,
    not_before, expires_at, expiry_source, notes, tags, revoked_at, last_copied_at,
    secret_generation, secret_missing, remind, rotate_every, secret_set_at, scopes_source,
    account_source, instance_url";

/// A row as stored. A value no version writes (an unknown kind, a list that is not a JSON
/// array of strings) is an error naming the row, never a guess.
fn from_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    let id: String = r.get(0)?;
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let word =
        |i: usize, column: &'static str| -> rusqlite::Result<_> { Ok((text(i)?, (i, column))) };
    let list = |i: usize, column: &'static str| -> rusqlite::Result<Vec<String>> {
        let value = text(i)?;
        serde_json::from_str(&value).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                Box::new(CorruptValue {
                    table: "tokens",
                    row: id.clone(),
                    column,
                    value: value.clone(),
                }),
            )
        })
    };
    let (kind, kind_col) = word(3, "kind")?;
    let (format, format_col) = word(4, "format")?;
    let source: Option<String> = r.get(11)?;
    let remind: Option<String> = r.get(18)?;
    let remind = remind
        .map(|v| {
            serde_json::from_str::<Vec<i64>>(&v).map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(
                    18,
                    rusqlite::types::Type::Text,
                    Box::new(CorruptValue {
                        table: "tokens",
                        row: id.clone(),
                        column: "remind",
                        value: v.clone(),
                    }),
                )
            })
        })
        .transpose()?;
    let created_at: i64 = r.get(7)?;
    let source_of = |i: usize, column: &'static str| -> rusqlite::Result<Option<ExpirySource>> {
        let v: Option<String> = r.get(i)?;
        v.as_deref()
            .map(|s| parse_enum::<ExpirySource>("tokens", &id, (i, column), s))
            .transpose()
    };
    let scopes_source = source_of(21, "scopes_source")?;
    let account_source = source_of(22, "account_source")?;
    Ok(TokenRow {
        scopes_source,
        account_source,
        instance_url: r.get(23)?,
        kind: parse_enum::<TokenKind>("tokens", &id, kind_col, &kind)?,
        format: parse_enum::<Format>("tokens", &id, format_col, &format)?,
        expiry_source: source
            .as_deref()
            .map(|s| parse_enum::<ExpirySource>("tokens", &id, (11, "expiry_source"), s))
            .transpose()?,
        scopes: list(5, "scopes")?,
        tags: list(13, "tags")?,
        id,
        provider: r.get(1)?,
        name: r.get(2)?,
        account: r.get(6)?,
        created_at,
        issued_at: r.get(8)?,
        not_before: r.get(9)?,
        expires_at: r.get(10)?,
        notes: r.get(12)?,
        revoked_at: r.get(14)?,
        last_copied_at: r.get(15)?,
        secret_generation: r.get(16)?,
        secret_missing: r.get(17)?,
        remind,
        rotate_every: r.get(19)?,
        secret_set_at: r.get::<_, Option<i64>>(20)?.unwrap_or(created_at),
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
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
              ?20, ?21, ?22, ?23, ?24)"
        ),
        params![
            t.id,
            t.provider,
            t.name,
            t.kind.as_ref(),
            t.format.as_ref(),
            list_to_sql(&t.scopes),
            t.account,
            t.created_at,
            t.issued_at,
            t.not_before,
            t.expires_at,
            t.expiry_source.as_ref().map(AsRef::<str>::as_ref),
            t.notes,
            list_to_sql(&t.tags),
            t.revoked_at,
            t.last_copied_at,
            t.secret_generation,
            t.secret_missing,
            remind_to_sql(t.remind.as_deref()),
            t.rotate_every,
            t.secret_set_at,
            t.scopes_source.as_ref().map(AsRef::<str>::as_ref),
            t.account_source.as_ref().map(AsRef::<str>::as_ref),
            t.instance_url,
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
         secret_generation = ?16, secret_missing = ?17, remind = ?18, rotate_every = ?19,
         secret_set_at = ?20, scopes_source = ?21, account_source = ?22, instance_url = ?23
         WHERE id = ?1",
        params![
            t.id,
            t.provider,
            t.name,
            t.kind.as_ref(),
            t.format.as_ref(),
            list_to_sql(&t.scopes),
            t.account,
            t.issued_at,
            t.not_before,
            t.expires_at,
            t.expiry_source.as_ref().map(AsRef::<str>::as_ref),
            t.notes,
            list_to_sql(&t.tags),
            t.revoked_at,
            t.last_copied_at,
            t.secret_generation,
            t.secret_missing,
            remind_to_sql(t.remind.as_deref()),
            t.rotate_every,
            t.secret_set_at,
            t.scopes_source.as_ref().map(AsRef::<str>::as_ref),
            t.account_source.as_ref().map(AsRef::<str>::as_ref),
            t.instance_url,
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
    // Generation 0: revoked, its secret deleted on purpose; no keyring item to look for.
    let mut stmt = conn.prepare(
        "SELECT id, secret_generation, secret_missing FROM tokens WHERE secret_generation > 0",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}
