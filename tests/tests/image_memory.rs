//! Building and signing a 5 MB image request costs at most one extra copy of the image: the
//! base64 text goes straight into the body, which is allocated once at its final size.
//! Measured with a counting allocator (this test binary's own global allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use tencentcloud_iai::operation::detect_face::DetectFaceRequest;
use tencentcloud_iai::{Client, Config, Credentials, Endpoint, Image};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn a_5_mb_image_request_needs_less_than_twice_the_image_in_extra_memory() {
    const RAW_LEN: usize = 5 * 1024 * 1024 / 4 * 3; // base64: exactly the 5 MiB limit
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let client = Client::new(
        Config::builder()
            .credentials(Credentials::new("AKIDmemory", "memory-secret"))
            .endpoint(Endpoint::https("iai.tencentcloudapi.com"))
            .build()
            .unwrap(),
    );
    let raw: Vec<u8> = (0..RAW_LEN).map(|i| (i % 251) as u8).collect();
    let request = DetectFaceRequest::builder()
        .image(Image::from_bytes(raw))
        .build()
        .expect("every required parameter is set");
    // Warm up once so one-time allocations (the signing key, runtime internals) don't count.
    drop(runtime.block_on(client.prepare(&request)).unwrap());

    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let prepared = runtime.block_on(client.prepare(&request)).unwrap();
    let extra = PEAK.load(Ordering::SeqCst) - before;

    assert_eq!(
        prepared.body().len(),
        5 * 1024 * 1024 + r#"{"Image":""}"#.len()
    );
    assert!(
        extra < 2 * RAW_LEN,
        "peak extra memory {extra} bytes for a {RAW_LEN}-byte image"
    );
    // The body is the only large allocation: no intermediate String of the base64 text.
    assert!(
        extra < prepared.body().len() + 64 * 1024,
        "extra {extra} vs body {}",
        prepared.body().len()
    );
}
