//! What the console says about a failed request: an API error (`code` and `field`), a
//! status without a readable body, or no answer at all, becomes a [`Problem`]: the
//! message [`Key`] and where it is shown, beside the field the server named or above the
//! form. Pure; the tests pin the mapping.

use crate::i18n::{Key, Lang, text};
use kizuna_shared::wire::public::ErrorDetail;

/// A failed request, as the shell saw it.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The server answered `status`, with its error body when it was one.
    Answered { status: u16, error: Option<ErrorDetail>, retry_after: Option<u32> },
    /// No answer (offline, DNS, CORS, aborted).
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Beside the input for this API field name (`email`, `timeZone`, `profile.plan`...);
    /// above the form when `None`.
    pub field: Option<String>,
    pub key: Key,
    /// Fills `{seconds}` or `{code}` in the message.
    pub detail: Option<String>,
}

impl Problem {
    pub fn at(field: &str, key: Key) -> Problem {
        Problem { field: Some(field.to_owned()), key, detail: None }
    }

    pub fn form(key: Key) -> Problem {
        Problem { field: None, key, detail: None }
    }

    /// The message in `lang`, its placeholder filled.
    pub fn message(&self, lang: Lang) -> String {
        let detail = self.detail.as_deref().unwrap_or_default();
        text(lang, self.key).replace("{seconds}", detail).replace("{code}", detail).replace("{limit}", detail)
    }
}

impl From<Failure> for Problem {
    fn from(failure: Failure) -> Problem {
        let (status, error, retry_after) = match failure {
            Failure::Unreachable => return Problem::form(Key::Offline),
            Failure::Answered { status, error, retry_after } => (status, error, retry_after),
        };
        let Some(error) = error else {
            return match status {
                429 => Problem::form(Key::RateLimitedLater),
                500.. => Problem::form(Key::ServerError),
                _ => Problem { field: None, key: Key::Unexpected, detail: Some(status.to_string()) },
            };
        };
        let field = error.field.clone();
        let (key, detail) = match (error.code.as_str(), field.as_deref()) {
            ("rate_limited", _) => match retry_after {
                Some(seconds) => (Key::RateLimited, Some(seconds.to_string())),
                None => (Key::RateLimitedLater, None),
            },
            ("too_large", _) => (Key::TooLong, None),
            ("unauthorized", Some("currentPassword")) => (Key::CurrentPasswordWrong, None),
            ("unauthorized", _) => (Key::WrongCredentials, None),
            (code, Some(name)) => (field_message(code, name).unwrap_or(Key::FieldRejected), None),
            ("forbidden", None) => (Key::Forbidden, None),
            ("not_found" | "method_not_allowed", None) => (Key::ServiceMissing, None),
            ("internal", None) => (Key::ServerError, None),
            (code, None) => (Key::Unexpected, Some(code.to_owned())),
        };
        // Shown beside the field the answer names, else above the form.
        Problem { field, key, detail }
    }
}

