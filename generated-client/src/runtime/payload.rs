//! A call's body and its hash, prepared once per call and shared by every attempt. Encoding a
//! large image and hashing it take milliseconds of CPU; done on tokio's blocking threads, they
//! leave the async workers free to fire timers, so other calls' deadlines hold under load.
//! The call's deadline races this work (see `Client::send`).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use tokio::sync::Semaphore;

use super::error::{SdkError, TransportError};
use super::image::JsonBody;
use super::signing::payload_hash;

/// Bodies longer than this are finished and hashed off the async workers. Below it the work
/// takes well under a millisecond, less than handing it to another thread costs.
pub(crate) const OFF_WORKER_BODY: usize = 256 * 1024;

/// The bytes every attempt sends, and the hex SHA-256 that every attempt's signature covers.
pub(crate) struct Payload {
    pub(crate) body: Bytes,
    /// `None` for unsigned calls, which need no hash.
    pub(crate) hash: Option<[u8; 64]>,
}

impl Payload {
    /// Finishes and hashes `body` on the calling thread.
    pub(crate) fn now(body: JsonBody, hash: bool) -> Self {
        let body = body.into_bytes();
        let hash = hash.then(|| payload_hash(&body));
        Payload { body, hash }
    }

    /// [`Payload::now`], on a blocking thread when the body is large (and a tokio runtime runs
    /// this). At most one such job per CPU runs at a time: more would only take the CPU from
    /// the async workers (whose timers end late calls) and hold more bodies in memory. A call
    /// whose deadline passes while it waits for its turn has done no work and allocated no
    /// body. Dropping the future abandons the result, not the work, which ends by itself.
    pub(crate) async fn prepare<E>(body: JsonBody, hash: bool) -> Result<Self, SdkError<E>> {
        if body.len() <= OFF_WORKER_BODY {
            return Ok(Payload::now(body, hash));
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Ok(Payload::now(body, hash));
        };
        let turn = match Arc::clone(preparers()).acquire_owned().await {
            Ok(turn) => turn,
            // Never closed; without a turn the work is still bounded by the blocking pool.
            Err(_closed) => return Ok(Payload::now(body, hash)),
        };
        let work = runtime.spawn_blocking(move || {
            let payload = Payload::now(body, hash);
            drop(turn);
            payload
        });
        match work.await {
            Ok(payload) => Ok(payload),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_cancelled) => Err(SdkError::Transport(TransportError::not_sent(
                "the tokio runtime shut down while the request body was being encoded",
            ))),
        }
    }
}

/// Turns to prepare a large body, shared by every client in the process: one per CPU.
fn preparers() -> &'static Arc<Semaphore> {
    static PREPARERS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    PREPARERS.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Arc::new(Semaphore::new(cpus))
    })
}
