//! Fuzzes the importer: any bytes (text or workbook) go through decoding, splitting, parsing
//! and planning (for the lead's and people's own ratings), and workbooks through the
//! assessment pack reader. It must never panic, and must never allocate far beyond the input's size (at
//! most 64 bytes per input byte plus 4 MiB for text, 1 GiB for a workbook, measured by a
//! counting allocator). Seed the corpus with tests/fixtures/workbooks/*.xlsx|ods|xls to reach
//! the workbook readers.
//!
//! Run from the project root: `cargo fuzz run --sanitizer none import`
#![no_main]

use capmatrix::model::{Framework, Snapshot};
use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let framework = Framework::ddat().unwrap_or_default();
        Snapshot::new(std::sync::Arc::new(framework))
    })
}

fuzz_target!(|data: &[u8]| {
    let snapshot = snapshot();
    let baseline = CURRENT.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    if let Ok(read) = capmatrix::io::read(data, &snapshot.framework, Some("Fuzz team")) {
        for mode in [capmatrix::io::Mode::Merge, capmatrix::io::Mode::Replace] {
            for source in [
                capmatrix::model::Source::Lead,
                capmatrix::model::Source::SelfAssessed,
            ] {
                let plan = capmatrix::io::plan_from(snapshot, &read.parsed, mode, source);
                assert!(plan.summary.members_added <= read.parsed.members.len());
            }
        }
    }
    // A workbook may be a filled assessment pack: its two sheets, then the pack reader.
    if capmatrix::io::sheet::is_workbook(data) {
        let names = [
            capmatrix::io::pack::PACK_SHEET,
            capmatrix::io::pack::ID_SHEET,
        ];
        if let Ok(Some(sheets)) = capmatrix::io::sheet::named_sheets(data, &names)
            && let Some(pack) = capmatrix::io::pack::read_pack(snapshot, &sheets)
        {
            assert!(pack.answers.len() <= snapshot.framework.skills.len());
        }
    }
    let used = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    // A workbook is compressed: what it may unpack to is capped by the zip directory check
    // (512 MiB), not by the input's size.
    let limit = if capmatrix::io::sheet::is_workbook(data) {
        1024 * 1024 * 1024
    } else {
        data.len() * 64 + 4 * 1024 * 1024
    };
    assert!(
        used <= limit,
        "{used} bytes allocated for {} bytes of input",
        data.len()
    );
});
