//! Reminders from the CLI: lead times and rotation on add and edit, `due` and its exit codes,
//! and `due --notify` sending each reminder once (and saying so when no server is there).

use crate::{
    Tk, assert_error, assert_success, bus::PrivateBus, json, keyring_available, random_alnum,
};

fn pat() -> String {
    format!("ghp_{}", random_alnum(36))
}

fn add(tk: &Tk, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["add", "--json"];
    all.extend_from_slice(args);
    let out = tk.run_stdin(&all, &pat());
    assert_success(&out, "add");
    json(&out)
}

#[test]
fn add_and_edit_set_reminders_rotation_and_metadata() {
    if !keyring_available("add_and_edit_set_reminders_rotation_and_metadata") {
        return;
    }
    let tk = Tk::fresh();
    let t = add(
        &tk,
        &[
            "--name",
            "ci",
            "--expires",
            "30d",
            "--remind",
            "3d,1h,0",
            "--rotate-every",
            "20d",
        ],
    );
    assert_eq!(t["remind"], serde_json::json!([259_200, 3_600, 0]));
    assert_eq!(t["rotate_every_secs"], 20 * 86_400);
    let out = tk.run(&[
        "edit",
        "github/ci",
        "--name",
        "deploy",
        "--remind",
        "none",
        "--notes",
        "n",
        "--tag",
        "prod",
        "--json",
    ]);
    assert_success(&out, "edit");
    let e = json(&out);
    assert_eq!(
        (e["name"].as_str(), e["notes"].as_str()),
        (Some("deploy"), Some("n"))
    );
    assert_eq!(
        e["remind"],
        serde_json::json!([]),
        "`--remind none` turns reminders off"
    );
    assert_eq!(e["tags"], serde_json::json!(["prod"]));
    let out = tk.run(&[
        "edit",
        "deploy",
        "--remind",
        "default",
        "--rotate-every",
        "none",
        "--expires",
        "never",
        "--json",
    ]);
    assert_success(&out, "edit back to defaults");
    let e = json(&out);
    assert!(
        e["remind"].is_null() && e["rotate_every_secs"].is_null() && e["expires_at"].is_null(),
        "{e}"
    );
    let err = assert_error(
        &tk.run(&["edit", "deploy", "--remind", "3 days"]),
        "edit --remind",
    );
    assert!(err.contains("is not a duration"), "{err}");
    let err = assert_error(
        &tk.run(&["edit", "nope", "--notes", "x"]),
        "edit of a missing token",
    );
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn due_lists_what_needs_attention_and_exits_3() {
    if !keyring_available("due_lists_what_needs_attention_and_exits_3") {
        return;
    }
    let tk = Tk::fresh();
    let out = tk.run(&["due"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing stored, nothing due: {}",
        out.stderr
    );
    add(&tk, &["--name", "soon", "--expires", "5d"]);
    add(&tk, &["--name", "later", "--expires", "60d"]);
    add(&tk, &["--name", "never"]);
    let out = tk.run(&["due", "--within", "7d"]);
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    let text = out.stdout_text();
    assert!(
        text.contains("github/soon  in 4d 23h") || text.contains("github/soon  in 5d 0h"),
        "{text}"
    );
    assert!(!text.contains("later") && !text.contains("never"), "{text}");
    let out = tk.run(&["due", "--within", "1d", "--json"]);
    assert_eq!(out.status.code(), Some(0), "nothing within a day");
    assert_eq!(json(&out), serde_json::json!([]));
    // The default window is the longest lead time (14 days).
    let out = tk.run(&["due", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let items = json(&out);
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    assert_eq!(items[0]["reason"], "expiry");
    assert_eq!(items[0]["token"]["name"], "soon");
}

#[test]
fn due_notify_says_when_no_notification_server_is_there() {
    // A bus where nothing answers org.freedesktop.Notifications and nothing can be activated.
    let bus = PrivateBus::without_secret_service();
    let tk = bus.tk();
    let err = assert_error(
        &tk.run(&["due", "--notify"]),
        "due --notify without a server",
    );
    assert!(
        err.contains("No desktop notification server answered"),
        "{err}"
    );
    assert!(
        err.contains("dunst"),
        "the error says what to install: {err}"
    );
}

#[test]
fn due_notify_sends_each_reminder_once() {
    if !keyring_available("due_notify_sends_each_reminder_once") {
        return;
    }
    let tk = Tk::fresh();
    // `--remind 7d` on a 7-day token: that lead falls due the moment it is added.
    add(
        &tk,
        &["--name", "weekly", "--expires", "7d", "--remind", "7d"],
    );
    let first = tk.run(&["due", "--notify"]);
    assert_eq!(first.status.code(), Some(3), "{}", first.stderr);
    assert!(
        first
            .stderr
            .contains("Notified: GitHub / weekly expires in 7 days"),
        "{}",
        first.stderr
    );
    let again = tk.run(&["due", "--notify"]);
    assert_eq!(again.status.code(), Some(3));
    assert!(
        !again.stderr.contains("Notified"),
        "sent twice: {}",
        again.stderr
    );
    let out = tk.run(&["show", "weekly", "--json"]);
    let events = json(&out)["events"].clone();
    let notified = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "notified")
        .count();
    assert_eq!(notified, 1, "{events}");
}
