//! What the console says about a failed request: an API error (`code` and `field`), a
//! status without a readable body, or no answer at all, becomes a [`Problem`]: the
//! message [`Key`] and where it is shown, beside the field the server named or above the
//! form. Pure; the tests pin the mapping.

use crate::i18n::{Key, Lang, text};
use kizuna_shared::wire::public::ErrorDetail;

/// The sign-in form's fields, the places an error can be shown beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Email,
    Password,
}

impl Field {
    /// The field the API names (`error.field`), when it is one of the form's.
    pub fn from_api(name: &str) -> Option<Field> {
        match name {
            "email" => Some(Field::Email),
            "password" => Some(Field::Password),
            _ => None,
        }
    }
}

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
    /// Beside this field; above the form when `None`.
    pub field: Option<Field>,
    pub key: Key,
    /// Fills `{seconds}` or `{code}` in the message.
    pub detail: Option<String>,
}

impl Problem {
    pub fn at(field: Field, key: Key) -> Problem {
        Problem { field: Some(field), key, detail: None }
    }

    fn form(key: Key) -> Problem {
        Problem { field: None, key, detail: None }
    }

    /// The message in `lang`, its placeholder filled.
    pub fn message(&self, lang: Lang) -> String {
        let detail = self.detail.as_deref().unwrap_or_default();
        text(lang, self.key).replace("{seconds}", detail).replace("{code}", detail)
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
        let field = error.field.as_deref().and_then(Field::from_api);
        let (key, detail) = match (error.code.as_str(), field) {
            ("invalid", Some(Field::Email)) => (Key::EmailInvalid, None),
            ("invalid", Some(Field::Password)) => (Key::PasswordInvalid, None),
            ("too_large", _) => (Key::TooLong, None),
            ("unauthorized", _) => (Key::WrongCredentials, None),
            ("rate_limited", _) => match retry_after {
                Some(seconds) => (Key::RateLimited, Some(seconds.to_string())),
                None => (Key::RateLimitedLater, None),
            },
            (_, Some(_)) => (Key::FieldRejected, None),
            ("forbidden", None) => (Key::Forbidden, None),
            ("not_found" | "method_not_allowed", None) => (Key::ServiceMissing, None),
            ("internal", None) => (Key::ServerError, None),
            (code, None) => (Key::Unexpected, Some(code.to_owned())),
        };
        // Shown beside the field the answer names, else above the form.
        Problem { field, key, detail }
    }
}

/// Checks the form before it is sent: what the server would refuse anyway, said sooner.
pub fn check_sign_in(email: &str, password: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let email = email.trim();
    if email.is_empty() {
        problems.push(Problem::at(Field::Email, Key::EmailMissing));
    } else if !looks_like_email(email) {
        problems.push(Problem::at(Field::Email, Key::EmailInvalid));
    }
    if password.is_empty() {
        problems.push(Problem::at(Field::Password, Key::PasswordMissing));
    }
    problems
}

/// One `@` with something on both sides and a dot in the domain; the server decides the rest.
fn looks_like_email(email: &str) -> bool {
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
    fn check(failure: Failure, field: Option<Field>, key: Key) {
        let problem = Problem::from(failure);
        assert_eq!((problem.field, problem.key), (field, key));
    }

    #[test]
    fn an_error_naming_a_form_field_is_shown_beside_it() {
        check(answered(400, "invalid", Some("email")), Some(Field::Email), Key::EmailInvalid);
        check(answered(400, "invalid", Some("password")), Some(Field::Password), Key::PasswordInvalid);
        check(answered(413, "too_large", Some("password")), Some(Field::Password), Key::TooLong);
        check(answered(409, "conflict", Some("email")), Some(Field::Email), Key::FieldRejected);
        // The worker's answer to a wrong password names `password`, and a rate limit `email`.
        check(answered(401, "unauthorized", Some("password")), Some(Field::Password), Key::WrongCredentials);
        check(answered(429, "rate_limited", Some("email")), Some(Field::Email), Key::RateLimitedLater);
    }

    #[test]
    fn an_error_naming_no_form_field_is_shown_above_the_form() {
        check(answered(401, "unauthorized", None), None, Key::WrongCredentials);
        check(answered(400, "invalid", Some("body")), None, Key::Unexpected);
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
}
