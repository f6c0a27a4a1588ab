//! Zero heap allocations per record on the borrowed record path (issue 4): framing,
//! identification, field checks and typed bodies allocate nothing per record, so the
//! allocation count of a pass does not grow with the number of records.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ace_pga::{ParseOptions, RecordReader};

struct Counting;

thread_local! {
    /// Allocations made by this thread: the test harness's other threads (another test,
    /// output capture) allocate at the same time and must not count. A `const` thread
    /// local of a `Cell<usize>` needs no allocation and no destructor of its own.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: a thread being torn down has no counter left; nothing to count then.
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwards to the system allocator with the same layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// `n` copies of the transaction of or2-single and or1-full inside one envelope.
fn input(n: usize) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/spec-samples/valid/");
    let lines = |f: &str| -> Vec<Vec<u8>> {
        let data = std::fs::read(format!("{dir}{f}")).expect("sample");
        data.split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    };
    let a = lines("or2-single.txt");
    let b = lines("or1-full.txt");
    let mut out = Vec::new();
    out.extend(a[0].iter().chain(a[1].iter()));
    for _ in 0..n {
        for l in a[2..a.len() - 2].iter().chain(b[2..b.len() - 2].iter()) {
            out.extend_from_slice(l);
        }
    }
    out.extend(a[a.len() - 2].iter().chain(a[a.len() - 1].iter()));
    out
}

/// Allocations made while iterating every record and reading its typed body.
fn allocations_for(data: &[u8]) -> (usize, usize) {
    let opts = ParseOptions::strict();
    let before = allocs();
    let mut records = 0usize;
    let mut fields = 0usize;
    let mut reader = RecordReader::new(data, &opts).expect("framing");
    for r in reader.by_ref() {
        if let Some(body) = r.body() {
            fields += body.layout().fields.len();
        }
        records += 1;
    }
    let after = allocs();
    assert!(reader.problems().is_empty(), "{:?}", reader.problems());
    assert!(fields > 0);
    (after - before, records)
}

#[test]
fn borrowed_record_path_allocates_nothing_per_record() {
    let small = input(10);
    let large = input(1000);
    // Warm up lazily built tables (code lists, identification table).
    allocations_for(&small);
    let (a_small, n_small) = allocations_for(&small);
    let (a_large, n_large) = allocations_for(&large);
    assert!(n_large > 50 * n_small, "{n_small} vs {n_large} records");
    assert_eq!(
        a_small, a_large,
        "allocations grew with records: {a_small} for {n_small} records, {a_large} for {n_large}"
    );
    assert_eq!(a_large, 0, "{a_large} allocations for {n_large} records");
}

#[test]
fn parsed_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ace_pga::Transmission<'static>>();
    assert_send_sync::<ace_pga::Record<'static>>();
    assert_send_sync::<ace_pga::Body<'static>>();
    assert_send_sync::<ace_pga::OwnedTransmission>();
    assert_send_sync::<ace_pga::validate::Report>();
    assert_send_sync::<ace_pga::stream::Unit>();
}
