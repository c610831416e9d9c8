//! Two-way fork-join for the few steps that dominate large pools (sorting and hashing).
//! Core does no I/O, but a scoped helper thread is pure computation; on a single core it
//! costs little, and if the OS refuses a thread the work runs on the caller's thread.

use std::sync::{Mutex, PoisonError};

/// Pools smaller than this are handled on the caller's thread alone.
pub(crate) const PARALLEL_MIN: usize = 1 << 17;

/// Runs `a` on this thread and `b` on a scoped helper thread; returns both results.
pub(crate) fn join<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    let slot = Mutex::new(Some(b));
    let take = || slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    let (ra, rb) = std::thread::scope(|s| {
        let helper = std::thread::Builder::new().spawn_scoped(s, || take().map(|f| f())).ok();
        let ra = a();
        let rb = helper.and_then(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (ra, rb)
    });
    match rb {
        Some(rb) => (ra, rb),
        // The helper could not be started, so `b` is still in its slot.
        None => (ra, take().map(|f| f()).expect("`b` runs exactly once")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_returns_both() {
        let v: Vec<u64> = (0..1000).collect();
        let (a, b) = super::join(|| v[..500].iter().sum::<u64>(), || v[500..].iter().sum::<u64>());
        assert_eq!(a + b, 499_500);
    }
}
