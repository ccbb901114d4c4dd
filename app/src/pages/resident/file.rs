//! Filing a complaint (我要投诉): the kind of matter (large buttons for the most filed,
//! a search over the whole catalogue), what is wrong, where (the phone's position with
//! its accuracy, or community and grid from lists with the grid's map to tap the place
//! on, plus an address line), up to 9 photos, one voice note, one short video clip, an
//! optional phone number, and consent.
//!
//! Everything typed, photographed or said is saved to the device as it happens (the
//! draft); a closed tab or a reload brings it back. "Submit" moves the draft into the
//! outbox, which sends it when there is a network.

use gridline_core::api::media::MAX_PHOTOS;
use gridline_core::api::ticket::{CreateTicketRequest, NearbyReport, RequestKind};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::reference::use_reference;
use crate::components::clip::VideoClip;
use crate::components::grid_map::GridMap;
use crate::components::ticket::StatusBadge;
use crate::components::voice::VoiceNote;
use crate::i18n::{Key, use_i18n};
use crate::offline::complaints::{self, Complaint, Draft};
use crate::offline::db::{self, StoredMedia};
use crate::offline::photo;
use crate::position::Fix;

/// Search results shown at once.
const RESULTS: usize = 20;

/// A photo of the draft: its id (hash) and a URL to show it from memory.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumb {
    pub id: String,
    pub url: String,
}

fn object_url(blob: &web_sys::Blob) -> String {
    web_sys::Url::create_object_url_with_blob(blob).unwrap_or_default()
}

/// The draft's fields, one signal each (the form binds to them).
/// Also the station's form for a walk-in resident (`pages::station`).
#[derive(Clone, Copy)]
pub struct Form {
    pub id: RwSignal<String>,
    pub matter: RwSignal<String>,
    pub description: RwSignal<String>,
    pub fix: RwSignal<Option<Fix>>,
    pub community: RwSignal<String>,
    pub grid: RwSignal<String>,
    pub address: RwSignal<String>,
    pub phone: RwSignal<String>,
    /// Texts to that phone agreed to (shown once there is a phone).
    pub texts: RwSignal<bool>,
    pub consent: RwSignal<bool>,
    pub photos: RwSignal<Vec<Thumb>>,
    pub voice: RwSignal<Option<String>>,
    pub video: RwSignal<Option<String>>,
    /// A nearby report of the same kind to follow instead (its reference).
    pub follow: RwSignal<Option<String>>,
}

impl Default for Form {
    fn default() -> Self {
        Form::new()
    }
}

impl Form {
    pub fn new() -> Form {
        Form {
            id: RwSignal::new(String::new()),
            matter: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            fix: RwSignal::new(None),
            community: RwSignal::new(String::new()),
            grid: RwSignal::new(String::new()),
            address: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            texts: RwSignal::new(false),
            consent: RwSignal::new(false),
            photos: RwSignal::new(Vec::new()),
            voice: RwSignal::new(None),
            video: RwSignal::new(None),
            follow: RwSignal::new(None),
        }
    }

    /// The draft as it stands (reactive: tracks every field).
    pub fn draft(&self) -> Draft {
        let fix = self.fix.get();
        Draft {
            id: self.id.get(),
            matter_code: self.matter.get(),
            description: self.description.get(),
            lon: fix.map(|f| f.lon),
            lat: fix.map(|f| f.lat),
            accuracy_m: fix.map(|f| f.accuracy),
            community_code: self.community.get(),
            grid_code: self.grid.get(),
            address: self.address.get(),
            contact_phone: self.phone.get(),
            sms_consent: self.texts.get(),
            consent: self.consent.get(),
            photos: self
                .photos
                .with(|p| p.iter().map(|t| t.id.clone()).collect()),
            voice: self.voice.get(),
            video: self.video.get(),
            follow: self.follow.get(),
        }
    }

