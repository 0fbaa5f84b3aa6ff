//! Embeds every provider file in `providers/` (but `schema.json`, which describes them) so
//! adding a provider is adding a JSON file.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets this")).join("providers");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("providers/ exists")
        .map(|e| e.expect("readable providers/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        // The schema documents the files; it is not a provider.
        .filter(|p| p.file_name().is_some_and(|n| n != "schema.json"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        out.push_str(&format!(
            "    include_str!({:?}),\n",
            f.display().to_string()
        ));
    }
    out.push(']');
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets this")).join("catalog.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
