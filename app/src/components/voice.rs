//! A voice note recorded in the browser (MediaRecorder): at most 60 seconds with a
//! visible timer, play back, record again, delete. Where the browser cannot record (no
//! microphone, no permission, no MediaRecorder) it says so, and the form works without.

use leptos::prelude::*;

use super::recorder::{self, Shared};
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

/// `clip` holds the finished recording (or `None`).
#[component]
pub fn VoiceNote(clip: RwSignal<Option<web_sys::Blob>>) -> impl IntoView {
    let i18n = use_i18n();
    let phase = RwSignal::new(if recorder::can_record() {
        Phase::Idle
    } else {
        Phase::Unavailable
    });
    let seconds = RwSignal::new(0u32);
    let recording = StoredValue::new_local(Shared::default());

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

    let stop = move || recorder::stop(&recording.get_value());
    recorder::keep_time(
        recording,
        move || phase.get_untracked() == Phase::Recording,
        seconds,
        MAX_SECONDS,
    );
    on_cleanup(forget_url);

    let start = move |_| {
        forget_url();
        clip.set(None);
        leptos::task::spawn_local(async move {
            let Ok(stream) = recorder::open(false).await else {
                phase.set(Phase::Unavailable);
                return;
            };
            let done = move |blob: Result<web_sys::Blob, _>| match blob
                .and_then(|b| web_sys::Url::create_object_url_with_blob(&b).map(|url| (b, url)))
            {
                Ok((blob, url)) => {
                    clip.set(Some(blob));
                    phase.set(Phase::Recorded { url });
                }
                Err(_) => phase.set(Phase::Unavailable),
            };
            let options = web_sys::MediaRecorderOptions::new();
            options.set_audio_bits_per_second(32_000);
            match recorder::start(&recording.get_value(), stream, &options, true, done) {
                Ok(()) => {
                    seconds.set(0);
                    phase.set(Phase::Recording);
                }
                Err(_) => phase.set(Phase::Unavailable),
            }
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