    /// Fills the form from a saved draft (photos are read back from the device).
    async fn restore(&self, database: &indexed_db_futures::database::Database, draft: Draft) {
        self.id.set(draft.id);
        self.matter.set(draft.matter_code);
        self.description.set(draft.description);
        if let (Some(lon), Some(lat)) = (draft.lon, draft.lat) {
            self.fix.set(Some(Fix {
                lon,
                lat,
                accuracy: draft.accuracy_m.unwrap_or_default(),
            }));
        }
        self.community.set(draft.community_code);
        self.grid.set(draft.grid_code);
        self.address.set(draft.address);
        self.phone.set(draft.contact_phone);
        self.texts.set(draft.sms_consent);
        self.consent.set(draft.consent);
        let mut thumbs = Vec::new();
        for id in draft.photos {
            if let Ok(Some(media)) = db::get_media(database, &id).await {
                thumbs.push(Thumb {
                    url: object_url(&media.blob),
                    id,
                });
            }
        }
        self.photos.set(thumbs);
        self.voice.set(draft.voice);
        self.video.set(draft.video);
        self.follow.set(draft.follow);
    }

    /// Whether it can be filed: a kind, a description, a place, consent.
    pub fn complete(&self) -> bool {
        let located = self.fix.get_untracked().is_some()
            || !self.grid.get_untracked().is_empty()
            || !self.address.get_untracked().trim().is_empty();
        !self.matter.get_untracked().is_empty()
            && !self.description.get_untracked().trim().is_empty()
            && located
            && self.consent.get_untracked()
    }

    /// Forgets the photos' in-memory URLs (when the form goes away or starts again).
    pub fn release_photos(&self) {
        for thumb in self.photos.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&thumb.url);
        }
    }
}

pub fn request_of(draft: &Draft, device_secret: Option<String>) -> CreateTicketRequest {
    let phone = draft.contact_phone.trim();
    // A position places it; without one, the chosen grid does.
    let region =
        (draft.lon.is_none() && !draft.grid_code.is_empty()).then(|| draft.grid_code.clone());
    CreateTicketRequest {
        client_id: Some(draft.id.clone()),
        matter_code: draft.matter_code.clone(),
        description: draft.description.trim().to_owned(),
        lon: draft.lon,
        lat: draft.lat,
        region_code: region,
        address: draft.address.trim().to_owned(),
        contact_name: None,
        contact_phone: (!phone.is_empty()).then(|| phone.to_owned()),
        device_secret,
        media: draft.media().cloned().collect(),
        // Following a report is by where it is: only with a position.
        follow: draft.lon.and(draft.follow.clone()),
        sms_consent: draft.sms_consent && !phone.is_empty(),
        call_id: None,
        kind: RequestKind::Livelihood,
        enterprise_name: None,
        credit_code: None,
    }
}

/// "Text me when it is done": offered once a phone number is typed.
#[component]
pub fn TextsConsent(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || form.phone.with(|p| !p.trim().is_empty())>
            <label class="check">
                <input type="checkbox" name="sms_consent" bind:checked=form.texts />
                <span>{move || i18n.t(Key::TextsConsent)}</span>
            </label>
        </Show>
    }
}

