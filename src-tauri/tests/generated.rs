//! Files the UI uses that are generated from Rust and committed: the IPC types in
//! `ui/src/lib/bindings` (ts-rs), and the fake host's data in `ui/src/lib/host/fixtures` (the
//! core's catalog, a demo vault and inspections, see `fixtures.rs`). These tests regenerate
//! them and fail when the committed files drift. `UPDATE_BINDINGS=1` rewrites them
//! (`make bindings`).

mod fixtures;

use std::{collections::BTreeMap, fs, path::Path};

use tokenkeeper_app::{
    BackupPick, ExportOutcome, ExportReport, FoundToken, ImportAction, ImportOutcome,
    RestoreAction, RestoreReport, RestoredToken, ScanReport, ScannedFile,
};
use tokenkeeper_core::{
    check::{CheckReport, CheckState, Rotation},
    model::*,
    oauth::{
        DeviceCode, Endpoints, Flow, GrantInfo, GrantState, LoginFinished, LoginStarted, Profile,
        ProfileInput,
    },
    providers::{LinkKind, LinkRef, ProviderInfo},
    shape::ShapeCheck,
};
use ts_rs::TS;

fn generate(dir: &Path) {
    macro_rules! export {
        ($($t:ty),* $(,)?) => {
            $( <$t>::export_all_to(dir).expect(concat!("export ", stringify!($t))); )*
        };
    }
    export!(
        Format,
        TokenKind,
        Status,
        SignatureState,
        ExpirySource,
        Inspection,
        TokenMeta,
        NewTokenMeta,
        TokenPatch,
        EventKind,
        TokenEvent,
        TokenDetail,
        ErrorInfo,
        ErrorCode,
        KeyringHealth,
        Settings,
        CopyReceipt,
        ClipboardCleared,
        ProviderInfo,
        ReminderInfo,
        NotificationHealth,
        OpenToken,
        LinkKind,
        LinkRef,
        CheckReport,
        CheckState,
        Rotation,
        ShapeCheck,
        Endpoints,
        Flow,
        GrantInfo,
        GrantState,
        Profile,
        ProfileInput,
        DeviceCode,
        LoginStarted,
        LoginFinished,
        ExportOutcome,
        ExportReport,
        BackupPick,
        RestoreReport,
        RestoredToken,
        RestoreAction,
        ScanReport,
        ScannedFile,
        FoundToken,
        ImportAction,
        ImportOutcome,
    );
}

fn read_all(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "ts"))
                .map(|e| {
                    let text = fs::read_to_string(e.path()).expect("binding readable");
                    (e.file_name().to_string_lossy().into_owned(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn committed_ts_bindings_match_the_rust_types() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        fs::create_dir_all(&committed).expect("bindings folder");
        for old in read_all(&committed).keys() {
            fs::remove_file(committed.join(old)).expect("remove stale binding");
        }
        generate(&committed);
        return;
    }
    let scratch = tempfile_dir();
    generate(&scratch);
    let fresh = read_all(&scratch);
    let current = read_all(&committed);
    let _ = fs::remove_dir_all(&scratch);
    assert!(!fresh.is_empty(), "ts-rs generated nothing");
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&current),
        names(&fresh),
        "the UI's binding files differ from the Rust types: run `make bindings` and commit"
    );
    for (name, text) in &fresh {
        assert_eq!(
            current.get(name),
            Some(text),
            "ui/src/lib/bindings/{name} is stale: run `make bindings` and commit"
        );
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tk-bindings-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn committed_fake_host_fixtures_match_the_core() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/host/fixtures");
    let fresh = fixtures::generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        fs::create_dir_all(&committed).expect("fixtures folder");
        for (name, text) in &fresh {
            fs::write(committed.join(name), text).expect("write fixture");
        }
        return;
    }
    for (name, text) in &fresh {
        let current = fs::read_to_string(committed.join(name)).unwrap_or_default();
        assert!(
            current == *text,
            "ui/src/lib/host/fixtures/{name} differs from what the core computes: run `make \
             bindings` and commit (the fake host would otherwise show what the app does not)"
        );
    }
}
