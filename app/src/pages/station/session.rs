//! One walk-in resident at the counter: the filing on their behalf (voice first, name
//! and phone required, consent, then the resident's own filing flow), and when done,
//! the tracking code in large characters with its QR code.
//!
//! Nothing typed here is stored in the clear: the form is in memory, only the media
//! ids are noted on the device while the session lasts, and "submit" seals the
//! filing before it is queued.

use gridline_core::api::station::{Consent, StationFiling};
use gridline_core::api::ticket::CreateTicketRequest;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::voice::VoiceNote;
use crate::i18n::{Key, use_i18n};
use crate::offline::complaints::{ComplaintState, new_id};
use crate::offline::station::{self, Enrollment, StationOutbox};
use crate::pages::resident::file::{
    Form, LocationPicker, MatterPicker, PhotoPicker, TextsConsent, keep_medium, request_of,
};

/// The filing as the station sends it: the resident's form plus their name, with the
/// phone to prove with instead of a device secret (the tablet is not theirs).
fn filing_of(form: &Form, name: &str, consent: Consent) -> StationFiling {
    let draft = form.draft();
    StationFiling {
        ticket: CreateTicketRequest {
            contact_name: Some(name.trim().to_owned()),
            ..request_of(&draft, None)
        },
        consent,
    }
}

#[component]
pub fn ResidentSession(
    enrollment: Enrollment,
    outbox: StationOutbox,
    on_finish: Callback<()>,
    on_send: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new();
    form.id.set(new_id());
    form.community
        .set(enrollment.device.station.community_code.clone());
    let name = RwSignal::new(String::new());
    let consent = RwSignal::new(None::<Consent>);
    let clip = RwSignal::new(None::<web_sys::Blob>);
    let problem = RwSignal::new(None::<Key>);
    let queued = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let enrollment = StoredValue::new(enrollment);
    keep_medium(clip, form.voice, RwSignal::new(true));
    // The media of this resident so far, so the outbox's sweep leaves them be.
    Effect::new(move |_| {
        let ids: Vec<String> = form.draft().media().cloned().collect();
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await {
                let _ = station::keep_session_media(&database, &ids).await;
            }
        });
    });
    on_cleanup(move || form.release_photos());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        form.consent.set(consent.get_untracked().is_some());
        let named = !name.with_untracked(|n| n.trim().is_empty());
        let phoned = !form.phone.with_untracked(|p| p.trim().is_empty());
        let Some(how) = consent.get_untracked() else {
            problem.set(Some(Key::StationIncomplete));
            return;
        };
        if !(named && phoned && form.complete()) {
            problem.set(Some(Key::StationIncomplete));
            return;
        }
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let filing = filing_of(&form, &name.get_untracked(), how);
        let enrollment = enrollment.get_value();
        leptos::task::spawn_local(async move {
            let result = match crate::offline::database().await {
                Ok(database) => station::queue(&database, &enrollment, &filing).await,
                Err(e) => Err(format!("{e:?}")),
            };
            match result {
                Ok(filing) => {
                    if let Ok(database) = crate::offline::database().await {
                        station::refresh(&database, outbox).await;
                    }
                    queued.set(Some(filing.id));
                    on_send.run(());
                }
                Err(_) => problem.set(Some(Key::SaveFailed)),
            }
            busy.set(false);
        });
    };

    let consent_choice = move |value: Consent, key: Key| {
        view! {
            <label class="check large">
                <input type="radio" name="consent" value=value.as_str()
                    prop:checked=move || consent.get() == Some(value)
                    on:change=move |_| consent.set(Some(value)) />
                <span>{move || i18n.t(key)}</span>
            </label>
        }
    };
    let finish = move |_| on_finish.run(());
    view! {
        <div class="resident-session" data-testid="resident-session">
            {move || match queued.get() {
                Some(id) => {
                    let texted = enrollment.with_value(|e| e.device.station.texts_residents);
                    view! { <Done id outbox on_send texted /> }.into_any()
                }
                None => view! {
                    <form class="form station-form" on:submit=submit novalidate>
                        <div class="station-column">
                            <p class="hint">{move || i18n.t(Key::StationVoiceFirst)}</p>
                            <VoiceNote clip />
                            <label>
                                <span>{move || i18n.t(Key::ResidentName)}</span>
                                <input type="text" name="name" maxlength="50" autocomplete="off" bind:value=name />
                            </label>
                            <label>
                                <span>{move || i18n.t(Key::ResidentPhone)}</span>
                                <input type="tel" name="phone" inputmode="tel" autocomplete="off" maxlength="20"
                                    bind:value=form.phone />
                            </label>
                            <TextsConsent form />
                            <MatterPicker value=form.matter />
                            <label>
                                <span>{move || i18n.t(Key::Description)}</span>
                                <textarea name="description" rows="4" maxlength="4000"
                                    bind:value=form.description></textarea>
                            </label>
                            <crate::pages::resident::suggest::Suggestions
                                description=form.description matter=form.matter />
                        </div>
                        <div class="station-column">
                            <LocationPicker form />
                            <PhotoPicker photos=form.photos problem />
                            <fieldset class="consent">
                                <legend>{move || i18n.t(Key::ConsentHow)}</legend>
                                {consent_choice(Consent::Spoken, Key::ConsentSpoken)}
                                {consent_choice(Consent::Written, Key::ConsentWritten)}
                            </fieldset>
                            {move || problem.get().map(|key| view! {
                                <p class="error" role="alert" data-testid="file-problem">{move || i18n.t(key)}</p>
                            })}
                            <button class="button primary large" type="submit" data-testid="submit"
                                disabled=move || busy.get()>
                                {move || i18n.t(Key::Submit)}
                            </button>
                        </div>
                    </form>
                }
                .into_any(),
            }}
            <button type="button" class="button large finish" data-testid="finish" on:click=finish>
                {move || i18n.t(if queued.with(Option::is_some) { Key::FinishNext } else { Key::DiscardSession })}
            </button>
        </div>
    }
}

