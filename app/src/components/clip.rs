//! A short video clip with a complaint or a progress report: recorded in the page
//! (the camera facing away, at most 30 seconds, small and at a low bit rate) or picked
//! from the phone. A picked clip is checked before it is kept: an MP4, QuickTime or
//! WebM file (by its bytes, as the server will), at most 30 seconds (as the browser
//! plays it). One larger than a recorded clip would be is recorded again while it
//! plays, at the same low bit rate, where the browser can (`captureStream`); one over
//! the server's cap that cannot be made smaller is refused, saying why. Nothing is
//! kept that the server would refuse, so the outbox never holds a complaint it cannot
//! send.

use gridline_core::api::media::{DEFAULT_MAX_VIDEO_BYTES, MAX_VIDEO_SECONDS, clip_container};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::recorder::{self, Shared};
use crate::i18n::{Key, use_i18n};

/// Bit rates of a clip recorded or made smaller here: 30 seconds come to about 2 MB.
const VIDEO_BITS_PER_SECOND: u32 = 500_000;
const AUDIO_BITS_PER_SECOND: u32 = 32_000;
/// A picked clip larger than this is made smaller where the browser can (30 seconds
/// at twice the bit rate above).
const SHRINK_ABOVE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Recorders stop a little late; the server allows as much.
const SLACK_SECONDS: f64 = 1.0;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Recording,
    /// A picked clip being checked or made smaller.
    Working,
    Ready {
        url: String,
    },
}

fn options() -> web_sys::MediaRecorderOptions {
    let options = web_sys::MediaRecorderOptions::new();
    options.set_video_bits_per_second(VIDEO_BITS_PER_SECOND);
    options.set_audio_bits_per_second(AUDIO_BITS_PER_SECOND);
    options
}

/// Resolves when `target` fires one of `ok`, fails when it fires one of `fail` or
/// neither comes within `seconds` (a browser that never answers, a page put away while
/// a clip plays): the resident is told, never left waiting.
async fn event(
    target: &web_sys::EventTarget,
    ok: &[&str],
    fail: &[&str],
    seconds: u32,
) -> Result<(), JsValue> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let once = web_sys::AddEventListenerOptions::new();
        once.set_once(true);
        for (names, callback) in [(ok, &resolve), (fail, &reject)] {
            for name in names {
                let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
                    name, callback, &once,
                );
            }
        }
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &reject,
                i32::try_from(seconds * 1000).unwrap_or(i32::MAX),
            );
        }
    });
    JsFuture::from(promise).await.map(|_| ())
}

/// A video element (not on the page) playing `url`, muted.
fn player(url: &str) -> Result<web_sys::HtmlVideoElement, JsValue> {
    let video: web_sys::HtmlVideoElement = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?
        .create_element("video")?
        .unchecked_into();
    video.set_muted(true);
    video.set_preload("auto");
    video.set_src(url);
    Ok(video)
}

/// How long the clip at `url` plays, as this browser reads it. A recorder's WebM does
/// not say in its header: seeking past the end makes the browser find out.
async fn duration(url: &str) -> Result<f64, JsValue> {
    let video = player(url)?;
    event(&video, &["loadedmetadata"], &["error"], 20).await?;
    if !video.duration().is_finite() {
        video.set_current_time(1e9);
        event(&video, &["seeked", "durationchange"], &["error"], 20).await?;
    }
    let seconds = video.duration();
    video.remove_attribute("src")?;
    Ok(seconds)
}

/// Plays the clip at `url` once into a recorder at the low bit rate: as long as the
/// clip runs. `Err` where the browser cannot capture a playing video.
async fn shrink(url: &str, shared: &Shared) -> Result<web_sys::Blob, JsValue> {
    let video = player(url)?;
    let capture =
        js_sys::Reflect::get(&video, &"captureStream".into())?.dyn_into::<js_sys::Function>()?;
    event(&video, &["canplay"], &["error"], 20).await?;
    let stream: web_sys::MediaStream = capture.call0(&video)?.dyn_into()?;
    let mut finished = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| finished = Some((resolve, reject)));
    let (resolve, reject) = finished.ok_or(JsValue::NULL)?;
    recorder::start(shared, stream, &options(), true, move |blob| {
        let _ = match blob {
            Ok(blob) => resolve.call1(&JsValue::NULL, &blob),
            Err(e) => reject.call1(&JsValue::NULL, &e),
        };
    })?;
    let played = async {
        JsFuture::from(video.play()?).await?;
        // The clip's length and some: playback may stall on a slow phone.
        event(&video, &["ended"], &["error"], 2 * MAX_VIDEO_SECONDS + 10).await
    }
    .await;
    recorder::stop(shared);
    played?;
    let blob = JsFuture::from(promise).await?;
    video.remove_attribute("src")?;
    blob.dyn_into()
}

/// Why a picked file is not kept, or `Ok` with what is kept (the file itself, or a
/// smaller recording of it).
async fn check(file: web_sys::Blob, shared: &Shared) -> Result<web_sys::Blob, Key> {
    let head = JsFuture::from(
        file.slice_with_i32_and_i32(0, 64)
            .map_err(|_| Key::ClipUnreadable)?
            .array_buffer(),
    )
    .await
    .map_err(|_| Key::ClipUnreadable)?;
    if clip_container(&js_sys::Uint8Array::new(&head).to_vec()).is_none() {
        return Err(Key::ClipUnreadable);
    }
    let url = web_sys::Url::create_object_url_with_blob(&file).map_err(|_| Key::ClipUnreadable)?;
    let checked = async {
        let seconds = duration(&url).await.map_err(|_| Key::ClipUnreadable)?;
        if !seconds.is_finite() || seconds > f64::from(MAX_VIDEO_SECONDS) + SLACK_SECONDS {
            return Err(Key::ClipTooLong);
        }
        if file.size() <= SHRINK_ABOVE_BYTES {
            return Ok(file.clone());
        }
        match shrink(&url, shared).await {
            Ok(smaller) if smaller.size() > 0.0 && smaller.size() < file.size() => Ok(smaller),
            // Not smaller, or the browser cannot: the file as it is, within the cap.
            _ if file.size() <= DEFAULT_MAX_VIDEO_BYTES as f64 => Ok(file.clone()),
            _ => Err(Key::ClipTooLarge),
        }
    }
    .await;
    let _ = web_sys::Url::revoke_object_url(&url);
    checked
}