#[component]
pub fn FilePage() -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new();
    let loaded = RwSignal::new(false);
    let restored = RwSignal::new(false);
    let problem = RwSignal::new(None::<Key>);
    let clip = RwSignal::new(None::<web_sys::Blob>);
    let film = RwSignal::new(None::<web_sys::Blob>);

    // A kind chosen on the start page.
    let preset = use_query_map().get_untracked().get("matter");
    // Bring back the draft (or start one), then keep saving it as it changes.
    leptos::task::spawn_local(async move {
        let Ok(database) = crate::offline::database().await else {
            problem.set(Some(Key::SaveFailed));
            loaded.set(true);
            return;
        };
        match complaints::load_draft(&database).await {
            Ok(Some(draft)) if !draft.id.is_empty() => {
                let (voice, video) = (draft.voice.clone(), draft.video.clone());
                let worth_saying = draft
                    != Draft {
                        id: draft.id.clone(),
                        ..Draft::default()
                    };
                form.restore(&database, draft).await;
                for (id, blob) in [(voice, clip), (video, film)] {
                    if let Some(id) = id
                        && let Ok(Some(media)) = db::get_media(&database, &id).await
                    {
                        blob.set(Some(media.blob));
                    }
                }
                restored.set(worth_saying);
            }
            _ => form.id.set(complaints::new_id()),
        }
        if let Some(code) = preset
            && form.matter.get_untracked().is_empty()
        {
            form.matter.set(code);
        }
        loaded.set(true);
    });
    Effect::new(move |_| {
        let draft = form.draft();
        if !loaded.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(database) = crate::offline::database().await
                && complaints::save_draft(&database, &draft).await.is_err()
            {
                problem.set(Some(Key::SaveFailed));
            }
        });
    });
    keep_medium(clip, form.voice, loaded);
    keep_medium(film, form.video, loaded);

    let submitting = RwSignal::new(false);
    let outbox = super::use_outbox();
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.complete() {
            problem.set(Some(Key::FileIncomplete));
            return;
        }
        if submitting.get_untracked() {
            return;
        }
        submitting.set(true);
        let draft = form.draft();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let filed = async {
                let database = crate::offline::database().await?;
                let secret = complaints::device_secret(&database).await?;
                let complaint = Complaint::new(request_of(&draft, Some(secret)), draft.id.clone());
                complaints::file(&database, &complaint).await?;
                Ok::<_, crate::offline::db::OfflineError>(complaint.id)
            };
            match filed.await {
                Ok(id) => {
                    super::send(outbox, true);
                    navigate(&format!("/mine/{id}"), Default::default());
                }
                Err(_) => {
                    problem.set(Some(Key::SaveFailed));
                    submitting.set(false);
                }
            }
        });
    };
    let start_again = move |_| {
        form.release_photos();
        form.matter.set(String::new());
        form.description.set(String::new());
        form.fix.set(None);
        form.community.set(String::new());
        form.grid.set(String::new());
        form.address.set(String::new());
        form.consent.set(false);
        form.photos.set(Vec::new());
        form.follow.set(None);
        clip.set(None);
        film.set(None);
        restored.set(false);
    };
    on_cleanup(move || form.release_photos());

    view! {
        <section class="page filing">
            <h1>{move || i18n.t(Key::ResidentTitle)}</h1>
            <p class="lead">{move || i18n.t(Key::FileIntro)}</p>
            <Show when=move || restored.get()>
                <p class="notice" role="status" data-testid="draft-restored">
                    {move || i18n.t(Key::DraftRestored)} " "
                    <button type="button" class="button small" on:click=start_again>
                        {move || i18n.t(Key::ClearDraft)}
                    </button>
                </p>
            </Show>
            <form class="form" on:submit=submit novalidate>
                <MatterPicker value=form.matter />
                <label>
                    <span>{move || i18n.t(Key::Description)}</span>
                    <textarea name="description" rows="4" maxlength="4000"
                        placeholder=move || i18n.t(Key::DescriptionHint)
                        bind:value=form.description></textarea>
                </label>
                <super::suggest::Suggestions description=form.description matter=form.matter />
                <LocationPicker form />
                <NearbyReports form />
                <PhotoPicker photos=form.photos problem />
                <VoiceNote clip />
                <VideoClip clip=film />
                <label>
                    <span>{move || i18n.t(Key::ContactPhone)}</span>
                    <input type="tel" name="phone" inputmode="tel" autocomplete="tel" maxlength="20"
                        bind:value=form.phone />
                </label>
                <Show when=move || form.phone.with(|p| p.trim().is_empty())>
                    <p class="hint">{move || i18n.t(Key::AnonymousNote)}</p>
                </Show>
                <TextsConsent form />
                <label class="check">
                    <input type="checkbox" name="consent" bind:checked=form.consent />
                    <span>{move || i18n.t(Key::Consent)}</span>
                </label>
                {move || problem.get().map(|key| view! {
                    <p class="error" role="alert" data-testid="file-problem">{move || i18n.t(key)}</p>
                })}
                <button class="button primary large" type="submit" data-testid="submit"
                    disabled=move || submitting.get() || !loaded.get()>
                    {move || i18n.t(Key::Submit)}
                </button>
            </form>
        </section>
    }
}

