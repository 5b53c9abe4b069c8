//! The two threads that large documents are parsed and checked on. A pool that lives across
//! calls: a thread spawned as another ends often waits milliseconds behind its caller on a
//! two-core machine, and a pool's idle thread picks up work within microseconds.

use std::sync::OnceLock;

use rayon_core::{ThreadPool, ThreadPoolBuilder};

/// Documents at least this large are parsed and checked on two threads; below it, handing
/// work to another thread costs more than it saves.
const WORTH_TWO_FROM_BYTES: usize = 256 * 1024;

/// Whether a document of `len` bytes is worth two threads.
pub fn worth_two(len: usize) -> bool {
    len >= WORTH_TWO_FROM_BYTES
}

fn pool() -> Option<&'static ThreadPool> {
    static POOL: OnceLock<Option<ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(2));
        ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("asl-sim-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Run `work` on the pool, so that every `join` inside it hands work over within the pool
/// (once per call rather than once per `join`). Without a pool, runs it here.
pub fn install<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match pool() {
        Some(pool) if rayon_core::current_thread_index().is_none() => pool.install(work),
        _ => work(),
    }
}

/// Run `a` here and `b` beside it if a thread of the pool is free, else `b` after `a` (so `a`
/// must never wait for `b` to start). Inside a rayon pool (ours or a caller's), in that pool.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if rayon_core::current_thread_index().is_some() {
        return rayon_core::join(a, b);
    }
    match pool() {
        Some(pool) => pool.install(|| rayon_core::join(a, b)),
        // No threads to be had: one after the other.
        None => {
            let a = a();
            (a, b())
        }
    }
}
