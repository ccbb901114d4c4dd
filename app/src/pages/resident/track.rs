//! Following a complaint (查询进度): the tracking code and the last four digits of the
//! contact phone show the ticket's status and public timeline, kept up to date live.

use gridline_core::api::ticket::TicketView;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::rating::Rating;
use crate::api::{self, ApiError, Proof};
use crate::components::error_notice::ErrorNotice;
use crate::components::ticket::{TicketHeader, Timeline};
use crate::i18n::{Key, use_i18n};

#[component]
pub fn TrackPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // A link to /track/CODE fills in the code; the resident adds the phone digits.
    let code = RwSignal::new(params.get_untracked().get("code").unwrap_or_default());
    let suffix = RwSignal::new(String::new());
    // The answer, with the phone digits that proved it (media are fetched with them).
    let result = RwSignal::new(None::<(Result<TicketView, ApiError>, Proof)>);
    // The ticket shown is followed live: read again whenever it changes.
    let following = RwSignal::new(None::<(String, String)>);
    let lookup = Action::new_local(move |(code, suffix): &(String, String)| {
        let key = (code.clone(), suffix.clone());
        let (code, proof) = (code.clone(), Proof::Phone(suffix.clone()));
        async move {
            let answer = api::ticket_public(&code, &proof).await;
            if answer.is_ok() && following.get_untracked().as_ref() != Some(&key) {
                following.set(Some(key));
            }
            result.set(Some((answer, proof)));
        }
    });
    let follow = move || {
        following.get().map(|(code, suffix)| {
            let again = (code.clone(), suffix);
            api::follow_ticket(&code, move || {
                lookup.dispatch(again.clone());
            });
        })
    };
    let rated = Callback::new(move |view: TicketView| {
        result.update(|r| {
            if let Some((ticket, _)) = r {
                *ticket = Ok(view);
            }
        })
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        lookup.dispatch((
            code.get_untracked().trim().to_uppercase(),
            suffix.get_untracked().trim().to_owned(),
        ));
    };
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::TrackTitle)}</h1>
            {follow}
            <p class="lead">{move || i18n.t(Key::TrackIntro)}</p>
            <form class="form" on:submit=submit novalidate>
                <label>
                    <span>{move || i18n.t(Key::TrackingCode)}</span>
                    <input type="text" name="code" autocomplete="off" autocapitalize="characters"
                        maxlength="8" bind:value=code />
                </label>
                <label>
                    <span>{move || i18n.t(Key::PhoneSuffix)}</span>
                    <input type="text" name="phone_suffix" inputmode="numeric" maxlength="4"
                        autocomplete="off" bind:value=suffix />
                </label>
                <button class="button" type="submit" disabled=move || lookup.pending().get()>
                    {move || i18n.t(Key::TrackLookup)}
                </button>
            </form>
            // Once per ticket shown (not on each live refresh of it).
            {move || following.get().map(|(code, suffix)| view! {
                <crate::push::NotifyButton code proof=Proof::Phone(suffix) />
            })}
            {move || result.get().map(|(r, proof)| match r {
                Ok(ticket) => view! {
                    <article class="ticket" data-testid="ticket">
                        <TicketHeader ticket=ticket.clone() />
                        <p class="description">{ticket.description.clone()}</p>
                        <Rating ticket=ticket.clone() proof=proof.clone() rated />
                        <Timeline code=ticket.tracking_code.clone() entries=ticket.timeline proof />
                    </article>
                }.into_any(),
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
            })}
        </section>
    }
}
