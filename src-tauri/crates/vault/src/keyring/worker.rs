//! One thread that makes every keyring call of an [`super::OsKeyring`], in order. A caller
//! waits a bounded time for its answer; a call that never returns (an unlock prompt nobody
//! answers) costs this one thread, and while it is stuck later calls fail at once with the
//! timeout instead of queueing or starting threads of their own.

use std::{
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use crate::error::{Error, Result};

type Job<S> = Box<dyn FnOnce(&mut S) + Send>;

struct Queued<S> {
    job: Job<S>,
    /// The caller has given up after this; a job still queued then is dropped unrun, so a
    /// write the caller was told failed cannot land minutes later.
    deadline: Instant,
}

/// When the running job started and how long its caller waits for it.
type Busy = Arc<Mutex<Option<(Instant, Duration)>>>;

pub struct Worker<S> {
    queue: Mutex<mpsc::Sender<Queued<S>>>,
    busy: Busy,
    name: String,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl<S: Default + 'static> Worker<S> {
    pub fn start(name: String) -> Result<Self> {
        let (tx, rx) = mpsc::channel::<Queued<S>>();
        let busy: Busy = Arc::default();
        let seen = busy.clone();
        std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || {
                let mut state = S::default();
                for queued in rx {
                    let started = Instant::now();
                    if started > queued.deadline {
                        continue;
                    }
                    *lock(&seen) = Some((started, queued.deadline - started));
                    (queued.job)(&mut state);
                    *lock(&seen) = None;
                }
            })
            .map_err(|e| Error::KeyringFailure {
                detail: format!("cannot start the keyring thread: {e}"),
            })?;
        Ok(Worker {
            queue: Mutex::new(tx),
            busy,
            name,
        })
    }

    /// The worker thread's name, as the OS lists it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `f` on the worker and waits at most `timeout` for its answer.
    pub fn call<T: Send + 'static>(
        &self,
        timeout: Duration,
        f: impl FnOnce(&mut S) -> T + Send + 'static,
    ) -> Result<T> {
        let timed_out = || Error::KeyringTimeout {
            secs: timeout.as_secs().max(1),
        };
        if let Some((started, allowed)) = *lock(&self.busy)
            && started.elapsed() > allowed
        {
            // The running call's own caller has already given up on it: it is stuck.
            return Err(timed_out());
        }
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job<S> = Box::new(move |state| {
            // The caller may have timed out and gone; nothing to do then.
            let _ = tx.send(f(state));
        });
        lock(&self.queue)
            .send(Queued {
                job,
                deadline: Instant::now() + timeout,
            })
            .map_err(|_| Error::KeyringFailure {
                detail: "the keyring thread has stopped".into(),
            })?;
        rx.recv_timeout(timeout).map_err(|_| timed_out())
    }
}
