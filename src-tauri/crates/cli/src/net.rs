//! The CLI's bridge to the async HTTP crate: one current-thread runtime per call, since a
//! command makes a handful of requests at most.

use std::future::Future;

pub fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime builds")
        .block_on(f)
}
