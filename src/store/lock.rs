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
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}

impl WriteLock {
    /// Takes the lock, or returns `None` when another process holds it.
    pub fn try_acquire(db: &Path) -> Result<Option<WriteLock>> {
        let path = lock_path(db);
        let io = |source| Error::Io {
            action: "open the lock file",
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        // The pid is informational; failing to write it does not matter.
        let _ = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
        Ok(Some(WriteLock { _file: file }))
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
