//! What a keyring failure means for the user, decided from the error types `keyring-core`,
//! `secret-service` and `zbus` expose. Where only a D-Bus error name or a message tells two
//! failures apart, the match is one row of [`BY_NAME`] or [`BY_MESSAGE`], each with a test.

use crate::error::Error;

/// The user-facing kinds a keyring failure falls into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    NoBus,
    NoService,
    NoCollection,
    Locked,
    Failure,
}

impl Kind {
    fn error(self, detail: String) -> Error {
        match self {
            Kind::NoBus => Error::KeyringNoBus { detail },
            Kind::NoService => Error::KeyringNoService { detail },
            Kind::NoCollection => Error::KeyringNoCollection { detail },
            Kind::Locked => Error::KeyringLocked { detail },
            Kind::Failure => Error::KeyringFailure { detail },
        }
    }

    /// A dead or missing connection: drop it so the next call reconnects.
    pub(crate) fn reconnect(self) -> bool {
        matches!(self, Kind::NoBus | Kind::NoService)
    }
}

/// D-Bus error names (from the bus or the Secret Service provider).
const BY_NAME: &[(&str, Kind)] = &[
    ("org.freedesktop.DBus.Error.ServiceUnknown", Kind::NoService),
    ("org.freedesktop.DBus.Error.NameHasNoOwner", Kind::NoService),
    ("org.freedesktop.DBus.Error.Disconnected", Kind::NoService),
    ("org.freedesktop.DBus.Error.NoReply", Kind::NoService),
    ("org.freedesktop.Secret.Error.IsLocked", Kind::Locked),
    ("org.freedesktop.Secret.Error.NoSession", Kind::NoService),
    (
        "org.freedesktop.Secret.Error.NoSuchObject",
        Kind::NoCollection,
    ),
    (
        "org.freedesktop.DBus.Error.UnknownObject",
        Kind::NoCollection,
    ),
];

/// Messages providers send under a generic error name (`org.freedesktop.DBus.Error.Failed`),
/// and what other platforms' stores say; lower case, matched as substrings.
const BY_MESSAGE: &[(&str, Kind)] = &[
    // gnome-keyring, `set` on a locked collection with no display (measured, LINUX.md).
    ("cannot create an item in a locked collection", Kind::Locked),
    ("collection is locked", Kind::Locked),
    // macOS Keychain: errSecInteractionNotAllowed while the keychain is locked.
    ("user interaction is not allowed", Kind::Locked),
    (
        "the specified keychain could not be found",
        Kind::NoCollection,
    ),
];

pub(crate) fn by_name(name: &str) -> Option<Kind> {
    BY_NAME.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
}

pub(crate) fn by_message(message: &str) -> Option<Kind> {
    let lower = message.to_lowercase();
    BY_MESSAGE
        .iter()
        .find(|(m, _)| lower.contains(m))
        .map(|(_, k)| *k)
}

