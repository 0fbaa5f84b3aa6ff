use std::{sync::mpsc, time::Duration};

/// The identifier the notifications are filed under (macOS bundle, Windows AppUserModelID) is
/// the one the bundles are built with.
#[test]
fn notifications_carry_the_bundle_identifier() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json");
    assert_eq!(
        conf["identifier"].as_str(),
        Some(tokenkeeper_vault::notify::APP_ID)
    );
}

/// logind's `PrepareForSleep(false)` (the resume) wakes the watcher, once; going to sleep does
/// not, and neither does the same signal from a sender that is not logind. The session bus of
/// the test run stands in for the system bus: the listener is the app's own, the signals are
/// sent by a connection that owns logind's name there.
#[cfg(target_os = "linux")]
#[test]
fn a_resume_from_sleep_wakes_the_watcher() {
    const PATH: &str = "/org/freedesktop/login1";
    const IFACE: &str = "org.freedesktop.login1.Manager";
    let session = || {
        zbus::blocking::Connection::session()
            .expect("a D-Bus session bus (make test-rust runs inside one)")
    };
    let listener = session();
    let messages = super::sleep_signals(&listener).expect("subscribe to PrepareForSleep");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || super::on_resume(messages, move || tx.send(()).unwrap()));

    let logind = session();
    logind
        .request_name("org.freedesktop.login1")
        .expect("own logind's name on the session bus");
    let signal = |conn: &zbus::blocking::Connection, going_to_sleep: bool| {
        conn.emit_signal(
            None::<zbus::names::BusName<'_>>,
            PATH,
            IFACE,
            "PrepareForSleep",
            &going_to_sleep,
        )
        .expect("emit PrepareForSleep");
    };
    signal(&session(), false);
    signal(&logind, true);
    signal(&logind, false);

    rx.recv_timeout(Duration::from_secs(10))
        .expect("the resume woke the watcher");
    // Had the impostor's signal or the way down counted, it would be here by now.
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "only the resume wakes the watcher"
    );
}
