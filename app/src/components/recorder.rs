//! Recording a stream in the browser (MediaRecorder), for the voice note and the video
//! clip: the recorder and what it has recorded so far, handed over as one `Blob` when
//! it stops.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Whether this browser can record from a microphone or camera at all.
pub fn can_record() -> bool {
    web_sys::window().is_some_and(|w| {
        js_sys::Reflect::has(&w, &"MediaRecorder".into()).unwrap_or(false)
            && w.navigator().media_devices().is_ok()
    })
}

/// The microphone, or with `video` the camera facing away too (small: clips are sent
/// over phone networks).
pub async fn open(video: bool) -> Result<web_sys::MediaStream, JsValue> {
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let constraints = web_sys::MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    if video {
        let camera = web_sys::MediaTrackConstraints::new();
        camera.set_facing_mode(&JsValue::from_str("environment"));
        let ideal = |n: u32| {
            let range = web_sys::ConstrainDoubleRange::new();
            range.set_ideal(f64::from(n));
            range
        };
        camera.set_width(&ideal(640));
        camera.set_height(&ideal(480));
        camera.set_frame_rate(&ideal(24));
        constraints.set_video(&camera);
    }
    let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?;
    stream.dyn_into()
}

pub fn stop_tracks(stream: &web_sys::MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// A recording under way (not reactive: browser objects).
#[derive(Default)]
pub struct Recording {
    recorder: Option<web_sys::MediaRecorder>,
    /// The stream it records, stopped with the recording when it is the app's own.
    stream: Option<web_sys::MediaStream>,
    chunks: Vec<web_sys::Blob>,
}

pub type Shared = Rc<RefCell<Recording>>;

/// Starts recording `stream` (the bit rates of `options`); `done` gets the finished
/// recording when it stops, typed without its codecs (`video/webm`). With `own` the
/// stream's tracks stop with it (a microphone or camera the app opened).
pub fn start(
    shared: &Shared,
    stream: web_sys::MediaStream,
    options: &web_sys::MediaRecorderOptions,
    own: bool,
    done: impl Fn(Result<web_sys::Blob, JsValue>) + 'static,
) -> Result<(), JsValue> {
    let recorder =
        web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, options)
            .or_else(|_| web_sys::MediaRecorder::new_with_media_stream(&stream));
    let recorder = match recorder {
        Ok(recorder) => recorder,
        Err(e) => {
            if own {
                stop_tracks(&stream);
            }
            return Err(e);
        }
    };
    let on_data = {
        let shared = shared.clone();
        Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |event: web_sys::BlobEvent| {
            if let Some(data) = event.data()
                && data.size() > 0.0
            {
                shared.borrow_mut().chunks.push(data);
            }
        })
    };
    let on_stop = {
        let shared = shared.clone();
        Closure::<dyn FnMut()>::new(move || {
            let mut s = shared.borrow_mut();
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
            drop(s);
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(mime.split(';').next().unwrap_or_default());
            done(web_sys::Blob::new_with_blob_sequence_and_options(
                &parts, &options,
            ));
        })
    };
    recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    recorder.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
    on_data.forget();
    on_stop.forget();
    if let Err(e) = recorder.start_with_time_slice(1000) {
        if own {
            stop_tracks(&stream);
        }
        return Err(e);
    }
    let mut s = shared.borrow_mut();
    s.chunks.clear();
    s.recorder = Some(recorder);
    s.stream = own.then_some(stream);
    Ok(())
}

/// Stops the recording under way (`done` follows).
pub fn stop(shared: &Shared) {
    if let Some(recorder) = &shared.borrow().recorder
        && recorder.state() == web_sys::RecordingState::Recording
    {
        let _ = recorder.stop();
    }
}

/// Lets go of the microphone or camera (the page is going away).
pub fn release(shared: &Shared) {
    if let Some(stream) = shared.borrow_mut().stream.take() {
        stop_tracks(&stream);
    }
}

/// Counts the seconds of a recording under way (`recording` says when one is) in
/// `seconds`, stops it at `max`, and lets go of the microphone or camera when the
/// component goes away.
pub fn keep_time(
    shared: StoredValue<Shared, LocalStorage>,
    recording: impl Fn() -> bool + 'static,
    seconds: RwSignal<u32>,
    max: u32,
) {
    let ticker = set_interval_with_handle(
        move || {
            if recording() {
                seconds.update(|s| *s += 1);
                if seconds.get_untracked() >= max {
                    stop(&shared.get_value());
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
        release(&shared.get_value());
    });
}
