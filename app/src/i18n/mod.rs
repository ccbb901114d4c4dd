//! The i18n layer: every string the UI shows is a [`Key`], translated by the locale in
//! effect. zh-CN is the default; the choice is kept in localStorage across visits.
//!
//! Each locale is one exhaustive `match` over `Key` (`zh_cn.rs`, `en.rs`), so a key
//! without a translation does not compile.

mod en;
mod zh_cn;

use leptos::prelude::*;

const STORAGE_KEY: &str = "gridline.locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        match tag {
            "zh-CN" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }

    /// How this language names itself (the switch's label).
    pub fn own_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "中文",
            Locale::En => "English",
        }
    }
}

/// Everything the UI says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    AppName,
    Tagline,
    SwitchLanguage,
    NavHome,
    NavWorker,
    NavStation,
    NavStaff,
    ResidentTitle,
    ResidentIntro,
    ResidentCategories,
    WorkerTitle,
    WorkerIntro,
    StationTitle,
    StationIntro,
    StaffTitle,
    StaffIntro,
    Username,
    Password,
    SignIn,
    SigningIn,
    SignOut,
    SignedInAs,
    Loading,
    NotFoundTitle,
    Photos,
    Photo,
    NavTrack,
    NavTickets,
    TrackTitle,
    TrackIntro,
    TrackingCode,
    PhoneSuffix,
    TrackLookup,
    StaffEntry,
    ConsoleTitle,
    ConsoleIntro,
    QueueUnit,
    QueueDispatch,
    QueueOverdue,
    QueueEmpty,
    Refresh,
    NotRouted,
    HandlingDue,
    ResponseDue,
    ReturnPending,
    Overdue,
    Internal,
    TimelineTitle,
    StatusReceived,
    StatusDispatched,
    StatusAccepted,
    StatusInProgress,
    StatusDone,
    StatusClosed,
    EventReceived,
    EventQueued,
    EventDispatched,
    EventRedispatched,
    EventAccepted,
    EventProgress,
    EventResolved,
    EventReturnRequested,
    EventReturnApproved,
    EventReturnRejected,
    EventRated,
    EventClosed,
    EventReopened,
    EventSupervised,
    EventCoUnitAdded,
    EventTierChanged,
    EventDeadlineWarning,
    EventResponseOverdue,
    EventOverdue,
    TicketTitle,
    Matter,
    Address,
    Description,
    LeadUnit,
    CoUnits,
    Tier,
    WorkingDays,
    Contact,
    ActDispatch,
    ActRedispatch,
    ActAccept,
    ActProgress,
    ActResolve,
    ActRequestReturn,
    ActApproveReturn,
    ActRejectReturn,
    ActRate,
    ActClose,
    ActReopen,
    ActSupervise,
    PublicReply,
    Reason,
    Note,
    ActionsTitle,
    Unit,
    ChooseUnit,
    PublicNote,
    Confirm,
    DispatcherTools,
    AddCoUnit,
    ChangeTier,
    UpdateReady,
    UpdateNow,
    ErrNetwork,
    ErrBadRequest,
    ErrValidation,
    ErrSignIn,
    ErrCredentials,
    ErrForbidden,
    ErrNotFound,
    ErrTooLarge,
    ErrUnsupported,
    ErrRateLimited,
    ErrConflict,
    ErrServer,
    ErrUnavailable,
    ErrReference,
    /// Between a field's name and what is wrong with it.
    FieldSeparator,
    IssueRequired,
    IssueTooShort,
    IssueTooLong,
    IssueInvalid,
}

impl Key {
    pub fn text(self, locale: Locale) -> &'static str {
        match locale {
            Locale::ZhCn => zh_cn::text(self),
            Locale::En => en::text(self),
        }
    }
}

/// The locale in effect, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn new(locale: Locale) -> Self {
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The text of `key` in the current locale (reactive: call it inside a closure).
    pub fn t(&self, key: Key) -> &'static str {
        key.text(self.locale.get())
    }

    /// Switches the language, remembers it, and updates `<html lang>`.
    pub fn set_locale(&self, locale: Locale) {
        self.locale.set(locale);
        if let Some(storage) = local_storage() {
            // Private mode may refuse storage; the switch still works for this visit.
            let _ = storage.set_item(STORAGE_KEY, locale.tag());
        }
        apply_document_lang(locale);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn apply_document_lang(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// The remembered locale, or zh-CN.
pub fn stored_locale() -> Locale {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// Provides the i18n context with the remembered locale.
pub fn provide_i18n() -> I18n {
    let locale = stored_locale();
    apply_document_lang(locale);
    let i18n = I18n::new(locale);
    provide_context(i18n);
    i18n
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().expect("provide_i18n() runs at the top of the app")
}