/// What the console says when the API refuses field `name` with `code`; `None` says the
/// general "not accepted". Each screen's fields sit in a block of their own.
fn field_message(code: &str, name: &str) -> Option<Key> {
    Some(match (code, name) {
        // Sign-in and accounts.
        ("invalid", "email") => Key::EmailInvalid,
        ("invalid", "password") => Key::PasswordInvalid,
        // Channels.
        ("invalid", "siteUrl") => Key::SiteUrlInvalid,
        ("invalid", "timeZone") => Key::TimeZoneInvalid,
        ("invalid", "confirmName") => Key::ConfirmNameWrong,
        ("invalid", "frequencyCap") => Key::CapInvalid,
        ("conflict", "businessHours") => Key::HoursInUse,
        ("invalid", n) if n.starts_with("businessHours[") && n.ends_with(".days") => Key::DaysMissing,
        ("invalid", n) if n.starts_with("businessHours[") && (n.ends_with(".from") || n.ends_with(".to")) => {
            Key::TimeInvalid
        }

        // Members, invitations, tokens, account pages.
        ("conflict", "role") => Key::LastOwner,
        ("not_found", "token") => Key::LinkUnknown,
        ("gone", "token") => Key::LinkGone,
        ("invalid", "newPassword") => Key::PasswordTooShort,
        ("invalid", "label") => Key::TokenNameTooLong,

        // Customer list, bulk actions.
        ("invalid", tag) if tag.starts_with("addTags[") || tag.starts_with("removeTags[") => Key::TagInvalid,

        // Customer page.
        ("invalid", "profile.email") => Key::CustomerEmailInvalid,
        ("invalid", "profile.mobileNumber") => Key::CustomerPhoneInvalid,
        ("invalid", "profile.name") => Key::CustomerNameInvalid,
        ("conflict", field) if field.starts_with("profile.") => Key::CustomerWriteOnceTaken,

        // Campaign lists and actions.

        // Campaign editor.
        ("conflict", "siteUrl") => Key::CeTryNoSite,
        ("rate_limited", "previewLinks") => Key::CeTryTooMany,
        ("invalid", "message.sender.name") => Key::CeSenderMissing,
        ("invalid", "message.text") => Key::CeTextMissing,
        ("invalid", "message.sender.avatarUrl" | "message.imageUrl") => Key::CeUrlUnsafe,
        ("invalid", n) if n.starts_with("message.buttons[") && n.ends_with("].url") => Key::CeUrlUnsafe,
        ("invalid", "endsAt") => Key::CeEndsBeforeStart,
        ("invalid", "repeat.everyHours") => Key::CeRepeatInvalid,
        ("invalid", "wait") => Key::CeWaitInvalid,
        ("invalid", "followUp.withinDays") => Key::CeWithinInvalid,
        ("invalid", "trigger.event" | "followUp.trigger.event" | "goal.name") => Key::CeEventInvalid,
        ("invalid", "trigger.url") => Key::CeUrlRulesInvalid,
        ("invalid", "schedule.businessHours") => Key::CeHoursSetUnknown,
        ("forbidden", "offline.respectOptOut") => Key::CeRespectLocked,
        ("invalid", n) if n.starts_with("schedule.windows[") && n.ends_with(".days") => Key::DaysMissing,
        ("invalid", n) if n.starts_with("schedule.windows[") && (n.ends_with(".from") || n.ends_with(".to")) => {
            Key::TimeInvalid
        }
        // Campaign editor: variants (the message fields of variants after the first are
        // `variants[i].message.…`, refused as the campaign's own message is).
        ("invalid", "variants") => Key::VarTotal,
        ("invalid", "controlPercent") => Key::VarControlInvalid,
        ("invalid", n) if n.starts_with("variants[") && n.ends_with("].share") => Key::VarShareInvalid,
        ("invalid", n) if n.starts_with("variants[") && n.ends_with("].message.sender.name") => Key::CeSenderMissing,
        ("invalid", n) if n.starts_with("variants[") && n.ends_with("].message.text") => Key::CeTextMissing,
        ("invalid", n)
            if n.starts_with("variants[")
                && (n.ends_with("].message.sender.avatarUrl")
                    || n.ends_with("].message.imageUrl")
                    || (n.contains("].message.buttons[") && n.ends_with("].url"))) =>
        {
            Key::CeUrlUnsafe
        }

        // Downloads (the dialog rewords a file password's and a column's refusal).
        ("invalid", "reason") => Key::DlReasonInvalid,
        ("invalid", "format") => Key::DlFormatInvalid,
        ("invalid", "columns") => Key::DlColumnsPick,
        ("forbidden", "role") => Key::OwnersOnlyAction,
        ("conflict", "state") => Key::ExpNotOpen,

        // Filters, segments, profile settings.
        _ => return None,
    })
}

/// Checks the form before it is sent: what the server would refuse anyway, said sooner.
pub fn check_sign_in(email: &str, password: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let email = email.trim();
    if email.is_empty() {
        problems.push(Problem::at("email", Key::EmailMissing));
    } else if !looks_like_email(email) {
        problems.push(Problem::at("email", Key::EmailInvalid));
    }
    if password.is_empty() {
        problems.push(Problem::at("password", Key::PasswordMissing));
    }
    problems
}

/// A new password typed twice (reset, accept, change): at least 10 characters, as the
/// server requires, and the same both times; problems name `field` and `again`.
pub fn check_new_password(password: &str, again: Option<&str>, field: &str, again_field: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if password.chars().count() < kizuna_shared::account::PASSWORD_MIN_CHARS {
        problems.push(Problem::at(field, Key::PasswordTooShort));
    } else if again.is_some_and(|again| again != password) {
        problems.push(Problem::at(again_field, Key::PasswordsDiffer));
    }
    problems
}

