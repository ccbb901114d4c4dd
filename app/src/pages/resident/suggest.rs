//! While someone describes a problem: the matter types it is probably about (a tap
//! chooses one) and the standard answers that may settle it (这些解答也许能帮到您),
//! from `GET /api/v1/suggest`. Online only: the classifier and the knowledge base live
//! on the server (the resident app has no room for them, docs/design.md).

use leptos::prelude::*;

use super::reference::use_reference;
use crate::i18n::{Key, use_i18n};

/// Asked this long after the typing stops.
const PAUSE_MS: u64 = 600;
/// Asked from this many characters on.
const LEAST: usize = 4;

#[component]
pub fn Suggestions(
    description: RwSignal<String>,
    matter: RwSignal<String>,
    /// The matter types only: the page shows the knowledge base its own way (the
    /// hotline console).
    #[prop(optional)]
    matters_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let found = RwSignal::new(None::<gridline_core::api::knowledge::SuggestResponse>);
    let asked = StoredValue::new(0_u32);
    Effect::new(move |_| {
        let text = description.get();
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        if text.trim().chars().count() < LEAST || !crate::offline::sync::online() {
            found.set(None);
            return;
        }
        // The page may be gone by the time the pause ends or the answer comes: `try_`.
        set_timeout(
            move || {
                if asked.try_get_value() != Some(this) {
                    return; // typed on since, or left
                }
                leptos::task::spawn_local(async move {
                    let answer = crate::api::suggest(text.trim()).await.ok();
                    if asked.try_get_value() == Some(this) {
                        found.try_set(answer);
                    }
                });
            },
            std::time::Duration::from_millis(PAUSE_MS),
        );
    });
    move || {
        let found = found.get()?;
        let chips = matter.with(String::is_empty).then(|| {
            found
                .matters
                .iter()
                .filter_map(|code| reference.with(|r| r.matter(code).cloned()))
                .map(|m| {
                    let code = m.code.clone();
                    view! {
                        <button type="button" class="choice" on:click=move |_| matter.set(code.clone())>
                            {i18n.pick(&m.name_zh, &m.name_en).to_owned()}
                        </button>
                    }
                })
                .collect_view()
        });
        let has_answers = !matters_only && !found.answers.is_empty();
        let answers = found
            .answers
            .into_iter()
            .map(|a| {
                view! {
                    <li><details><summary>{a.question}</summary><p>{a.answer}</p></details></li>
                }
            })
            .collect_view();
        Some(view! {
            <div class="suggestions" data-testid="suggestions">
                {chips.map(|chips| view! {
                    <p class="hint">{i18n.t(Key::MaybeMatter)}</p>
                    <div class="choices" data-testid="suggested-matters">{chips}</div>
                })}
                {has_answers.then(|| view! {
                    <section class="answers notice" data-testid="answers">
                        <h2>{i18n.t(Key::AnswersTitle)}</h2>
                        <p class="hint">{i18n.t(Key::AnswersIntro)}</p>
                        <ul>{answers}</ul>
                    </section>
                })}
            </div>
        })
    }
}
