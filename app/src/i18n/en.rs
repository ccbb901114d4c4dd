//! English.

use super::Key;

pub fn text(key: Key) -> &'static str {
    match key {
        Key::AppName => "Gridline",
        Key::Tagline => "12345: every complaint answered",
        Key::SwitchLanguage => "Switch language",
        Key::NavHome => "Home",
        Key::NavResident => "Residents",
        Key::NavWorker => "Grid worker",
        Key::NavStation => "Station",
        Key::NavStaff => "Staff",
        Key::HomeIntro => "Raise a concern any time; every complaint gets an answer. Who are you?",
        Key::ResidentTitle => "File a complaint",
        Key::ResidentIntro => {
            "A photo, a voice note or a few words: file in a minute, then follow it with your tracking code."
        }
        Key::ResidentCategories => "Common kinds of complaint",
        Key::WorkerTitle => "Grid patrol",
        Key::WorkerIntro => {
            "Log findings offline while you patrol: solve small ones on the spot, report the rest upward. Sign in first."
        }
        Key::StationTitle => "Station filing",
        Key::StationIntro => {
            "File complaints on behalf of residents who walk in, mostly the elderly."
        }
        Key::StaffTitle => "Staff desk",
        Key::StaffIntro => "Dispatch, accept, handle, supervise. Sign in with your staff account.",
        Key::Username => "Username",
        Key::Password => "Password",
        Key::SignIn => "Sign in",
        Key::SigningIn => "Signing in…",
        Key::SignOut => "Sign out",
        Key::SignedInAs => "Signed in as ",
        Key::Loading => "Loading…",
        Key::NotFoundTitle => "Page not found",
        Key::UpdateReady => "A new version is ready.",
        Key::UpdateNow => "Update now",
        Key::ErrNetwork => "No network. Check your connection and try again.",
        Key::ErrBadRequest => "The request was not understood. Reload the page and try again.",
        Key::ErrValidation => "Please check the following:",
        Key::ErrSignIn => "Please sign in first.",
        Key::ErrCredentials => "Wrong username or password.",
        Key::ErrForbidden => "You are not allowed to do this.",
        Key::ErrNotFound => "Nothing was found.",
        Key::ErrTooLarge => "That is too large. Make it smaller and try again.",
        Key::ErrUnsupported => "That format is not supported.",
        Key::ErrRateLimited => "Too many attempts. Please wait and try again.",
        Key::ErrConflict => "This already exists or was changed meanwhile.",
        Key::ErrServer => "The server failed. Please try again later.",
        Key::ErrUnavailable => "The service is unavailable for now. Please try again later.",
        Key::ErrReference => "Reference",
        Key::FieldSeparator => ": ",
        Key::IssueRequired => "required",
        Key::IssueTooShort => "too short",
        Key::IssueTooLong => "too long",
        Key::IssueInvalid => "invalid",
    }
}
