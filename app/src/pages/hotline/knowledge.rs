//! Keeping the knowledge base (解答知识库) in the console: every entry (or those that
//! answer a search), each with its matter types, validity and keeper; admins add,
//! change and remove any entry, a unit's handlers those their unit keeps. The server
//! decides who keeps what and says so when it refuses (shown with the form).

use gridline_core::Role;
use gridline_core::api::knowledge::{KnowledgeEntry, KnowledgeFields};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::i18n::{Key, use_i18n};
use crate::pages::staff::reference::use_reference;
use crate::pages::staff::{RequireRole, use_session};

/// Who reads the knowledge base here.
const READERS: &[Role] = &[
    Role::Admin,
    Role::UnitHandler,
    Role::Dispatcher,
    Role::HotlineOperator,
];
/// Who may keep entries (the server narrows handlers to their units' own).
const KEEPERS: &[Role] = &[Role::Admin, Role::UnitHandler];

#[component]
pub fn KnowledgePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page knowledge">
            <h1>{move || i18n.t(Key::KnowledgeTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::KnowledgeIntro)}</p>
            <RequireRole roles=READERS><Entries /></RequireRole>
        </section>
    }
}

/// The entry being written: a new one (`id` none) or a change.
#[derive(Clone, Copy)]
struct Draft {
    id: RwSignal<Option<i64>>,
    question: RwSignal<String>,
    answer: RwSignal<String>,
    matters: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    owner: RwSignal<String>,
}

impl Draft {
    fn fill(&self, id: Option<i64>, f: KnowledgeFields) {
        self.id.set(id);
        self.question.set(f.question);
        self.answer.set(f.answer);
        self.matters.set(f.matter_codes.join(", "));
        self.from.set(f.valid_from.unwrap_or_default());
        self.to.set(f.valid_to.unwrap_or_default());
        self.owner.set(f.owner_unit_code.unwrap_or_default());
    }

    fn fields(&self) -> KnowledgeFields {
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        KnowledgeFields {
            question: self.question.get_untracked().trim().to_owned(),
            answer: self.answer.get_untracked().trim().to_owned(),
            matter_codes: self
                .matters
                .get_untracked()
                .split([',', '，', ' '])
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            valid_from: some(self.from.get_untracked()),
            valid_to: some(self.to.get_untracked()),
            owner_unit_code: some(self.owner.get_untracked()),
        }
    }
}

