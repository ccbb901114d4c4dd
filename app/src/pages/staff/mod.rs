//! Staff (工作台): sign in, then the areas the account's roles open: the ticket
//! consoles (unit handlers, dispatchers, supervisors) in the staff app, patrol in the
//! field app, the counter in the station app, the figures in the statistics app. Every program uses this sign-in and
//! session.

pub mod advance;
pub mod console;
pub mod consult;
pub mod reference;
pub mod ticket;

use gridline_core::Role;
use gridline_core::api::auth::{LoginRequest, StaffProfile};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};

/// Who is signed in, shared by every page of the staff app.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub user: RwSignal<Option<StaffProfile>>,
    /// The server has answered who is signed in (or could not be asked).
    pub checked: RwSignal<bool>,
    /// The server ended the session while this device was working (sync found out).
    pub expired: RwSignal<bool>,
    /// The program's base path (`/staff` or `/field`): its sign-in page is there.
    pub base: &'static str,
    /// Counts sign-ins and sign-outs on this device, so an answer to "who is signed
    /// in?" asked before one of them cannot undo it.
    changes: StoredValue<u32>,
}

impl Session {
    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.user
            .get()
            .is_some_and(|u| u.roles.iter().any(|r| roles.contains(r)))
    }
}

impl Session {
    /// Signs in (or out) on this device: kept in localStorage, so a grid worker who
    /// signed in online keeps working offline after a reload or a browser restart.
    /// The server ended the session: signed out here too, saying why.
    pub fn expire(&self) {
        self.set(None);
        self.expired.set(true);
    }

    pub fn set(&self, user: Option<StaffProfile>) {
        self.changes.update_value(|n| *n = n.wrapping_add(1));
        if user.is_some() {
            self.expired.set(false);
        }
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = match user.as_ref().and_then(|u| serde_json::to_string(u).ok()) {
                Some(json) => storage.set_item(PROFILE_KEY, &json),
                None => storage.remove_item(PROFILE_KEY),
            };
        }
        // Only a change re-renders: a form being filled in is not drawn again empty.
        if self.user.with_untracked(|current| *current != user) {
            self.user.set(user);
        }
    }
}

const PROFILE_KEY: &str = "gridline.staff";

fn remembered_profile() -> Option<StaffProfile> {
    let storage = web_sys::window()?.local_storage().ok()??;
    serde_json::from_str(&storage.get_item(PROFILE_KEY).ok()??).ok()
}

/// Provides the session: who signed in on this device (remembered), then asks the
/// server. The server's word wins when it answers: signed out there is signed out
/// here; with no network the remembered profile stands (the server still checks every
/// call when the network returns).
pub fn provide_session(base: &'static str) {
    let session = Session {
        user: RwSignal::new(remembered_profile()),
        checked: RwSignal::new(false),
        expired: RwSignal::new(false),
        base,
        changes: StoredValue::new(0),
    };
    provide_context(session);
    leptos::task::spawn_local(async move {
        let asked = session.changes.get_value();
        let answer = api::me().await;
        // Signed in or out on this page while the question was on its way: that
        // is newer than the answer.
        if session.changes.get_value() == asked {
            match answer {
                Ok(current) => session.set(Some(current.user)),
                Err(ApiError::Network) => {}
                Err(_) => session.set(None),
            }
        }
        session.checked.set(true);
    });
}

pub fn use_session() -> Session {
    use_context::<Session>().expect("provide_session() runs at the top of the staff app")
}

/// The staff app's start page: sign in, or the areas this account may use.
#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <section class="page">
            <h1>{move || i18n.t(Key::StaffTitle)}</h1>
            {move || match session.user.get() {
                Some(profile) => view! { <SignedIn profile /> }.into_any(),
                None => view! { <LoginForm /> }.into_any(),
            }}
        </section>
    }
}

/// Shown on pages that need a signed-in account with one of some roles.
#[component]
pub fn RequireRole(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        if session.has_any(roles) {
            children().into_any()
        } else if session.user.get().is_some() {
            view! { <p class="notice">{move || i18n.t(Key::ErrForbidden)}</p> }.into_any()
        } else if session.checked.get() || session.expired.get() {
            let why = if session.expired.get() {
                Key::SyncSignIn
            } else {
                Key::ErrSignIn
            };
            view! {
                <p class="notice" data-testid="sign-in-needed">
                    {move || i18n.t(why)} " "
                    <A href=format!("{}/", session.base)>{move || i18n.t(Key::SignIn)}</A>
                </p>
            }
            .into_any()
        } else {
            view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any()
        }
    }
}

/// The roles that open the ticket consoles.
pub const CONSOLE_ROLES: &[Role] = &[
    Role::UnitHandler,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
];

#[component]
fn SignedIn(profile: StaffProfile) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sign_out = Action::new_local(move |_: &()| async move {
        // Offline sign-out still forgets the user locally; the server session expires.
        let _ = api::logout().await;
        session.set(None);
    });
    let has = |roles: &[Role]| profile.roles.iter().any(|r| roles.contains(r));
    // A page of this program is routed here; one of the other program is loaded by
    // the browser (a plain link).
    let card = move |href: &'static str, title: Key, intro: Key| {
        let body = move || {
            view! {
                <strong>{move || i18n.t(title)}</strong>
                <span>{move || i18n.t(intro)}</span>
            }
        };
        if href.starts_with(session.base) {
            view! { <A href=href attr:class="area-card">{body()}</A> }.into_any()
        } else {
            view! { <a href=href rel="external" class="area-card">{body()}</a> }.into_any()
        }
    };
    view! {
        <p data-testid="signed-in">{move || i18n.t(Key::SignedInAs)} {profile.display_name.clone()}</p>
        <div class="area-cards">
            {has(CONSOLE_ROLES).then(|| card("/staff/tickets", Key::ConsoleTitle, Key::ConsoleIntro))}
            {has(crate::pages::stats::STATS_ROLES).then(|| card("/stats/ranking", Key::StatsTitle, Key::StatsIntro))}
            {has(&[Role::GridWorker]).then(|| card("/field/worker", Key::WorkerTitle, Key::WorkerIntro))}
            {has(&[Role::Station]).then(|| card("/station/", Key::StationTitle, Key::StationIntro))}
            {has(&[Role::HotlineOperator]).then(|| card("/hotline/calls", Key::HotlineTitle, Key::HotlineIntro))}
            {has(&[Role::Admin, Role::UnitHandler]).then(|| card("/hotline/knowledge", Key::KnowledgeTitle, Key::KnowledgeIntro))}
        </div>
        <button class="button" on:click=move |_| { sign_out.dispatch(()); }>
            {move || i18n.t(Key::SignOut)}
        </button>
    }
}

#[component]
pub fn LoginForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let login = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            match api::login(&request).await {
                Ok(signed_in) => {
                    error.set(None);
                    session.set(Some(signed_in.user));
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
