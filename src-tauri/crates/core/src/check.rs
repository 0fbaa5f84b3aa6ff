//! What a provider said about a token when asked (a live check), and the one rule for what
//! the vault keeps of it: what the provider states replaces what was known, marked as coming
//! from the provider; where the provider says nothing, what the user entered stays.

use serde::{Deserialize, Serialize};

use crate::model::ExpirySource;

/// The verdict of a live check. The CLI's `check --json` prints these words.
#[derive(strum::EnumString, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Valid,
    Expired,
    Revoked,
    /// The provider does not accept it and does not say why (a typo, a deleted token).
    Invalid,
    /// Asked too often: try again after `retry_after`. Says nothing about the token.
    RateLimited,
    /// The provider could not be reached or answered with an error of its own.
    Unreachable,
    /// The app cannot ask this provider about this kind of token.
    Unsupported,
}

impl CheckState {
    /// A verdict about the token itself, as opposed to about asking.
    pub fn is_verdict(self) -> bool {
        matches!(
            self,
            CheckState::Valid | CheckState::Expired | CheckState::Revoked | CheckState::Invalid
        )
    }
}

/// What a provider says a token's expiry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// It said nothing about it.
    Unknown,
    /// It says the token never expires (Meta's `expires_at: 0`, GitHub without the header).
    Never,
    At(i64),
}

/// A live check's result, before it is stored: unix seconds, as the remote crate parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub state: CheckState,
    pub expiry: Expiry,
    /// `None`: the provider does not report scopes for this kind.
    pub scopes: Option<Vec<String>>,
    pub account: Option<String>,
    /// Seconds to wait before asking again (rate limits).
    pub retry_after: Option<i64>,
    /// One human sentence.
    pub detail: String,
}

impl Finding {
    pub fn new(state: CheckState, detail: impl Into<String>) -> Finding {
        Finding {
            state,
            expiry: Expiry::Unknown,
            scopes: None,
            account: None,
            retry_after: None,
            detail: detail.into(),
        }
    }
}

/// A stored check, as `check --json`, the detail pane and the list see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckReport {
    pub state: CheckState,
    /// RFC 3339 UTC: the expiry the provider reported, `null` when it reported none (see
    /// `never_expires`).
    pub expires_at: Option<String>,
    /// The provider says the token never expires.
    pub never_expires: bool,
    /// Scopes the provider reported (empty when it reports none).
    pub scopes: Vec<String>,
    pub account: Option<String>,
    /// RFC 3339 UTC.
    pub checked_at: String,
    /// Seconds until the provider accepts another check, when rate limited.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_after: Option<i64>,
    pub detail: String,
    /// Which facts came from the provider: any of `expires_at`, `scopes`, `account`.
    pub learned: Vec<String>,
}

/// A rotation's outcome: the replacement stored beside the old token and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rotation {
    pub old: crate::model::TokenMeta,
    pub new: crate::model::TokenMeta,
    pub check: CheckReport,
    /// The replacement passed its check and took over the old token's name; otherwise both
    /// are kept and the user decides.
    pub finished: bool,
}

/// What storing a check changes in a token's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Learned {
    /// `Some(None)`: the provider says it never expires.
    pub expires_at: Option<Option<i64>>,
    pub scopes: Option<Vec<String>>,
    pub account: Option<String>,
}

impl Learned {
    /// The facts of a finding a vault keeps. Only a `valid` or `expired` answer describes the
    /// token; anything else (revoked, rate limited, unreachable) changes none of its fields.
    pub fn from(finding: &Finding) -> Learned {
        if !matches!(finding.state, CheckState::Valid | CheckState::Expired) {
            return Learned::default();
        }
        Learned {
            expires_at: match finding.expiry {
                Expiry::Unknown => None,
                Expiry::Never => Some(None),
                Expiry::At(t) => Some(Some(t)),
            },
            scopes: finding.scopes.clone(),
            account: finding.account.clone().filter(|a| !a.is_empty()),
        }
    }

    /// The names `CheckReport::learned` lists.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.expires_at.is_some() {
            out.push("expires_at".into());
        }
        if self.scopes.is_some() {
            out.push("scopes".into());
        }
        if self.account.is_some() {
            out.push("account".into());
        }
        out
    }

    /// The expiry source to store beside a learned expiry.
    pub fn expiry_source(&self) -> Option<ExpirySource> {
        self.expires_at.map(|_| ExpirySource::Provider)
    }
}

/// The report of a finding checked at `now`.
pub fn report(finding: &Finding, now: i64) -> CheckReport {
    let learned = Learned::from(finding);
    CheckReport {
        state: finding.state,
        expires_at: match finding.expiry {
            Expiry::At(t) => crate::clock::rfc3339(t),
            _ => None,
        },
        never_expires: finding.expiry == Expiry::Never,
        scopes: finding.scopes.clone().unwrap_or_default(),
        account: finding.account.clone(),
        checked_at: crate::clock::rfc3339(now).unwrap_or_default(),
        retry_after: finding.retry_after,
        detail: finding.detail.clone(),
        learned: learned.names(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Finding {
        Finding::new(CheckState::Valid, "ok")
    }

    #[test]
    fn a_silent_provider_changes_nothing() {
        let l = Learned::from(&valid());
        assert_eq!(l, Learned::default());
        assert!(l.names().is_empty());
        assert_eq!(l.expiry_source(), None);
    }

    #[test]
    fn never_is_a_fact_and_unknown_is_not() {
        let f = Finding {
            expiry: Expiry::Never,
            ..valid()
        };
        assert_eq!(Learned::from(&f).expires_at, Some(None));
        assert_eq!(
            Learned::from(&f).expiry_source(),
            Some(ExpirySource::Provider)
        );
        let r = report(&f, 0);
        assert!(r.never_expires);
        assert_eq!(r.expires_at, None);
        assert_eq!(r.learned, vec!["expires_at"]);
    }

    #[test]
    fn only_answers_about_the_token_change_it() {
        for state in [
            CheckState::Revoked,
            CheckState::Invalid,
            CheckState::RateLimited,
            CheckState::Unreachable,
            CheckState::Unsupported,
        ] {
            let f = Finding {
                state,
                expiry: Expiry::At(5),
                scopes: Some(vec!["repo".into()]),
                account: Some("octocat".into()),
                ..valid()
            };
            assert_eq!(Learned::from(&f), Learned::default(), "{state:?}");
        }
    }
}
