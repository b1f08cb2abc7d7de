//! The allocator of the `ketenzicht` binary, how long it keeps freed memory, and in which pages
//! the process takes memory.
//!
//! mimalloc hands memory that has been free for a while back to the system ("purges" it), by
//! default after one second. Ingest frees a batch of messages at a time (128 MB) and reads the
//! next one over a second or more, so the memory it had just freed was purged and then faulted
//! in, zeroed, again: some 200,000 page faults and 1.3–2.6 s of CPU time (a tenth of the
//! whole) for a national January–February (2026-12-05, `docs/performance.md`). Freed memory is
//! therefore kept for [`KEEP_FREED`] before it is purged: peak memory is not higher, since ingest
//! reuses what it freed, and a server that goes idle still gives its memory back.
//!
//! The process also takes its memory in pages of 4 KiB, not as transparent huge pages of 2 MiB
//! ([`no_transparent_huge_pages`]). mimalloc asks for huge pages (`madvise(MADV_HUGEPAGE)`) for
//! its arenas; on a virtual machine whose free memory goes back to the host (free page
//! reporting of `virtio_balloon`, as on the benchmark machine), each huge page touched for the
//! first time was then faulted in from the host: 1.0 s of system time for 400 MiB against
//! 0.13 s in small pages, and an ingest's system time fell from 2.2 s to 1.2 s without them
//! (2026-12-07, `docs/performance.md`). Small pages cost more TLB misses (about 7% more user
//! time), so the gain is in short runs, like the daily deliveries: an ingest of half a minute
//! came out even.
//!
//! This is the workspace's only unsafe code: one call into mimalloc's C API, made before any
//! other thread runs. Every other crate forbids unsafe code.

use std::time::Duration;

pub use mimalloc::MiMalloc;

/// How long freed memory is kept before it goes back to the system.
pub const KEEP_FREED: Duration = Duration::from_secs(10);

/// The environment variable with which mimalloc's own setting can be given; it wins over
/// [`keep_freed_memory`].
pub const PURGE_DELAY_VARIABLE: &str = "MIMALLOC_PURGE_DELAY";

/// `mi_option_purge_delay` in the `mi_option_e` of mimalloc's `mimalloc.h` (the same in its
/// versions 2 and 3; `libmimalloc-sys` does not name it). A test reads its default through it.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep freed memory for [`KEEP_FREED`] before it goes back to the system, unless
/// [`PURGE_DELAY_VARIABLE`] says otherwise. Call it first thing in `main`, before any thread is
/// started: mimalloc's options are not synchronised.
pub fn keep_freed_memory() {
    if std::env::var_os(PURGE_DELAY_VARIABLE).is_some() {
        return;
    }
    let millis = std::ffi::c_long::try_from(KEEP_FREED.as_millis()).unwrap_or(std::ffi::c_long::MAX);
    // SAFETY: `mi_option_set` stores a value in mimalloc's table of options and has no other
    // precondition; `PURGE_DELAY` is a member of that table. It is called before any other
    // thread exists (see above), so no allocation reads the option meanwhile.
    #[allow(unsafe_code)]
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, millis);
    }
}

/// The environment variable of mimalloc's own setting for transparent huge pages
/// (`MIMALLOC_ALLOW_THP`); when it is set, it decides instead of [`no_transparent_huge_pages`].
pub const ALLOW_THP_VARIABLE: &str = "MIMALLOC_ALLOW_THP";

/// Take no transparent huge pages for this process (`prctl(PR_SET_THP_DISABLE)`; it applies to
/// all of the process's memory, whatever mimalloc or anyone else asks of `madvise`), unless
/// [`ALLOW_THP_VARIABLE`] says otherwise. Call it first thing in `main`: memory already taken
/// in huge pages stays so. Where this is not Linux it does nothing; where the kernel refuses,
/// the process keeps the system's setting (a slower start, nothing worse) and the caller says so.
pub fn no_transparent_huge_pages() -> std::io::Result<()> {
    if std::env::var_os(ALLOW_THP_VARIABLE).is_some() {
        return Ok(());
    }
    #[cfg(target_os = "linux")]
    rustix::thread::disable_transparent_huge_pages(true)?;
    Ok(())
}

/// Whether this process takes no transparent huge pages (always `true` where this is not Linux).
pub fn transparent_huge_pages_disabled() -> bool {
    #[cfg(target_os = "linux")]
    return rustix::thread::transparent_huge_pages_are_disabled().unwrap_or(false);
    #[cfg(not(target_os = "linux"))]
    true
}

/// The purge delay mimalloc uses now; `None` when freed memory is never purged.
pub fn purge_delay() -> Option<Duration> {
    // SAFETY: `mi_option_get` reads mimalloc's table of options (initialising the entry from the
    // environment the first time); `PURGE_DELAY` is a member of that table.
    #[allow(unsafe_code)]
    let millis = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
    u64::try_from(millis).ok().map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[global_allocator]
    static GLOBAL: MiMalloc = MiMalloc;

    /// The flag is the process's (inherited from its parent): the test reads it before, and
    /// can only tell when it was not set already.
    #[test]
    fn the_process_takes_no_transparent_huge_pages() {
        if std::env::var_os(ALLOW_THP_VARIABLE).is_some() {
            eprintln!("{ALLOW_THP_VARIABLE} is set: nothing to test");
            return;
        }
        if transparent_huge_pages_disabled() {
            eprintln!("transparent huge pages were off for this process already: nothing to test");
            return;
        }
        no_transparent_huge_pages().expect("prctl");
        assert!(transparent_huge_pages_disabled());
    }

    /// The option set is mimalloc's purge delay: before, it reads that option's documented
    /// default (one second in mimalloc 3), which no other option of mimalloc has; after, the
    /// value set. Run as one test, since the options are the process's.
    #[test]
    fn freed_memory_is_kept_for_ten_seconds() {
        if std::env::var_os(PURGE_DELAY_VARIABLE).is_some() {
            eprintln!("{PURGE_DELAY_VARIABLE} is set: nothing to test");
            return;
        }
        assert_eq!(purge_delay(), Some(Duration::from_secs(1)), "option 15 is not mimalloc's purge delay");
        keep_freed_memory();
        assert_eq!(purge_delay(), Some(KEEP_FREED));
    }
}