/// After submitting: the tracking code once the server has it (large, with its QR
/// code for the resident to photograph), or that it waits for the network.
#[component]
fn Done(id: String, outbox: StationOutbox, on_send: Callback<()>, texted: bool) -> impl IntoView {
    let i18n = use_i18n();
    let filing = move || {
        outbox
            .entries
            .with(|all| all.iter().find(|f| f.id == id).cloned())
    };
    move || match filing() {
        Some(f) if f.state == ComplaintState::Sent => {
            let code = f.tracking_code.unwrap_or_default();
            view! {
                <div class="tracking">
                    <p>{move || i18n.t(Key::StationCodeFor)}</p>
                    <p class="tracking-code huge" data-testid="tracking-code">{code.clone()}</p>
                    <img class="qr" src=api::tracking_qr_url(&code) width="240" height="240"
                        alt=move || i18n.t(Key::TrackingQr) data-testid="tracking-qr" />
                    <p class="hint">{move || i18n.t(Key::TrackingCodeHint)}</p>
                    {texted.then(|| view! {
                        <p class="hint" data-testid="texted">{move || i18n.t(Key::StationTexted)}</p>
                    })}
                </div>
            }
            .into_any()
        }
        Some(f) if f.state == ComplaintState::Rejected => {
            let error = f.refusal.map(ApiError::Server);
            view! {
                <p class="notice" data-testid="station-refused">{move || i18n.t(Key::StateRejected)}</p>
                {error.map(|error| view! { <ErrorNotice error /> })}
            }
            .into_any()
        }
        _ => view! {
            <p class="notice" role="status" data-testid="station-queued">
                {move || i18n.t(Key::StationSavedSealed)}
            </p>
            <button type="button" class="button" disabled=move || outbox.running.get()
                on:click=move |_| on_send.run(())>
                {move || i18n.t(Key::SendNow)}
            </button>
        }
        .into_any(),
    }
}