/// A failure from keyring-core, as the user's kind of problem.
pub(crate) fn kind(e: &keyring_core::Error) -> Kind {
    use keyring_core::Error as K;
    match e {
        K::NoDefaultStore => Kind::NoService,
        K::NoStorageAccess(source) | K::PlatformFailure(source) => {
            platform_kind(source.as_ref()).unwrap_or(match e {
                // keyring-core's own word for "could not get in": usually a locked store.
                K::NoStorageAccess(_) => Kind::Locked,
                _ => by_message(&source.to_string()).unwrap_or(Kind::Failure),
            })
        }
        _ => Kind::Failure,
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn platform_kind(source: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Kind> {
    source
        .downcast_ref::<secret_service::Error>()
        .map(secret_service_kind)
}

#[cfg(not(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
)))]
fn platform_kind(source: &(dyn std::error::Error + Send + Sync + 'static)) -> Option<Kind> {
    by_message(&source.to_string())
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
pub(crate) fn secret_service_kind(e: &secret_service::Error) -> Kind {
    use secret_service::Error as S;
    match e {
        S::Locked | S::Prompt | S::PromptDisconnected => Kind::Locked,
        // "result not returned from SS API": no default collection to answer (measured).
        S::NoResult => Kind::NoCollection,
        // No bus address, or its socket is missing (secret-service's own mapping).
        S::Unavailable => Kind::NoBus,
        S::Zbus(z) => zbus_kind(z),
        S::ZbusFdo(f) => fdo_kind(f),
        _ => Kind::Failure,
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn zbus_kind(e: &zbus::Error) -> Kind {
    match e {
        zbus::Error::Address(_) => Kind::NoBus,
        // No socket at the bus address, or nobody listening on it.
        zbus::Error::InputOutput(io) | zbus::Error::Connection(io, _) => match io.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => Kind::NoBus,
            _ => Kind::NoService,
        },
        zbus::Error::MethodError(name, message, _) => by_name(name.as_str())
            .or_else(|| message.as_deref().and_then(by_message))
            .unwrap_or(Kind::Failure),
        zbus::Error::FDO(f) => fdo_kind(f),
        _ => Kind::Failure,
    }
}

#[cfg(all(
    unix,
    not(any(target_os = "macos", target_os = "ios", target_os = "android"))
))]
fn fdo_kind(e: &zbus::fdo::Error) -> Kind {
    use zbus::fdo::Error as F;
    match e {
        F::ServiceUnknown(_) | F::NameHasNoOwner(_) | F::Disconnected(_) | F::NoReply(_) => {
            Kind::NoService
        }
        F::UnknownObject(_) => Kind::NoCollection,
        F::ZBus(z) => zbus_kind(z),
        other => by_message(&other.to_string()).unwrap_or(Kind::Failure),
    }
}

/// The full text of an error and its sources, for the detail shown after the advice.
fn detail(e: &keyring_core::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let next = s.to_string();
        if !text.contains(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        source = s.source();
    }
    text
}

/// Maps a keyring-core failure to the vault's error.
pub(crate) fn to_error(e: &keyring_core::Error) -> Error {
    kind(e).error(detail(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_d_bus_error_has_its_kind() {
        for (name, want) in BY_NAME {
            assert_eq!(by_name(name), Some(*want), "{name}");
        }
        assert_eq!(by_name("org.freedesktop.DBus.Error.Failed"), None);
    }

    #[test]
    fn each_message_row_matches_what_the_store_says() {
        let said = [
            ("Cannot create an item in a locked collection", Kind::Locked),
            ("The collection is locked.", Kind::Locked),
            ("User interaction is not allowed. (-25308)", Kind::Locked),
            (
                "The specified keychain could not be found. (-25294)",
                Kind::NoCollection,
            ),
        ];
        assert_eq!(said.len(), BY_MESSAGE.len(), "a table row has no test");
        for (message, want) in said {
            assert_eq!(by_message(message), Some(want), "{message}");
        }
        assert_eq!(by_message("something else entirely"), None);
    }

    #[test]
    fn keyring_core_variants_without_a_source() {
        assert_eq!(kind(&keyring_core::Error::NoDefaultStore), Kind::NoService);
        assert_eq!(
            kind(&keyring_core::Error::TooLong("username".into(), 10)),
            Kind::Failure
        );
    }

    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    #[test]
    fn secret_service_errors_are_classified_by_type() {
        use keyring_core::Error as K;
        use secret_service::Error as S;
        let wrap = |s: S| K::NoStorageAccess(Box::new(s));
        let fail = |s: S| K::PlatformFailure(Box::new(s));
        assert_eq!(kind(&wrap(S::Locked)), Kind::Locked);
        assert_eq!(kind(&wrap(S::Prompt)), Kind::Locked);
        assert_eq!(kind(&wrap(S::NoResult)), Kind::NoCollection);
        assert_eq!(kind(&fail(S::Unavailable)), Kind::NoBus);
        assert_eq!(
            kind(&fail(S::ZbusFdo(zbus::fdo::Error::ServiceUnknown(
                "The name org.freedesktop.secrets was not provided".into()
            )))),
            Kind::NoService
        );
        assert_eq!(
            kind(&fail(S::Zbus(zbus::Error::InputOutput(
                std::sync::Arc::new(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
            )))),
            Kind::NoBus
        );
        assert_eq!(kind(&fail(S::Crypto("bad"))), Kind::Failure);
        let e = to_error(&wrap(S::Locked));
        assert!(matches!(e, Error::KeyringLocked { .. }), "{e:?}");
    }
}
