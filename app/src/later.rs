//! Work that can wait for the page: start-up work (the service worker, the offline
//! database, the outbox, reference data) starts in a task after the one that renders
//! the first page, and long steps give the event loop back between them, so no single
//! task keeps an old phone's main thread for long (Lighthouse's total blocking time).

use wasm_bindgen_futures::JsFuture;

/// Resolves in a later task of the event loop (a zero-delay timeout): what follows the
/// `await` runs in a task of its own, after the browser has had a chance to draw and
/// to handle input.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Runs `work` on the page's executor, starting in a task after this one: start-up
/// work that should not hold up the first render.
pub fn spawn_after_render(work: impl std::future::Future<Output = ()> + 'static) {
    leptos::task::spawn_local(async move {
        next_task().await;
        work.await;
    });
}
