//! The text rules every validator shares: bounded text, an email address, a phone
//! number, written once so the profile, the campaign document and the admin API cannot
//! drift apart.
//!
//! Invariant: lengths count characters (`chars()`), not bytes, except where a protocol
//! limit is in bytes (an email address is at most 254 bytes, RFC 5321); each rule is a
//! pure predicate or a check that returns the trimmed value.

use crate::invalid::FieldError;

/// Longest free text: a message's text, a String profile value, the manager's memo.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest name: a campaign's, a channel's, a sender's, a person's.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest button label.
pub const MAX_LABEL_CHARS: usize = 40;
/// Longest email address (bytes, RFC 5321).
pub const MAX_EMAIL_BYTES: usize = 254;

/// `value` trimmed, refused when empty or longer than `max_chars` characters.
pub fn bounded(field: &str, value: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if trimmed.chars().count() > max_chars {
        return Err(FieldError::new(field, format!("must be at most {max_chars} characters")));
    }
    Ok(trimmed.to_owned())
}

/// An email address Kizuna accepts from a site or a manager: one `local@domain` with a
/// dot in the domain, at most 254 bytes, no white space, and none of the characters that
/// separate or decorate addresses (`,` `;` `<` `>` `"` `(` `)` `[` `]` `\`), so a value
/// never names two recipients (`a@x.jp,b@y.jp`) for a provider to send to.
pub fn is_email(text: &str) -> bool {
    let (local, domain) = text.split_once('@').unwrap_or(("", ""));
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && text.len() <= MAX_EMAIL_BYTES
        && !text.chars().any(|c| c.is_whitespace() || c.is_control() || ",;<>\"()[]\\".contains(c))
}

/// An address as an email provider reports it back (a webhook event): only sanity
/// bounds, because the provider, not Kizuna, decided it was an address; refusing one the
/// stricter [`is_email`] would refuse would lose the provider's report of it.
pub fn is_reported_email(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.len() <= 320 && text.contains('@') && !text.chars().any(char::is_control)
}

/// A mobile number: 6 to 20 digits, with `+ - ( ) .` and spaces allowed between them.
pub fn is_phone(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    (6..=20).contains(&digits) && text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_is_trimmed_and_refused_empty_or_too_long() {
        assert_eq!(bounded("name", "  Tea  ", 3).unwrap(), "Tea");
        assert_eq!(bounded("name", "   ", 3).unwrap_err().problem, "must not be empty");
        assert_eq!(bounded("name", "Teas", 3).unwrap_err().problem, "must be at most 3 characters");
        assert!(bounded("name", "茶茶茶", 3).is_ok(), "characters, not bytes");
    }

    #[test]
    fn an_email_has_a_local_part_and_a_dotted_domain() {
        assert!(is_email("hana@example.jp"));
        for bad in ["hana", "@example.jp", "hana@example", "ha na@example.jp", ""] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(!is_email(&format!("{}@example.jp", "a".repeat(250))));
    }

    #[test]
    fn an_email_is_one_address_never_a_list() {
        for list in ["a@x.jp,b@y.jp", "a@x.jp, b@y.jp", "a@x.jp;b@y.jp", "a@b@x.jp", "A <a@x.jp>", "\"a b\"@x.jp"] {
            assert!(!is_email(list), "{list:?}");
        }
        assert!(is_email("first.last+tag@sub.example.co.jp"));
    }

    #[test]
    fn a_reported_email_needs_only_an_at_sign() {
        assert!(is_reported_email("hana@example"));
        assert!(!is_reported_email(" "));
        assert!(!is_reported_email("hana\n@example.jp"));
    }

    #[test]
    fn a_phone_number_has_6_to_20_digits_and_only_separators_besides() {
        assert!(is_phone("+81 (90) 1234-5678"));
        for bad in ["12345", "090-1234-567x", &"1".repeat(21)] {
            assert!(!is_phone(bad), "{bad:?}");
        }
    }
}
