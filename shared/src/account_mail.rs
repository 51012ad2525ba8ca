//! Account emails and their single-use links: how long an invitation, a password reset
//! and an email change stay valid, whether a stored link may still be used at `now`, what
//! each email says, and the development outbox page that shows them.
//!
//! Invariant: a link's token travels only in the email (and, for an invitation, in the
//! reply to the owner who made it); what is stored is its SHA-256, and using it is a
//! compare-and-set in the shell, so a link works once. Everything written into the outbox
//! page or an email's HTML is escaped.

use crate::format::escape;
use crate::time::{DAY, HOUR, Millis};

/// An invitation is valid this long after it is made.
pub const INVITATION_VALID: Millis = 7 * DAY;
/// A password-reset link is valid this long.
pub const PASSWORD_RESET_VALID: Millis = HOUR;
/// An email-change confirmation link is valid this long.
pub const EMAIL_CHANGE_VALID: Millis = DAY;
/// Random bytes of an emailed link's token.
pub const LINK_TOKEN_BYTES: usize = 32;

/// Why a stored link may not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    Used,
    Revoked,
    Expired,
}

impl LinkRefusal {
    /// The refusal in words, for the 410 naming `token`.
    pub fn problem(self, what: &str) -> String {
        match self {
            LinkRefusal::Used => format!("this {what} link was used already"),
            LinkRefusal::Revoked => format!("this {what} was revoked"),
            LinkRefusal::Expired => format!("this {what} link has expired"),
        }
    }
}

/// Whether a link made to expire at `expires_at` may be used at `now`.
pub fn link_state(
    used_at: Option<Millis>,
    revoked_at: Option<Millis>,
    expires_at: Millis,
    now: Millis,
) -> Result<(), LinkRefusal> {
    if used_at.is_some() {
        Err(LinkRefusal::Used)
    } else if revoked_at.is_some() {
        Err(LinkRefusal::Revoked)
    } else if now >= expires_at {
        Err(LinkRefusal::Expired)
    } else {
        Ok(())
    }
}

/// Where a link points: the console's page for it, on the deployment's public origin.
pub fn console_link(origin: &str, page: &str, token: &str) -> String {
    format!("{}/console/{page}?token={token}", origin.trim_end_matches('/'))
}

/// One account email, ready to send or to show in the development outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// The single link the email is about.
    pub link: String,
}

impl AccountMail {
    /// The email as HTML: its text escaped, the link clickable.
    pub fn html(&self) -> String {
        let mut out = String::from("<p>");
        escape(&self.text, &mut out);
        out.push_str("</p><p><a href=\"");
        escape(&self.link, &mut out);
        out.push_str("\">");
        escape(&self.link, &mut out);
        out.push_str("</a></p>");
        out.replace('\n', "<br>")
    }
}

/// The invitation email to `to`, from `inviter` to join `channel` as `role`.
pub fn invitation(to: &str, inviter: &str, channel: &str, role: &str, link: &str) -> AccountMail {
    AccountMail {
        to: to.to_owned(),
        subject: format!("{inviter} invited you to {channel} on Kizuna"),
        text: format!(
            "{inviter} invited you to join {channel} on Kizuna as {role}.\nOpen the link within 7 days to accept; it works once."
        ),
        link: link.to_owned(),
    }
}

/// The password-reset email.
pub fn password_reset(to: &str, link: &str) -> AccountMail {
    AccountMail {
        to: to.to_owned(),
        subject: "Reset your Kizuna password".to_owned(),
        text: "Someone asked to reset the password of your Kizuna account.\nOpen the link within 1 hour to choose a new one; it works once. If it was not you, ignore this email.".to_owned(),
        link: link.to_owned(),
    }
}

/// The email-change confirmation, sent to the new address.
pub fn email_change(to: &str, link: &str) -> AccountMail {
    AccountMail {
        to: to.to_owned(),
        subject: "Confirm your new Kizuna email".to_owned(),
        text: "Open the link within 1 day to make this address your Kizuna account's email; it works once.".to_owned(),
        link: link.to_owned(),
    }
}