/// Keeps a recorded voice note or chosen clip in the device's media at once, naming it
/// in the draft's `id` (and forgets a deleted one once `loaded`).
pub fn keep_medium(
    clip: RwSignal<Option<web_sys::Blob>>,
    id_of: RwSignal<Option<String>>,
    loaded: RwSignal<bool>,
) {
    Effect::new(move |_| {
        let Some(blob) = clip.get() else {
            if loaded.get_untracked() {
                id_of.set(None);
            }
            return;
        };
        leptos::task::spawn_local(async move {
            let Ok(id) = photo::sha256_hex(&blob).await else {
                return;
            };
            let media = StoredMedia::new(id.clone(), blob.type_(), blob);
            if let Ok(database) = crate::offline::database().await
                && db::put_media(&database, &media).await.is_ok()
            {
                id_of.set(Some(id));
            }
        });
    });
}

/// The kind of matter: large buttons for the most filed, and a search over all.
#[component]
pub fn MatterPicker(value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let query = RwSignal::new(String::new());
    let choice = move |code: String, zh: String, en: String| {
        view! {
            <button type="button" class="choice" on:click=move |_| value.set(code.clone())>
                {move || i18n.pick(&zh, &en).to_owned()}
            </button>
        }
    };
    view! {
        <fieldset class="matter-picker" data-testid="matter-picker">
            <legend>{move || i18n.t(Key::Matter)}</legend>
            {move || {
                let code = value.get();
                if code.is_empty() {
                    let common = reference.with(|r| {
                        r.common
                            .iter()
                            .filter_map(|c| r.matter(c))
                            .map(|m| choice(m.code.clone(), m.name_zh.clone(), m.name_en.clone()))
                            .collect_view()
                    });
                    let found = move || {
                        let results = reference.with(|r| r.search(&query.get(), RESULTS));
                        if results.is_empty() && !query.with(|q| q.trim().is_empty()) {
                            return view! { <p class="hint">{move || i18n.t(Key::NoMatterFound)}</p> }
                                .into_any();
                        }
                        results
                            .into_iter()
                            .map(|m| choice(m.code, m.name_zh, m.name_en))
                            .collect_view()
                            .into_any()
                    };
                    view! {
                        <div class="choices large" data-testid="common-matters">{common}</div>
                        <input type="search" name="matter_search" autocomplete="off"
                            placeholder=move || i18n.t(Key::MatterSearch) bind:value=query />
                        <div class="choices" data-testid="matter-results">{found}</div>
                    }
                    .into_any()
                } else {
                    let name = move || {
                        reference.with(|r| {
                            r.matter(&value.get())
                                .map(|m| i18n.pick(&m.name_zh, &m.name_en).to_owned())
                                .unwrap_or_else(|| value.get())
                        })
                    };
                    view! {
                        <p class="chosen" data-testid="chosen-matter">
                            <strong>{name}</strong> " "
                            <button type="button" class="button small" on:click=move |_| value.set(String::new())>
                                {move || i18n.t(Key::ChangeMatter)}
                            </button>
                        </p>
                    }
                    .into_any()
                }
            }}
        </fieldset>
    }
}

