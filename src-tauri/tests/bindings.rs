//! The UI's IPC types in `ui/src/lib/bindings` are generated from Rust by ts-rs and committed.
//! This test regenerates them into a scratch folder and fails when the committed files drift.
//! Run with `UPDATE_BINDINGS=1` to rewrite them (`make bindings`).

use std::{collections::BTreeMap, fs, path::Path};

use tokenkeeper_core::{model::*, providers::ProviderInfo};
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
        ProviderInfo,
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