/// An email address typed into `field`: present and shaped like one.
pub fn check_email(field: &str, email: &str) -> Vec<Problem> {
    let email = email.trim();
    if email.is_empty() {
        vec![Problem::at(field, Key::EmailMissing)]
    } else if !looks_like_email(email) {
        vec![Problem::at(field, Key::EmailInvalid)]
    } else {
        Vec::new()
    }
}

/// A name (an account's, a token's): 1 to 80 characters once trimmed, as the API keeps.
pub fn check_name(field: &str, name: &str, missing: Key) -> Vec<Problem> {
    let name = name.trim();
    if name.is_empty() {
        vec![Problem::at(field, missing)]
    } else if name.chars().count() > 80 {
        vec![Problem::at(field, Key::TokenNameTooLong)]
    } else {
        Vec::new()
    }
}

/// One `@` with something on both sides and a dot in the domain; the server decides the rest.
pub fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.contains('@') && domain.contains('.') && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, code: &str, field: Option<&str>) -> Failure {
        let error =
            ErrorDetail { code: code.to_owned(), message: "server words".to_owned(), field: field.map(str::to_owned) };
        Failure::Answered { status, error: Some(error), retry_after: None }
    }

    #[track_caller]
    fn check(failure: Failure, field: Option<&str>, key: Key) {
        let problem = Problem::from(failure);
        assert_eq!((problem.field.as_deref(), problem.key), (field, key));
    }

    #[test]
    fn an_error_naming_a_form_field_is_shown_beside_it() {
        check(answered(400, "invalid", Some("email")), Some("email"), Key::EmailInvalid);
        check(answered(400, "invalid", Some("password")), Some("password"), Key::PasswordInvalid);
        check(answered(413, "too_large", Some("password")), Some("password"), Key::TooLong);
        check(answered(409, "conflict", Some("email")), Some("email"), Key::FieldRejected);
        // The worker's answer to a wrong password names `password`, and a rate limit `email`.
        check(answered(401, "unauthorized", Some("password")), Some("password"), Key::WrongCredentials);
        check(answered(429, "rate_limited", Some("email")), Some("email"), Key::RateLimitedLater);
    }

    #[test]
    fn an_error_naming_any_field_is_shown_beside_it_in_the_language() {
        check(answered(400, "invalid", Some("timeZone")), Some("timeZone"), Key::TimeZoneInvalid);
        check(answered(400, "invalid", Some("profile.plan")), Some("profile.plan"), Key::FieldRejected);
    }

    #[test]
    fn an_error_naming_no_form_field_is_shown_above_the_form() {
        check(answered(401, "unauthorized", None), None, Key::WrongCredentials);
        check(answered(400, "invalid", None), None, Key::Unexpected);
        check(answered(403, "forbidden", None), None, Key::Forbidden);
        check(answered(404, "not_found", None), None, Key::ServiceMissing);
        check(answered(500, "internal", None), None, Key::ServerError);
    }

    #[test]
    fn rate_limits_say_how_long_to_wait_when_the_server_does() {
        let limited = Failure::Answered {
            status: 429,
            error: Some(ErrorDetail { code: "rate_limited".into(), message: String::new(), field: None }),
            retry_after: Some(60),
        };
        let problem = Problem::from(limited);
        assert_eq!(problem.message(Lang::En), "Too many attempts. Try again in 60 seconds.");
        assert_eq!(problem.message(Lang::Ja), "試行回数が多すぎます。60 秒後にもう一度お試しください。");
        check(answered(429, "rate_limited", None), None, Key::RateLimitedLater);
    }

    #[test]
    fn unknown_codes_and_unreadable_answers_still_say_something_in_the_language() {
        let problem = Problem::from(answered(418, "teapot", None));
        assert_eq!(problem.message(Lang::En), "The server gave an unexpected answer (teapot).");
        check(Failure::Answered { status: 502, error: None, retry_after: None }, None, Key::ServerError);
        check(Failure::Unreachable, None, Key::Offline);
    }

    #[test]
    fn the_form_is_checked_before_it_is_sent() {
        let keys = |e: &str, p: &str| check_sign_in(e, p).into_iter().map(|p| p.key).collect::<Vec<_>>();
        assert_eq!(keys("", ""), [Key::EmailMissing, Key::PasswordMissing]);
        assert_eq!(keys("owner", "pw"), [Key::EmailInvalid]);
        assert_eq!(keys("a b@example.com", "pw"), [Key::EmailInvalid]);
        assert_eq!(keys(" owner@example.com ", "pw"), []);
    }

    #[test]
    fn account_links_and_members_errors_say_what_happened_beside_their_control() {
        check(answered(409, "conflict", Some("role")), Some("role"), Key::LastOwner);
        check(answered(410, "gone", Some("token")), Some("token"), Key::LinkGone);
        check(answered(404, "not_found", Some("token")), Some("token"), Key::LinkUnknown);
        check(answered(400, "invalid", Some("newPassword")), Some("newPassword"), Key::PasswordTooShort);
        // A wrong current password is not a failed sign-in.
        check(
            answered(401, "unauthorized", Some("currentPassword")),
            Some("currentPassword"),
            Key::CurrentPasswordWrong,
        );
        check(answered(401, "unauthorized", Some("password")), Some("password"), Key::WrongCredentials);
    }

    #[test]
    fn a_new_password_is_ten_characters_and_typed_the_same_twice() {
        let keys = |p: &str, a: Option<&str>| {
            check_new_password(p, a, "newPassword", "again").into_iter().map(|p| (p.field, p.key)).collect::<Vec<_>>()
        };
        assert_eq!(keys("short", Some("short")), [(Some("newPassword".into()), Key::PasswordTooShort)]);
        assert_eq!(keys("ten chars!", Some("ten chars?")), [(Some("again".into()), Key::PasswordsDiffer)]);
        assert_eq!(keys("ten chars!", Some("ten chars!")), []);
        assert_eq!(keys("パスワードは十文字以上", None), []);
    }

    #[test]
    fn a_campaigns_split_and_its_variants_messages_are_refused_beside_their_inputs() {
        check(answered(400, "invalid", Some("variants")), Some("variants"), Key::VarTotal);
        check(answered(400, "invalid", Some("controlPercent")), Some("controlPercent"), Key::VarControlInvalid);
        check(answered(400, "invalid", Some("variants[2].share")), Some("variants[2].share"), Key::VarShareInvalid);
        check(
            answered(400, "invalid", Some("variants[1].message.text")),
            Some("variants[1].message.text"),
            Key::CeTextMissing,
        );
        check(
            answered(400, "invalid", Some("variants[1].message.sender.avatarUrl")),
            Some("variants[1].message.sender.avatarUrl"),
            Key::CeUrlUnsafe,
        );
        check(
            answered(400, "invalid", Some("variants[2].message.buttons[0].url")),
            Some("variants[2].message.buttons[0].url"),
            Key::CeUrlUnsafe,
        );
    }

    #[test]
    fn download_refusals_are_shown_beside_the_dialogs_inputs_and_a_member_is_told_who_may() {
        check(answered(400, "invalid", Some("reason")), Some("reason"), Key::DlReasonInvalid);
        check(answered(400, "invalid", Some("format")), Some("format"), Key::DlFormatInvalid);
        check(answered(400, "invalid", Some("columns")), Some("columns"), Key::DlColumnsPick);
        check(answered(403, "forbidden", Some("role")), Some("role"), Key::OwnersOnlyAction);
    }

    #[test]
    fn names_and_emails_are_checked_before_they_are_sent() {
        assert_eq!(check_email("email", " ").pop().map(|p| p.key), Some(Key::EmailMissing));
        assert_eq!(check_email("email", "someone").pop().map(|p| p.key), Some(Key::EmailInvalid));
        assert!(check_email("email", "someone@example.com").is_empty());
        assert_eq!(check_name("label", "  ", Key::TokenNameMissing).pop().map(|p| p.key), Some(Key::TokenNameMissing));
        assert_eq!(
            check_name("label", &"x".repeat(81), Key::TokenNameMissing).pop().map(|p| p.key),
            Some(Key::TokenNameTooLong)
        );
        assert!(check_name("label", "CRM sync", Key::TokenNameMissing).is_empty());
    }
}
