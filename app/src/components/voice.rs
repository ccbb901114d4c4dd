//! A voice note recorded in the browser (MediaRecorder): at most 60 seconds with a
//! visible timer, play back, record again, delete. Where the browser cannot record (no
//! microphone, no permission, no MediaRecorder) it says so, and the form works without.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::{Key, use_i18n};

/// The longest voice note, in seconds.
pub const MAX_SECONDS: u32 = 60;

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    Recording,
    Recorded { url: String },
    Unavailable,
}

fn media_recorder_exists() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w, &"MediaRecorder".into()).unwrap_or(false)
            && w.navigator().media_devices().is_ok()
    })
}

/// The recorder and what it has recorded so far (not reactive: browser objects).
#[derive(Default)]
struct Recording {
    recorder: Option<web_sys::MediaRecorder>,
    stream: Option<web_sys::MediaStream>,
    chunks: Vec<web_sys::Blob>,
}

fn stop_tracks(stream: &web_sys::MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

async fn open_microphone() -> Result<web_sys::MediaStream, JsValue> {
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into()
}

/// `clip` holds the finished recording (or `None`).
#[component]
pub fn VoiceNote(clip: RwSignal<Option<web_sys::Blob>>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(if media_recorder_exists() {
        Phase::Idle
    } else {
        Phase::Unavailable
    });
    let seconds = RwSignal::new(0u32);
    let recording: Rc<RefCell<Recording>> = Rc::default();
    let recording = StoredValue::new_local(recording);

    let forget_url = move || {
        if let Phase::Recorded { url } = phase.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    };
    // The form was reset (saved): back to the start. A clip set from outside (a draft
    // restored after a reload) is shown ready to play.
    Effect::new(move |_| match clip.get() {
        None if matches!(phase.get_untracked(), Phase::Recorded { .. }) => {
            forget_url();
            phase.set(Phase::Idle);
        }
        Some(blob) if phase.get_untracked() == Phase::Idle => {
            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) {
                phase.set(Phase::Recorded { url });
            }
        }
        _ => {}
    });

    let stop = move || {
        let state = recording.get_value();
        let state = state.borrow();
        if let Some(recorder) = &state.recorder
            && recorder.state() == web_sys::RecordingState::Recording
        {
            let _ = recorder.stop();
        }
    };
    let ticker = set_interval_with_handle(
        move || {
            if phase.get_untracked() == Phase::Recording {
                seconds.update(|s| *s += 1);
                if seconds.get_untracked() >= MAX_SECONDS {
                    stop();
                }
            }
        },
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = ticker {
            t.clear();
        }
        forget_url();
        if let Some(stream) = recording.get_value().borrow().stream.as_ref() {
            stop_tracks(stream);
        }
    });

    let start = move |_| {
        forget_url();
        clip.set(None);
        leptos::task::spawn_local(async move {
            let Ok(stream) = open_microphone().await else {
                phase.set(Phase::Unavailable);
                return;
            };
            let Ok(recorder) = web_sys::MediaRecorder::new_with_media_stream(&stream) else {
                stop_tracks(&stream);
                phase.set(Phase::Unavailable);
                return;
            };
            let state = recording.get_value();
            let on_data = {
                let state = state.clone();
                Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |event: web_sys::BlobEvent| {
                    if let Some(data) = event.data()
                        && data.size() > 0.0
                    {
                        state.borrow_mut().chunks.push(data);
                    }
                })
            };
            let on_stop = {
                let state = state.clone();
                Closure::<dyn FnMut()>::new(move || {
                    let mut s = state.borrow_mut();
                    let parts = js_sys::Array::new();
                    for chunk in s.chunks.drain(..) {
                        parts.push(&chunk);
                    }
                    let mime = s
                        .recorder
                        .as_ref()
                        .map(|r| r.mime_type())
                        .unwrap_or_default();
                    if let Some(stream) = s.stream.take() {
                        stop_tracks(&stream);
                    }
                    let options = web_sys::BlobPropertyBag::new();
                    options.set_type(mime.split(';').next().unwrap_or("audio/webm"));
                    let blob = web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options);
                    match blob
                        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).map(|u| (b, u)))
                    {
                        Ok((blob, url)) => {
                            clip.set(Some(blob));
                            phase.set(Phase::Recorded { url });
                        }
                        Err(_) => phase.set(Phase::Unavailable),
                    }
                })
            };
            recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
            recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
            on_data.forget();
            on_stop.forget();
            if recorder.start_with_time_slice(1000).is_err() {
                stop_tracks(&stream);
                phase.set(Phase::Unavailable);
                return;
            }
            {
                let mut s = state.borrow_mut();
                s.chunks.clear();
                s.recorder = Some(recorder);
                s.stream = Some(stream);
            }
            seconds.set(0);
            phase.set(Phase::Recording);
        });
    };
    let delete = move |_| {
        forget_url();
        clip.set(None);
        phase.set(Phase::Idle);
    };
    view! {
        <div class="voice-note" data-testid="voice-note">
            <span class="label">{move || i18n.t(Key::VoiceNote)}</span>
            {move || match phase.get() {
                Phase::Unavailable => view! {
                    <p class="notice" data-testid="voice-unavailable">{move || i18n.t(Key::VoiceUnavailable)}</p>
                }.into_any(),
                Phase::Idle => view! {
                    <button type="button" class="button" on:click=start>{move || i18n.t(Key::Record)}</button>
                }.into_any(),
                Phase::Recording => view! {
                    <span class="timer" data-testid="voice-timer">
                        {move || format!("{:02}:{:02} / 01:00", seconds.get() / 60, seconds.get() % 60)}
                    </span>
                    <button type="button" class="button primary" on:click=move |_| stop()>{move || i18n.t(Key::StopRecording)}</button>
                }.into_any(),
                Phase::Recorded { url } => view! {
                    <audio controls src=url data-testid="voice-playback"></audio>
                    <button type="button" class="button small" on:click=start>{move || i18n.t(Key::RecordAgain)}</button>
                    <button type="button" class="button small" on:click=delete>{move || i18n.t(Key::Delete)}</button>
                }.into_any(),
            }}
        </div>
    }
}
