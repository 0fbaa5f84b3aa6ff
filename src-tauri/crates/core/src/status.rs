//! Status at an instant: a pure function of a token's times and `now` (unix seconds), so every
//! boundary can be tested without a clock.

use crate::model::Status;

/// Tokens with this little time left are always "expiring soon" (unless 20% of their known
/// lifetime is even less).
pub const SOON_CAP_SECS: i64 = 14 * 24 * 3600;

/// The times a status depends on, in unix seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifetime {
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked: bool,
}

/// How much remaining time still counts as "valid" rather than "expiring soon".
pub fn soon_threshold(issued_at: Option<i64>, expires_at: i64) -> i64 {
    match issued_at {
        Some(start) => {
            let lifetime = expires_at.saturating_sub(start).max(0);
            // 20% of the lifetime, rounded up so a 5 s life still has a 1 s warning window.
            let fifth = lifetime / 5 + i64::from(lifetime % 5 != 0);
            fifth.min(SOON_CAP_SECS)
        }
        None => SOON_CAP_SECS,
    }
}

/// The first second at which a token with lifetime `l` counts as expiring soon, or `None` when
/// it never expires. Clients compare this instant with their clock instead of re-deriving the
/// threshold.
pub fn soon_at(l: Lifetime) -> Option<i64> {
    l.expires_at.map(|exp| {
        exp.saturating_sub(soon_threshold(l.issued_at, exp))
            .saturating_add(1)
    })
}

pub fn status_at(l: Lifetime, now: i64) -> Status {
    if l.revoked {
        return Status::Revoked;
    }
    if let Some(exp) = l.expires_at
        && now >= exp
    {
        return Status::Expired;
    }
    if let Some(nbf) = l.not_before
        && now < nbf
    {
        return Status::NotYetValid;
    }
    match l.expires_at {
        None => Status::NoExpiry,
        Some(exp) if exp.saturating_sub(now) < soon_threshold(l.issued_at, exp) => {
            Status::ExpiringSoon
        }
        Some(_) => Status::Valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600;

    fn life(iat: Option<i64>, nbf: Option<i64>, exp: Option<i64>) -> Lifetime {
        Lifetime {
            issued_at: iat,
            not_before: nbf,
            expires_at: exp,
            revoked: false,
        }
    }

    #[test]
    fn expired_exactly_at_exp_not_a_second_before() {
        let l = life(Some(0), None, Some(3600));
        assert_eq!(status_at(l, 3599), Status::ExpiringSoon);
        assert_eq!(status_at(l, 3600), Status::Expired);
        assert_eq!(status_at(l, 3601), Status::Expired);
    }

    #[test]
    fn twenty_percent_of_lifetime_boundary() {
        // A one-hour token: the last 12 minutes are "expiring soon".
        let l = life(Some(0), None, Some(3600));
        assert_eq!(
            status_at(l, 3600 - 720),
            Status::Valid,
            "exactly 20% left is still valid"
        );
        assert_eq!(status_at(l, 3600 - 719), Status::ExpiringSoon);
        assert_eq!(status_at(l, 0), Status::Valid);
    }

    #[test]
    fn fourteen_day_cap_on_long_lifetimes() {
        // A one-year token: 20% would be 73 days, capped at 14.
        let l = life(Some(0), None, Some(365 * DAY));
        assert_eq!(status_at(l, 365 * DAY - 14 * DAY), Status::Valid);
        assert_eq!(status_at(l, 365 * DAY - 14 * DAY + 1), Status::ExpiringSoon);
        assert_eq!(status_at(l, 300 * DAY), Status::Valid);
    }

    #[test]
    fn unknown_start_uses_fourteen_days() {
        let l = life(None, None, Some(100 * DAY));
        assert_eq!(status_at(l, 86 * DAY), Status::Valid);
        assert_eq!(status_at(l, 86 * DAY + 1), Status::ExpiringSoon);
    }

    #[test]
    fn not_yet_valid_before_nbf() {
        let l = life(Some(0), Some(1000), Some(100_000));
        assert_eq!(status_at(l, 999), Status::NotYetValid);
        assert_eq!(status_at(l, 1000), Status::Valid);
        // nbf in the future without an expiry is still not yet valid.
        assert_eq!(
            status_at(life(None, Some(10), None), 9),
            Status::NotYetValid
        );
    }

    #[test]
    fn no_expiry_and_revoked() {
        assert_eq!(status_at(life(None, None, None), 123), Status::NoExpiry);
        let mut l = life(Some(0), None, Some(10));
        l.revoked = true;
        assert_eq!(
            status_at(l, 5),
            Status::Revoked,
            "revoked wins over everything"
        );
        assert_eq!(status_at(l, 50), Status::Revoked);
    }

    #[test]
    fn expired_wins_over_not_yet_valid() {
        assert_eq!(
            status_at(life(None, Some(100), Some(50)), 60),
            Status::Expired
        );
    }

    #[test]
    fn soon_at_is_the_first_second_of_expiring_soon() {
        for l in [
            life(Some(0), None, Some(3600)),
            life(Some(0), None, Some(365 * DAY)),
            life(None, None, Some(100 * DAY)),
            life(Some(10), None, Some(20)),
        ] {
            let at = soon_at(l).expect("an expiring token has a soon instant");
            assert_eq!(status_at(l, at), Status::ExpiringSoon, "{l:?} at {at}");
            assert_eq!(status_at(l, at - 1), Status::Valid, "{l:?} at {}", at - 1);
        }
        assert_eq!(soon_at(life(Some(0), None, None)), None);
    }

    #[test]
    fn degenerate_lifetimes_do_not_panic() {
        assert_eq!(
            status_at(life(Some(i64::MAX), None, Some(i64::MIN)), 0),
            Status::Expired
        );
        assert_eq!(
            status_at(life(Some(i64::MIN), None, Some(i64::MAX)), 0),
            Status::Valid
        );
        assert_eq!(status_at(life(Some(10), None, Some(10)), 9), Status::Valid);
    }
}
