//! The single-writer lock: an exclusive advisory lock on `<database>.lock`, held for as long as
//! the store is open. The operating system releases it when the process ends, however it ends,
//! so a crash never leaves a stale lock. The holder writes its process id into the file so the
//! next one can say who has it.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

fn lock_path(db: &Path) -> PathBuf {
    super::companion(db, ".lock")
}

impl WriteLock {
    /// Takes the lock, or returns `None` when another process holds it.
    pub fn try_acquire(db: &Path) -> Result<Option<WriteLock>> {
        let path = lock_path(db);
        let io = |source| Error::LockFile {
            dir: match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| {
                if source.kind() == std::io::ErrorKind::NotFound {
                    Error::Io {
                        action: "create the database (its folder does not exist)",
                        path: db.to_path_buf(),
                        source,
                    }
                } else {
                    io(source)
                }
            })?;
        // A reader's probe (`held_elsewhere`) holds a shared lock for microseconds: try a few
        // times over about 50 ms before concluding that another capmatrix holds it.
        let mut tries = 0;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if tries < 5 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        // The pid is informational; failing to write it does not matter.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
        Ok(Some(WriteLock { _file: file }))
    }

    /// Whether another process holds the lock now: a shared-lock probe on a read-only handle,
    /// released at once. Creates nothing; a missing lock file means nobody holds it.
    pub fn held_elsewhere(db: &Path) -> bool {
        let Ok(file) = File::open(lock_path(db)) else {
            return false;
        };
        match file.try_lock_shared() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(std::fs::TryLockError::WouldBlock) => true,
            Err(std::fs::TryLockError::Error(_)) => false,
        }
    }

    /// The process id the holder wrote, if readable.
    pub fn holder(db: &Path) -> Option<u32> {
        let mut text = String::new();
        File::open(lock_path(db))
            .ok()?
            .read_to_string(&mut text)
            .ok()?;
        text.trim().parse().ok()
    }
}