#[component]
fn Entries() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let keeps = move || session.has_any(KEEPERS);
    let query = RwSignal::new(String::new());
    let entries = RwSignal::new(None::<Result<Vec<KnowledgeEntry>, ApiError>>);
    let load = move || {
        let q = query.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = api::search_knowledge(q.trim()).await.map(|a| a.entries);
            entries.try_set(Some(answer));
        });
    };
    load();
    let editing = RwSignal::new(false);
    let draft = Draft {
        id: RwSignal::new(None),
        question: RwSignal::new(String::new()),
        answer: RwSignal::new(String::new()),
        matters: RwSignal::new(String::new()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
        owner: RwSignal::new(String::new()),
    };
    let error = RwSignal::new(None::<ApiError>);
    let deleting = RwSignal::new(None::<i64>);
    let open = move |id: Option<i64>, fields: KnowledgeFields| {
        draft.fill(id, fields);
        error.set(None);
        editing.set(true);
    };
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::delete_knowledge(id).await {
                Ok(()) => load(),
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            deleting.try_set(None);
        });
    };
    let row = move |e: KnowledgeEntry| {
        let (id, fields) = (e.id, e.fields);
        let kept = fields.clone();
        let valid = match (&fields.valid_from, &fields.valid_to) {
            (None, None) => String::new(),
            (from, to) => format!(
                "{} – {}",
                from.as_deref().unwrap_or(""),
                to.as_deref().unwrap_or("")
            ),
        };
        let about = format!(
            "{} {} {}",
            fields.matter_codes.join(", "),
            valid,
            fields.owner_unit_code.unwrap_or_default()
        );
        view! {
            <li data-testid="kb-entry">
                <details>
                    <summary>{fields.question}</summary>
                    <p>{fields.answer}</p>
                </details>
                <p class="hint">{about}</p>
                <Show when=keeps>
                    <div class="row-actions">
                        <button type="button" class="button small"
                            on:click={
                                let kept = kept.clone();
                                move |_| open(Some(id), kept.clone())
                            }>
                            {move || i18n.t(Key::Edit)}
                        </button>
                        {move || if deleting.get() == Some(id) {
                            view! {
                                <button type="button" class="button small danger" on:click=move |_| remove(id)>
                                    {move || i18n.t(Key::ConfirmDelete)}
                                </button>
                            }.into_any()
                        } else {
                            view! {
                                <button type="button" class="button small" on:click=move |_| deleting.set(Some(id))>
                                    {move || i18n.t(Key::Delete)}
                                </button>
                            }.into_any()
                        }}
                    </div>
                </Show>
            </li>
        }
    };
    view! {
        <form class="inline-form" role="search" on:submit=search novalidate>
            <input type="search" name="q" aria-label=move || i18n.t(Key::KnowledgeSearch) bind:value=query />
            <button class="button" type="submit">{move || i18n.t(Key::KnowledgeSearch)}</button>
        </form>
        <Show when=move || keeps() && !editing.get()>
            <button type="button" class="button primary" data-testid="kb-new"
                on:click=move |_| open(None, KnowledgeFields::default())>
                {move || i18n.t(Key::NewAnswer)}
            </button>
        </Show>
        {move || (!editing.get()).then(|| error.get().map(|error| view! { <ErrorNotice error /> }))}
        <Show when=move || editing.get()>
            <EntryForm draft error on_done=Callback::new(move |saved: bool| {
                editing.set(false);
                if saved {
                    load();
                }
            }) />
        </Show>
        {move || match entries.get() {
            None => view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="hint">{move || i18n.t(Key::KnowledgeNone)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="list entries">{list.into_iter().map(row).collect_view()}</ul>
            }.into_any(),
        }}
    }
}

/// Writing an entry: its question and answer, the matter types it answers for, when it
/// holds, and who keeps it.
#[component]
fn EntryForm(
    draft: Draft,
    error: RwSignal<Option<ApiError>>,
    on_done: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let saving = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, fields) = (draft.id.get_untracked(), draft.fields());
        saving.set(true);
        leptos::task::spawn_local(async move {
            let saved = match id {
                Some(id) => api::update_knowledge(id, &fields).await,
                None => api::create_knowledge(&fields).await,
            };
            saving.try_set(false);
            match saved {
                Ok(()) => {
                    error.try_set(None);
                    on_done.run(true);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="form" data-testid="kb-form" on:submit=submit novalidate>
            <label>
                <span>{move || i18n.t(Key::Question)}</span>
                <input type="text" name="question" maxlength="200" bind:value=draft.question />
            </label>
            <label>
                <span>{move || i18n.t(Key::StandardAnswer)}</span>
                <textarea name="answer" rows="5" maxlength="4000" bind:value=draft.answer></textarea>
            </label>
            <label>
                <span>{move || i18n.t(Key::AnswerMatters)}</span>
                <input type="text" name="matter_codes" autocomplete="off" bind:value=draft.matters />
            </label>
            <label>
                <span>{move || i18n.t(Key::ValidFrom)}</span>
                <input type="date" name="valid_from" bind:value=draft.from />
            </label>
            <label>
                <span>{move || i18n.t(Key::ValidTo)}</span>
                <input type="date" name="valid_to" bind:value=draft.to />
            </label>
            <label>
                <span>{move || i18n.t(Key::OwnerUnit)}</span>
                <select name="owner_unit_code" bind:value=draft.owner>
                    <option value="">{move || i18n.t(Key::Platform)}</option>
                    {move || reference.unit_choices(i18n.locale()).into_iter().map(|(code, name)| {
                        let selected = {
                            let code = code.clone();
                            move || draft.owner.with(|o| *o == code)
                        };
                        view! { <option value=code selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </label>
            {move || error.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="row-actions">
                <button class="button primary" type="submit" disabled=move || saving.get()>
                    {move || i18n.t(Key::SaveAnswer)}
                </button>
                <button class="button" type="button" on:click=move |_| on_done.run(false)>
                    {move || i18n.t(Key::CancelEdit)}
                </button>
            </div>
        </form>
    }
}