/// Where: the position with its accuracy, or community and grid, and an address.
#[component]
pub fn LocationPicker(
    form: Form,
    /// Filed for someone elsewhere (a caller on the hotline): this device's position is
    /// not theirs, so it is not offered.
    #[prop(optional)]
    remote: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let reference = use_reference();
    let locating = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let locate = move |_| {
        locating.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            let fix = crate::position::current(15_000).await;
            failed.set(fix.is_none());
            if fix.is_some() {
                form.fix.set(fix);
            }
            locating.set(false);
        });
    };
    // `selected` follows the value: a restored draft's choice shows once the lists arrive.
    let option = move |region: &gridline_core::api::reference::Region, value: RwSignal<String>| {
        let (zh, en, code) = (
            region.name_zh.clone(),
            region.name_en.clone(),
            region.code.clone(),
        );
        let selected = {
            let code = code.clone();
            move || value.with(|v| *v == code)
        };
        view! {
            <option value=code selected=selected>{move || i18n.pick(&zh, &en).to_owned()}</option>
        }
    };
    view! {
        <fieldset class="location">
            <legend>{move || i18n.t(Key::Location)}</legend>
            {(!remote).then(|| view! {
                <button type="button" class="button" on:click=locate disabled=move || locating.get()>
                    {move || i18n.t(if locating.get() { Key::Locating } else { Key::UseMyPosition })}
                </button>
            })}
            {move || form.fix.get().map(|fix| view! {
                <p class="hint" data-testid="position">
                    {move || i18n.t(Key::AccurateTo)} {format!(" {} ", fix.accuracy.round() as i64)} {move || i18n.t(Key::Metres)}
                </p>
            })}
            <Show when=move || failed.get()>
                <p class="notice">{move || i18n.t(Key::PositionUnavailable)}</p>
            </Show>
            <label>
                <span>{move || i18n.t(Key::Community)}</span>
                <select name="community" bind:value=form.community
                    on:change=move |_| form.grid.set(String::new())>
                    <option value="">{move || i18n.t(Key::ChooseCommunity)}</option>
                    {move || reference.with(|r| {
                        r.communities.iter().map(|c| option(c, form.community)).collect_view()
                    })}
                </select>
            </label>
            <label>
                <span>{move || i18n.t(Key::Grid)}</span>
                <select name="grid" bind:value=form.grid>
                    <option value="">{move || i18n.t(Key::ChooseGrid)}</option>
                    {move || {
                        let community = form.community.get();
                        reference.with(|r| r.grids_of(&community).map(|g| option(g, form.grid)).collect_view())
                    }}
                </select>
            </label>
            <GridMap grid=form.grid point=form.fix
                on_pick=Callback::new(move |fix| form.fix.set(Some(fix))) />
            <label>
                <span>{move || i18n.t(Key::Address)}</span>
                <input type="text" name="address" maxlength="200" autocomplete="street-address"
                    placeholder=move || i18n.t(Key::AddressHint) bind:value=form.address />
            </label>
        </fieldset>
    }
}

