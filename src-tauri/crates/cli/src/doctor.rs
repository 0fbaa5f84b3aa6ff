//! `tokenkeeper doctor` and `tokenkeeper recover`: what the keyring holds for this vault, and
//! rebuilding tokens from it. Nothing here deletes an item on suspicion.

use anyhow::{Result, bail};
use tokenkeeper_core::clock::rfc3339;
use tokenkeeper_vault::{ReconcileReport, Vault, keyring::StoredItem};

use crate::output;

fn item_line(i: &StoredItem) -> String {
    let when = i
        .created
        .and_then(rfc3339)
        .unwrap_or_else(|| "date unknown".into());
    let label = if i.label.is_empty() {
        &i.account
    } else {
        &i.label
    };
    format!("          {label} (stored {when})")
}

fn item_json(i: &StoredItem) -> serde_json::Value {
    serde_json::json!({
        "label": i.label,
        "account": i.account,
        "token": i.name,
        "created": i.created.and_then(rfc3339),
    })
}

pub fn doctor(vault: &Vault, json: bool, now: i64) -> Result<()> {
    if let Some(e) = vault.health().error {
        bail!("{}", e.message);
    }
    let report = vault.reconcile(now)?;
    let service = vault.secret_store().service().to_owned();
    if json {
        let ReconcileReport {
            orphans_removed,
            flagged_missing,
            recovered,
            adopted,
            unexplained,
            other_vaults,
            untagged,
            not_this_vault,
        } = &report;
        return output::json(&serde_json::json!({
            "keyring": { "ok": not_this_vault.is_none(), "service": service },
            "database": vault.db_path(),
            "vault": vault.id(),
            "orphans_removed": orphans_removed,
            "flagged_missing": flagged_missing,
            "recovered": recovered,
            "adopted": adopted,
            "unexplained": unexplained.iter().map(item_json).collect::<Vec<_>>(),
            "other_vaults": other_vaults,
            "untagged": untagged,
            "not_this_vault": not_this_vault,
        }));
    }
    let mut lines = vec![
        format!("database  {}", vault.db_path().display()),
        format!("vault     {}", vault.id()),
    ];
    if let Some(expected) = report.not_this_vault {
        lines.push(format!(
            "keyring   service `{service}` answers but holds none of this vault's {expected} \
             secrets: a different or freshly reset keyring? Nothing was changed or flagged; \
             unlock or restore the keyring that holds them"
        ));
    } else {
        lines.push(format!("keyring   service `{service}`: ok"));
        lines.push(format!(
            "repaired  {} interrupted writes cleaned up, {} tokens flagged as missing their \
             secret, {} found again, {} older items adopted",
            report.orphans_removed, report.flagged_missing, report.recovered, report.adopted
        ));
    }
    if !report.unexplained.is_empty() {
        lines.push(format!(
            "kept      {} keyring items of this vault that no token names (run `tokenkeeper \
             recover` to make tokens of them again):",
            report.unexplained.len()
        ));
        lines.extend(report.unexplained.iter().map(item_line));
    }
    for (id, count) in &report.other_vaults {
        lines.push(format!(
            "other     vault {id}: {count} items on this service, left alone (if its data \
             folder is gone: `tokenkeeper recover --from-vault {id}`)"
        ));
    }
    if report.untagged > 0 {
        lines.push(format!(
            "other     {} items from before vault ids that no token here names, left alone",
            report.untagged
        ));
    }
    output::lines(&lines)
}

pub fn recover(vault: &Vault, from_vault: Option<&str>, json: bool, now: i64) -> Result<()> {
    if let Some(e) = vault.health().error {
        bail!("{}", e.message);
    }
    let report = vault.rebuild(from_vault, now)?;
    if json {
        return output::json(&serde_json::json!({
            "rebuilt": report.rebuilt,
            "skipped": report
                .skipped
                .iter()
                .map(|(item, why)| serde_json::json!({ "item": item, "reason": why }))
                .collect::<Vec<_>>(),
        }));
    }
    let mut lines = Vec::new();
    if report.rebuilt.is_empty() {
        lines.push("Nothing to recover: every keyring item of this vault has its token.".into());
    }
    lines.extend(report.rebuilt.iter().map(|t| format!("recovered {t}")));
    lines.extend(
        report
            .skipped
            .iter()
            .map(|(item, why)| format!("skipped   {item}: {why}")),
    );
    output::lines(&lines)
}
