//! A D-Bus session daemon of a test's own (with gnome-keyring, or with no Secret Service at
//! all), so broken and stuck keyrings can be staged without touching the shared session.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::{Tk, random_alnum, support};

pub(crate) fn pat() -> String {
    format!("ghp_{}", random_alnum(36))
}
/// A D-Bus session daemon of the test's own, with its own HOME and runtime folder; the
/// daemons it started are killed when it is dropped.
pub(crate) struct PrivateBus {
    dir: tempfile::TempDir,
    children: Vec<Child>,
    /// The X display the bus and its services see; `None` is a headless session.
    display: Option<String>,
}

impl PrivateBus {
    pub(crate) fn address(&self) -> String {
        format!("unix:path={}", self.socket().display())
    }

    pub(crate) fn socket(&self) -> PathBuf {
        self.dir.path().join("bus")
    }

    pub(crate) fn env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.dir.path().join("home"))
            .env("XDG_RUNTIME_DIR", self.dir.path().join("run"))
            .env("DBUS_SESSION_BUS_ADDRESS", self.address())
            .env_remove("WAYLAND_DISPLAY");
        // Headless, a locked keyring answers "dismissed"; with a display it shows an unlock
        // prompt and waits.
        match &self.display {
            Some(d) => cmd.env("DISPLAY", d),
            None => cmd.env_remove("DISPLAY"),
        };
    }

    pub(crate) fn start(config: Option<&str>) -> PrivateBus {
        PrivateBus::start_on(config, None)
    }

    pub(crate) fn start_on(config: Option<&str>, display: Option<String>) -> PrivateBus {
        let dir = crate::support::private_tempdir();
        for sub in ["home", "run"] {
            std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        }
        let mut bus = PrivateBus {
            dir,
            children: Vec::new(),
            display,
        };
        let mut cmd = Command::new("dbus-daemon");
        match config {
            Some(text) => {
                let path = bus.dir.path().join("bus.conf");
                let text = text.replace("@SOCKET@", &bus.socket().display().to_string());
                std::fs::write(&path, text).expect("write bus config");
                cmd.arg(format!("--config-file={}", path.display()));
            }
            None => {
                cmd.args(["--session", &format!("--address={}", bus.address())]);
            }
        }
        cmd.arg("--nofork")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        bus.env(&mut cmd);
        bus.children
            .push(cmd.spawn().expect("start dbus-daemon (package dbus)"));
        let socket = bus.socket();
        wait_for("the private D-Bus socket", || socket.exists());
        bus
    }

    /// A bus on which nothing provides org.freedesktop.secrets and nothing can be activated
    /// (a plain `dbus-run-session` would activate gnome-keyring).
    pub(crate) fn without_secret_service() -> PrivateBus {
        PrivateBus::start(Some(include_str!(
            "../../../../../tests/lib/no-secret-service.conf.in"
        )))
    }

    /// A bus with gnome-keyring running and its login collection unlocked.
    pub(crate) fn with_gnome_keyring_on(display: Option<String>) -> PrivateBus {
        let mut bus = PrivateBus::start_on(None, display);
        let mut cmd = Command::new("gnome-keyring-daemon");
        cmd.args(["--foreground", "--unlock", "--components=secrets"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        bus.env(&mut cmd);
        let mut keyring = cmd
            .spawn()
            .expect("start gnome-keyring-daemon (package gnome-keyring)");
        {
            use std::io::Write;
            let mut stdin = keyring.stdin.take().expect("piped stdin");
            stdin
                .write_all(b"test-password")
                .expect("send the unlock password");
        }
        bus.children.push(keyring);
        wait_for("gnome-keyring on the private bus", || {
            let mut q = Command::new("dbus-send");
            q.args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ]);
            bus.env(&mut q);
            let out = support::run_bounded(&mut q, None, Duration::from_secs(5));
            out.stdout_text().contains("boolean true")
        });
        bus
    }

    pub(crate) fn lock_login_collection(&self) {
        let mut cmd = Command::new("dbus-send");
        cmd.args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ]);
        self.env(&mut cmd);
        let out = support::run_bounded(&mut cmd, None, Duration::from_secs(10));
        assert!(
            out.status.success(),
            "could not lock the test keyring: {}",
            out.stderr
        );
    }

    /// A user of this bus.
    pub(crate) fn tk(&self) -> Tk {
        let tk = Tk::fresh()
            .env("DBUS_SESSION_BUS_ADDRESS", self.address())
            .env_remove("WAYLAND_DISPLAY");
        match &self.display {
            Some(d) => tk.env("DISPLAY", d.clone()),
            None => tk.env_remove("DISPLAY"),
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(crate) fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "{what} was not ready within 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A private gnome-keyring holding one token, `before-lock`, then locked; and its user.
pub(crate) fn locked_after_one_add(display: Option<String>) -> (PrivateBus, Tk) {
    let bus = PrivateBus::with_gnome_keyring_on(display);
    let user = bus.tk();
    user.add("before-lock", &pat());
    bus.lock_login_collection();
    (bus, user)
}
