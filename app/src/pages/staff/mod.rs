//! Staff (工作台): sign in; the consoles come with the dispatch issue.

use gridline_core::api::auth::{LoginRequest, StaffProfile};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = RwSignal::new(None::<StaffProfile>);
    // Who is signed in already (a valid session cookie)? Offline or signed out: nobody.
    let current = LocalResource::new(api::me);
    Effect::new(move |_| {
        if let Some(Ok(session)) = current.get() {
            user.set(Some(session.user));
        }
    });
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::StaffTitle)}</h1>
            {move || match user.get() {
                Some(profile) => view! { <SignedIn profile user /> }.into_any(),
                None => view! { <LoginForm user /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn SignedIn(profile: StaffProfile, user: RwSignal<Option<StaffProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let sign_out = Action::new_local(move |_: &()| async move {
        // Offline sign-out still forgets the user locally; the server session expires.
        let _ = api::logout().await;
        user.set(None);
    });
    view! {
        <p data-testid="signed-in">{move || i18n.t(Key::SignedInAs)} {profile.display_name.clone()}</p>
        <button class="button" on:click=move |_| { sign_out.dispatch(()); }>
            {move || i18n.t(Key::SignOut)}
        </button>
    }
}

#[component]
fn LoginForm(user: RwSignal<Option<StaffProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let login = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            match api::login(&request).await {
                Ok(session) => {
                    error.set(None);
                    user.set(Some(session.user));
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        login.dispatch(LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
        });
    };
    view! {
        <p class="lead">{move || i18n.t(Key::StaffIntro)}</p>
        <form class="form" on:submit=submit novalidate>
            <label>
                <span>{move || i18n.t(Key::Username)}</span>
                <input type="text" name="username" autocomplete="username" bind:value=username />
            </label>
            <label>
                <span>{move || i18n.t(Key::Password)}</span>
                <input type="password" name="password" autocomplete="current-password" bind:value=password />
            </label>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <button class="button primary" type="submit" disabled=move || login.pending().get()>
                {move || if login.pending().get() { i18n.t(Key::SigningIn) } else { i18n.t(Key::SignIn) }}
            </button>
        </form>
    }
}
