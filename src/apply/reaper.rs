//! Closing, on threads of their own, the files a run replaced or removed.
//!
//! Why: freeing a removed file's blocks can wait on the disk. On ext4 without
//! a journal mounted with `discard` (this project's machine), the blocks of a
//! file whose last name and last descriptor are gone are discarded right
//! then, synchronously: ~2.5 ms a file, where renaming a new file in takes
//! 0.03 ms. A 4,000-file migrate replaces ~3,300 files and removes ~700
//! originals, one after the other: seconds of waiting. The blocks are freed
//! when the last reference goes, so apply keeps open the file it has just read
//! for its compare and swap, renames over it or removes it, and hands the
//! descriptor here: a few threads close them side by side, and the discards
//! overlap.
//!
//! Nothing about the tree changes: the name is replaced or gone when the
//! rename or removal returns, whoever closes the file. [`Reaper::finish`] waits
//! for every close, and apply calls it before each `syncfs`, so the freed
//! blocks are written with the names.

use std::fs::File;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Closing threads: enough for the discards to overlap (8 threads took a
/// removal from 2.5 to ~0.23 ms here; 32 only to ~0.13 ms).
const THREADS: usize = 8;

/// Descriptors waiting for a thread: bounds how many files are open at once.
const QUEUE: usize = 64;

/// How many descriptors the reaper may hold at once (queued and being closed):
/// a quarter of the process's limit, at most `QUEUE + THREADS`. Under `ulimit
/// -n 64` a full queue left apply no descriptor to open the next folder with,
/// and a replace-heavy run stopped half-way ("Too many open files").
fn budget() -> usize {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the struct it is given and nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 {
            let quarter = usize::try_from(lim.rlim_cur / 4).unwrap_or(usize::MAX);
            return quarter.min(QUEUE + THREADS);
        }
    }
    QUEUE + THREADS
}

/// Files to close, and the threads closing them (started on the first).
#[derive(Default)]
pub(super) struct Reaper {
    tx: Option<SyncSender<File>>,
    threads: Vec<JoinHandle<()>>,
    /// The descriptor limit leaves none to spare: files are closed in place.
    inline: bool,
}

impl Reaper {
    /// Close `file` on a closing thread (or here, when none can be started).
    pub(super) fn close(&mut self, file: Option<File>) {
        let Some(file) = file else { return };
        if self.tx.is_none() && !self.inline {
            self.start();
        }
        match &self.tx {
            Some(tx) => {
                // A send fails only once every thread is gone; then the file
                // comes back and is closed here.
                if let Err(std::sync::mpsc::SendError(f)) = tx.send(file) {
                    drop(f);
                }
            }
            None => drop(file),
        }
    }

    fn start(&mut self) {
        // Threads each hold the file they close; the queue holds the rest.
        let budget = budget();
        let threads = (budget / 4).min(THREADS);
        if threads == 0 {
            self.inline = true;
            return;
        }
        let (tx, rx) = sync_channel::<File>(budget - threads);
        let rx: Arc<Mutex<Receiver<File>>> = Arc::new(Mutex::new(rx));
        for _ in 0..threads {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name("replan-close".into())
                .spawn(move || loop {
                    // The lock is held only while a file is taken.
                    let next = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(f) => drop(f),
                        Err(_) => return,
                    }
                });
            if let Ok(h) = spawned {
                self.threads.push(h);
            }
        }
        if !self.threads.is_empty() {
            self.tx = Some(tx);
        }
    }

    /// Wait until every file handed over is closed; the reaper can be used
    /// again afterwards.
    pub(super) fn finish(&mut self) {
        self.tx = None;
        for h in self.threads.drain(..) {
            let _ = h.join();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_files_than_the_queue_holds_are_all_taken_and_the_reaper_starts_again() {
        let d = tempfile::tempdir().unwrap();
        let mut r = Reaper::default();
        r.close(None);
        assert!(r.threads.is_empty(), "nothing to close starts nothing");
        for round in 0..2 {
            for i in 0..(QUEUE * 2) {
                let p = d.path().join(format!("f{round}-{i}"));
                std::fs::write(&p, "x").unwrap();
                r.close(Some(File::open(&p).unwrap()));
            }
            assert_eq!(r.threads.len(), (budget() / 4).min(THREADS));
            r.finish();
            assert!(r.threads.is_empty() && r.tx.is_none());
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_handed_over_is_closed_once_finish_returns() {
        use std::os::fd::AsRawFd;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, "x").unwrap();
        let f = File::open(&p).unwrap();
        let fd = f.as_raw_fd();
        let mut r = Reaper::default();
        r.close(Some(f));
        r.finish();
        // The descriptor number is free again: /proc no longer lists it
        // (unless something else reused it, which would name another file).
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}"));
        assert!(link.map_or(true, |l| l != p), "still open");
    }
}
