//! Who may receive a message and by which medium; also the fixtures the other parts'
//! tests share (a campaign message with awkward text and buttons, and its tracked links).

use super::*;
use crate::campaign::Offline;
use crate::store::Definition;

pub(super) const PUBLIC: &str = "https://kizuna.example/";

pub(super) fn tea() -> CampaignMessage {
    let doc: Definition = serde_json::from_str(
        r#"{"id":"c_tea","name":"ignored here","trigger":{"event":"PageView"},"futureField":[1,2],
            "message":{"sender":{"name":"Tea & <Co>","avatarUrl":"https://x.example/a.png"},
                       "text":"20% off <b>tea</b>\nuntil \"Sunday\"",
                       "buttons":[{"label":"See the <sale>","url":"/sale?a=1&b=2"},
                                  {"label":"evil","url":"javascript:alert(1)"},
                                  {"label":"Write us","url":"mailto:shop@tea.example"}],
                       "display":"bubble"}}"#,
    )
    .unwrap();
    CampaignMessage { name: "Autumn sale".to_owned(), message: doc.message }
}

pub(super) fn links() -> Tracking {
    Tracking::new(PUBLIC, "TOKEN")
}

fn contact() -> Contact {
    Contact {
        email: Some(" a@b.example ".to_owned()),
        mobile_number: Some("+8190".to_owned()),
        unsubscribe_email: false,
        unsubscribe_texting: false,
        email_status: EmailStatus::Unconfirmed,
    }
}

#[test]
fn no_address_means_no_message() {
    let mut c = contact();
    assert_eq!(recipient(Medium::Email, &c, true), Ok("a@b.example".to_owned()));
    assert_eq!(recipient(Medium::Sms, &c, true), Ok("+8190".to_owned()));
    c.email = Some("  ".to_owned());
    c.mobile_number = None;
    assert_eq!(recipient(Medium::Email, &c, true), Err(SkipReason::NoAddress));
    assert_eq!(recipient(Medium::Sms, &c, false), Err(SkipReason::NoAddress));
}

#[test]
fn opt_out_is_respected_per_medium_unless_turned_off() {
    let mut c = contact();
    c.unsubscribe_email = true;
    assert_eq!(recipient(Medium::Email, &c, true), Err(SkipReason::OptedOut));
    assert!(recipient(Medium::Email, &c, false).is_ok(), "important notices ignore the opt-out");
    assert!(recipient(Medium::Sms, &c, true).is_ok(), "the email flag does not stop texts");
    c.unsubscribe_texting = true;
    assert_eq!(recipient(Medium::Sms, &c, true), Err(SkipReason::OptedOut));
}

#[test]
fn no_email_while_the_status_is_invalid_address_error_or_spam() {
    for status in EmailStatus::ALL {
        let c = Contact { email_status: status, ..contact() };
        let blocked = matches!(status, EmailStatus::InvalidAddress | EmailStatus::Error | EmailStatus::Spam);
        let expected = if blocked { Err(SkipReason::EmailStatus(status)) } else { Ok("a@b.example".to_owned()) };
        assert_eq!(recipient(Medium::Email, &c, false), expected, "{status:?}");
        assert!(recipient(Medium::Sms, &c, true).is_ok(), "texts do not depend on the email status");
    }
    assert_eq!(SkipReason::EmailStatus(EmailStatus::Spam).code(), "email_status:spam");
}

#[track_caller]
fn check_plan(email: bool, sms: bool, has_email: bool, has_mobile: bool, expected: Option<(Medium, bool)>) {
    let offline = Offline { email, sms, respect_opt_out: true };
    assert_eq!(plan(&offline, has_email, has_mobile).map(|p| (p.first, p.then_sms)), expected);
}

#[test]
fn email_goes_first_with_sms_as_the_fallback_when_the_campaign_sends_both() {
    check_plan(true, true, true, true, Some((Medium::Email, true)));
    check_plan(true, false, true, true, Some((Medium::Email, false)));
}

#[test]
fn without_an_address_the_message_goes_by_sms_when_the_campaign_sends_sms() {
    check_plan(true, true, false, true, Some((Medium::Sms, false)));
    check_plan(false, true, true, true, Some((Medium::Sms, false)));
}

#[test]
fn no_plan_without_a_medium_the_profile_can_be_reached_by() {
    check_plan(true, false, false, true, None);
    check_plan(false, true, true, false, None);
    check_plan(false, false, true, true, None);
}

#[test]
fn only_an_email_skipped_for_its_address_falls_back_to_sms() {
    assert!(sms_after(Medium::Email, true, SkipReason::OptedOut));
    assert!(sms_after(Medium::Email, true, SkipReason::EmailStatus(EmailStatus::Spam)));
    assert!(!sms_after(Medium::Email, false, SkipReason::NoAddress));
    assert!(!sms_after(Medium::Email, true, SkipReason::Withdrawn));
    assert!(!sms_after(Medium::Sms, true, SkipReason::NoAddress));
}