/// The email to an owner whose customer export is ready: the link opens the job list,
/// where only they, signed in, can download the files, for 24 hours.
pub fn export_ready(to: &str, channel: &str, link: &str) -> AccountMail {
    AccountMail {
        to: to.to_owned(),
        subject: format!("Your customer download from {channel} is ready"),
        text: format!(
            "The customer download you asked for in {channel} on Kizuna is ready.\nOpen the link and sign in to download it within 24 hours; open it with the password you chose."
        ),
        link: link.to_owned(),
    }
}

/// One email as the development outbox lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub link: String,
    pub at: Millis,
}

/// The development outbox page: every email, newest first as given, escaped, links clickable.
pub fn outbox_page(entries: &[OutboxEntry]) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kizuna development outbox</title></head><body><h1>Development outbox</h1><p>Account emails this development worker sent, newest first.</p>",
    );
    if entries.is_empty() {
        out.push_str("<p>No email yet.</p>");
    }
    for entry in entries {
        out.push_str("<article><h2>");
        escape(&entry.subject, &mut out);
        out.push_str("</h2><p>To: ");
        escape(&entry.to, &mut out);
        out.push_str(&format!(" · at {}</p><p>", entry.at));
        escape(&entry.text, &mut out);
        out.push_str("</p><p><a href=\"");
        escape(&entry.link, &mut out);
        out.push_str("\">");
        escape(&entry.link, &mut out);
        out.push_str("</a></p></article>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(
        used: Option<Millis>,
        revoked: Option<Millis>,
        expires: Millis,
        now: Millis,
        expected: Result<(), LinkRefusal>,
    ) {
        assert_eq!(link_state(used, revoked, expires, now), expected);
    }

    #[test]
    fn a_link_works_until_it_expires_and_never_after_use_or_revocation() {
        check(None, None, INVITATION_VALID, INVITATION_VALID - 1, Ok(()));
        check(None, None, INVITATION_VALID, INVITATION_VALID, Err(LinkRefusal::Expired));
        check(Some(5), None, INVITATION_VALID, 6, Err(LinkRefusal::Used));
        check(None, Some(5), INVITATION_VALID, 6, Err(LinkRefusal::Revoked));
    }

    #[test]
    fn an_invitation_lasts_seven_days_and_a_reset_one_hour() {
        assert_eq!(INVITATION_VALID, 7 * DAY);
        assert_eq!(PASSWORD_RESET_VALID, HOUR);
    }

    #[test]
    fn a_link_points_at_the_console_page_on_the_public_origin() {
        assert_eq!(console_link("https://k.example/", "accept", "ab12"), "https://k.example/console/accept?token=ab12");
    }

    #[test]
    fn the_outbox_page_escapes_what_it_shows_and_links_the_link() {
        let entry = OutboxEntry {
            to: "a@x.jp".into(),
            subject: "<script>alert(1)</script>".into(),
            text: "Tom & \"Jerry\"".into(),
            link: "http://127.0.0.1/console/accept?token=1&x=<b>".into(),
            at: 7,
        };
        let page = outbox_page(&[entry]);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("Tom &amp; &quot;Jerry&quot;"));
        assert!(page.contains("<a href=\"http://127.0.0.1/console/accept?token=1&amp;x=&lt;b&gt;\">"));
    }

    #[test]
    fn an_email_names_inviter_channel_and_role_and_escapes_its_html() {
        let mail = invitation("new@x.jp", "Owner <o>", "Shop", "member", "https://k.example/console/accept?token=t");
        assert_eq!(mail.subject, "Owner <o> invited you to Shop on Kizuna");
        assert!(mail.text.contains("as member"));
        assert!(mail.html().contains("Owner &lt;o&gt;"));
        assert!(mail.html().contains("<a href=\"https://k.example/console/accept?token=t\">"));
    }
}
