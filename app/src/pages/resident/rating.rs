//! Rating a done ticket (回访评价): satisfied, basically satisfied or dissatisfied,
//! with an optional comment. Dissatisfied sends it back once; the resident is told so
//! before choosing.

use gridline_core::api::ticket::{RatingRequest, TicketView};
use gridline_core::ticket::{Satisfaction, Status};
use leptos::prelude::*;

use crate::api::{self, ApiError, Proof};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

pub fn satisfaction_key(s: Satisfaction) -> Key {
    match s {
        Satisfaction::Satisfied => Key::Satisfied,
        Satisfaction::BasicallySatisfied => Key::BasicallySatisfied,
        Satisfaction::Dissatisfied => Key::Dissatisfied,
    }
}

/// The rating of `ticket` if it has one, the form if it can be rated, else nothing.
/// `rated` receives the ticket as it is after rating.
#[component]
pub fn Rating(ticket: TicketView, proof: Proof, rated: Callback<TicketView>) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(given) = ticket.satisfaction {
        return view! {
            <p class="rating" data-testid="rating">
                {move || i18n.t(Key::YourRating)} <strong>{move || i18n.t(satisfaction_key(given))}</strong>
                {ticket.review_pending.then(|| view! {
                    " " <span class="badge">{move || i18n.t(Key::ReviewPending)}</span>
                })}
            </p>
        }
        .into_any();
    }
    if ticket.status != Status::Done {
        return ().into_any();
    }
    let code = ticket.tracking_code.clone();
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(move |satisfaction: &Satisfaction| {
        let request = RatingRequest {
            satisfaction: *satisfaction,
            comment: comment.get_untracked().trim().to_owned(),
        };
        let (code, proof) = (code.clone(), proof.clone());
        async move {
            match api::rate(&code, &proof, &request).await {
                Ok(view) => rated.run(view),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let choice = move |value: Satisfaction| {
        view! {
            <button type="button" class="button large" data-testid=format!("rate-{}", value.as_str())
                disabled=move || send.pending().get()
                on:click=move |_| { send.dispatch(value); }>
                {move || i18n.t(satisfaction_key(value))}
            </button>
        }
    };
    view! {
        <fieldset class="rating" data-testid="rating-form">
            <legend>{move || i18n.t(Key::RateTitle)}</legend>
            <label>
                <span>{move || i18n.t(Key::RateComment)}</span>
                <textarea name="comment" rows="2" maxlength="2000" bind:value=comment></textarea>
            </label>
            <p class="hint">{move || i18n.t(Key::RateRule)}</p>
            <div class="choices large">
                {choice(Satisfaction::Satisfied)}
                {choice(Satisfaction::BasicallySatisfied)}
                {choice(Satisfaction::Dissatisfied)}
            </div>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
        </fieldset>
    }
    .into_any()
}