/// Open reports of the chosen kind near the position (when there is a network): the
/// resident may follow one instead of having the same problem handled twice.
#[component]
fn NearbyReports(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let found = RwSignal::new(Vec::<NearbyReport>::new());
    Effect::new(move |_| {
        let matter = form.matter.get();
        let Some(fix) = form.fix.get().filter(|_| !matter.is_empty()) else {
            found.set(Vec::new());
            return;
        };
        leptos::task::spawn_local(async move {
            // Offline the list is not shown and a report chosen before is still asked
            // for (the server files the complaint on its own if it no longer can be);
            // online, a report no longer offered is no longer followed.
            let Ok(answer) = crate::api::nearby(&matter, fix.lon, fix.lat).await else {
                found.set(Vec::new());
                return;
            };
            if let Some(chosen) = form.follow.get_untracked()
                && !answer.reports.iter().any(|r| r.reference == chosen)
            {
                form.follow.set(None);
            }
            found.set(answer.reports);
        });
    });
    // Drawn again as a whole when the list, the choice or the language changes.
    move || {
        let following = form.follow.get();
        let reports = found.get();
        if reports.is_empty() && following.is_none() {
            return None;
        }
        let rows = reports
            .into_iter()
            .map(|r| {
                let chosen = following.as_ref() == Some(&r.reference);
                let reference = r.reference;
                let mut about = format!(
                    "{} {} {} · {}",
                    i18n.t(Key::WithinBefore),
                    r.distance_m,
                    i18n.t(Key::WithinAfter),
                    match r.days_ago {
                        0 => i18n.t(Key::Today).to_owned(),
                        n => format!("{n} {}", i18n.t(Key::DaysAgo)),
                    }
                );
                if r.followers > 0 {
                    about += &format!(" · {} {}", r.followers, i18n.t(Key::Followers));
                }
                view! {
                    <li data-testid="nearby-report">
                        <StatusBadge status=r.status />
                        <span>{about}</span>
                        <button type="button" class="button small" aria-pressed=chosen.to_string()
                            on:click=move |_| form.follow.set((!chosen).then(|| reference.clone()))>
                            {i18n.t(if chosen { Key::Unfollow } else { Key::FollowThis })}
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="nearby notice" data-testid="nearby">
                <h2>{i18n.t(Key::NearbyTitle)}</h2>
                <p class="hint">{i18n.t(Key::NearbyIntro)}</p>
                <ul>{rows}</ul>
                {following.map(|_| view! {
                    <p role="status" data-testid="following">
                        {i18n.t(Key::Following)} " "
                        <button type="button" class="button small" on:click=move |_| form.follow.set(None)>
                            {i18n.t(Key::Unfollow)}
                        </button>
                    </p>
                })}
            </section>
        })
    }
}

/// Up to 9 photos from the camera or the gallery, made small and upright first and
/// kept on the device at once.
#[component]
pub fn PhotoPicker(photos: RwSignal<Vec<Thumb>>, problem: RwSignal<Option<Key>>) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let add = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        busy.set(true);
        leptos::task::spawn_local(async move {
            let Ok(database) = crate::offline::database().await else {
                problem.set(Some(Key::SaveFailed));
                busy.set(false);
                return;
            };
            for file in files {
                if photos.with_untracked(Vec::len) >= MAX_PHOTOS {
                    break;
                }
                let prepared = async {
                    let blob = photo::prepare(&file).await.ok()?;
                    let id = photo::sha256_hex(&blob).await.ok()?;
                    Some(StoredMedia::new(id, "image/jpeg".into(), blob))
                };
                let Some(media) = prepared.await else {
                    problem.set(Some(Key::PhotoUnreadable));
                    continue;
                };
                if photos.with_untracked(|p| p.iter().any(|t| t.id == media.id)) {
                    continue;
                }
                if db::put_media(&database, &media).await.is_err() {
                    problem.set(Some(Key::SaveFailed));
                    break;
                }
                photos.update(|p| {
                    p.push(Thumb {
                        url: object_url(&media.blob),
                        id: media.id,
                    })
                });
            }
            busy.set(false);
        });
    };
    let remove = move |id: String| {
        photos.update(|p| {
            if let Some(i) = p.iter().position(|t| t.id == id) {
                let _ = web_sys::Url::revoke_object_url(&p.remove(i).url);
            }
        });
    };
    view! {
        <fieldset class="photos">
            <legend>
                {move || i18n.t(Key::Photos)} " "
                <small>{move || format!("{}/{MAX_PHOTOS} · {}", photos.with(Vec::len), i18n.t(Key::PhotosLimit))}</small>
            </legend>
            <ul class="thumbs" data-testid="thumbs">
                <For
                    each=move || photos.get()
                    key=|t| t.id.clone()
                    children=move |thumb| view! {
                        <li>
                            <img src=thumb.url.clone() alt=move || i18n.t(Key::Photo) />
                            <button type="button" class="button small"
                                on:click=move |_| remove(thumb.id.clone())>
                                {move || i18n.t(Key::Delete)}
                            </button>
                        </li>
                    }
                />
            </ul>
            <Show when=move || photos.with(Vec::len) < MAX_PHOTOS>
                <div class="photo-buttons">
                    <label class="button">
                        {move || i18n.t(Key::TakePhoto)}
                        <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                            on:change=add disabled=move || busy.get() />
                    </label>
                    <label class="button">
                        {move || i18n.t(Key::ChoosePhotos)}
                        <input type="file" accept="image/*" multiple class="visually-hidden"
                            data-testid="photo-input" on:change=add disabled=move || busy.get() />
                    </label>
                </div>
            </Show>
            <Show when=move || busy.get()>
                <p class="hint" role="status">{move || i18n.t(Key::Saving)}</p>
            </Show>
        </fieldset>
    }
}