/// `clip` holds the chosen clip (or `None`).
#[component]
pub fn VideoClip(clip: RwSignal<Option<web_sys::Blob>>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(Phase::Idle);
    let problem = RwSignal::new(None::<Key>);
    let seconds = RwSignal::new(0u32);
    let recording = StoredValue::new_local(Shared::default());
    let preview = NodeRef::<leptos::html::Video>::new();
    let can_record = recorder::can_record();

    let forget_url = move || {
        if let Phase::Ready { url } = phase.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    };
    let show = move |blob: web_sys::Blob| match web_sys::Url::create_object_url_with_blob(&blob) {
        Ok(url) => {
            clip.set(Some(blob));
            phase.set(Phase::Ready { url });
        }
        Err(_) => phase.set(Phase::Idle),
    };
    // The form was reset (saved): back to the start. A clip set from outside (a draft
    // restored after a reload) is shown ready to play.
    Effect::new(move |_| match clip.get() {
        None if matches!(phase.get_untracked(), Phase::Ready { .. }) => {
            forget_url();
            phase.set(Phase::Idle);
        }
        Some(blob) if phase.get_untracked() == Phase::Idle => show(blob),
        _ => {}
    });

    let stop = move || recorder::stop(&recording.get_value());
    recorder::keep_time(
        recording,
        move || phase.get_untracked() == Phase::Recording,
        seconds,
        MAX_VIDEO_SECONDS,
    );
    on_cleanup(forget_url);

    let record = move |_| {
        forget_url();
        clip.set(None);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let Ok(stream) = recorder::open(true).await else {
                problem.set(Some(Key::CameraUnavailable));
                phase.set(Phase::Idle);
                return;
            };
            // What the camera sees, shown while it records.
            let live = preview.get_untracked();
            if let Some(video) = &live {
                video.set_src_object(Some(&stream));
            }
            let done = move |blob: Result<web_sys::Blob, JsValue>| {
                if let Some(video) = &live {
                    video.set_src_object(None);
                }
                match blob {
                    Ok(blob) => show(blob),
                    Err(_) => {
                        problem.set(Some(Key::CameraUnavailable));
                        phase.set(Phase::Idle);
                    }
                }
            };
            match recorder::start(&recording.get_value(), stream, &options(), true, done) {
                Ok(()) => {
                    seconds.set(0);
                    phase.set(Phase::Recording);
                }
                Err(_) => problem.set(Some(Key::CameraUnavailable)),
            }
        });
    };
    let pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        forget_url();
        clip.set(None);
        problem.set(None);
        phase.set(Phase::Working);
        leptos::task::spawn_local(async move {
            match check(file.into(), &recording.get_value()).await {
                Ok(blob) => show(blob),
                Err(key) => {
                    problem.set(Some(key));
                    phase.set(Phase::Idle);
                }
            }
        });
    };
    let delete = move |_| {
        forget_url();
        clip.set(None);
        phase.set(Phase::Idle);
    };
    // One set of elements, each shown in its phases (cheaper in the bundle than a view
    // per phase).
    let is = move |p: Phase| move || phase.get() == p;
    let url = move || match phase.get() {
        Phase::Ready { url } => Some(url),
        _ => None,
    };
    view! {
        <div class="video-clip" data-testid="video-clip">
            <span class="label">{move || i18n.t(Key::VideoClip)}</span>
            <video class="clip-preview" muted autoplay playsinline node_ref=preview
                hidden=move || !is(Phase::Recording)()></video>
            <video controls playsinline preload="metadata" src=url data-testid="clip-playback"
                hidden=move || url().is_none()></video>
            <span class="timer" data-testid="clip-timer" hidden=move || !is(Phase::Recording)()>
                {move || format!("00:{:02} / 00:{MAX_VIDEO_SECONDS:02}", seconds.get())}
            </span>
            <p class="notice" role="status" data-testid="clip-working" hidden=move || !is(Phase::Working)()>
                {move || i18n.t(Key::ClipWorking)}
            </p>
            <button type="button" class="button" on:click=record
                hidden=move || !can_record || !is(Phase::Idle)()>{move || i18n.t(Key::RecordClip)}</button>
            <button type="button" class="button primary" on:click=move |_| stop()
                hidden=move || !is(Phase::Recording)()>{move || i18n.t(Key::StopRecording)}</button>
            <label class="button small" hidden=move || is(Phase::Recording)() || is(Phase::Working)()>
                {move || i18n.t(Key::PickClip)}
                <input type="file" accept="video/mp4,video/webm,video/quicktime,video/*"
                    class="visually-hidden" data-testid="clip-input" on:change=pick />
            </label>
            <button type="button" class="button small" on:click=delete
                hidden=move || url().is_none()>{move || i18n.t(Key::Delete)}</button>
            <p class="error" role="alert" data-testid="clip-problem" hidden=move || problem.get().is_none()>
                {move || problem.get().map(|key| i18n.t(key))}
            </p>
        </div>
    }
}
