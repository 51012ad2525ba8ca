//! The outbound rules, one test per rule: composition, tracking tokens, recipients.

use super::*;
use crate::store::Definition;

const PUBLIC: &str = "https://kizuna.example/";

fn delivery() -> DeliveryId {
    DeliveryId::parse("d_0123abcd").unwrap()
}

fn tea() -> CampaignMessage {
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

fn links() -> Tracking {
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
fn the_email_escapes_marketer_text_and_keeps_line_breaks() {
    let email = compose_email(&tea(), &links());
    assert!(email.html.contains("<p style=\"font-weight:bold\">Tea &amp; &lt;Co&gt;</p>"), "{}", email.html);
    assert!(email.html.contains("<p>20% off &lt;b&gt;tea&lt;/b&gt;<br>until &quot;Sunday&quot;</p>"));
    assert!(!email.html.contains("<b>"));
    assert!(email.html.contains(">See the &lt;sale&gt;</a>"));
}

#[test]
fn buttons_are_tracked_links_and_unsafe_ones_are_left_out() {
    let email = compose_email(&tea(), &links());
    assert!(email.html.contains("href=\"https://kizuna.example/t/TOKEN/click/0\""));
    assert!(email.html.contains("href=\"https://kizuna.example/t/TOKEN/click/2\""));
    assert!(!email.html.contains("click/1"), "the javascript: button is not shown");
    assert!(!email.html.contains("javascript") && !email.html.contains("/sale"), "no raw button URL");
    assert!(email.text.contains("See the <sale>: https://kizuna.example/t/TOKEN/click/0\n"));
    assert!(
        email.html.contains("<img src=\"https://kizuna.example/t/TOKEN/open.gif\" width=\"1\" height=\"1\" alt=\"\"")
    );
}

#[test]
fn the_email_carries_an_unsubscribe_link_and_one_click_headers() {
    let email = compose_email(&tea(), &links());
    assert!(email.html.contains("<a href=\"https://kizuna.example/t/TOKEN/unsubscribe\""));
    assert!(email.text.ends_with("Unsubscribe: https://kizuna.example/t/TOKEN/unsubscribe\n"));
    assert_eq!(email.list_unsubscribe, "<https://kizuna.example/t/TOKEN/unsubscribe>");
    assert_eq!(LIST_UNSUBSCRIBE_POST, "List-Unsubscribe=One-Click");
    assert_eq!(email.subject, "Autumn sale");
}

#[test]
fn the_text_part_snapshot() {
    let email = compose_email(&tea(), &links());
    assert_eq!(
        email.text,
        "Tea & <Co>\n\n20% off <b>tea</b>\nuntil \"Sunday\"\n\
         \nSee the <sale>: https://kizuna.example/t/TOKEN/click/0\n\
         \nWrite us: https://kizuna.example/t/TOKEN/click/2\n\
         \n--\nUnsubscribe: https://kizuna.example/t/TOKEN/unsubscribe\n"
    );
}

#[test]
fn the_subject_is_the_campaign_name_else_the_sender_and_never_two_lines() {
    let mut m = tea();
    m.name = "Sale\r\nBcc: x@y".to_owned();
    assert_eq!(m.subject(), "Sale  Bcc: x@y");
    m.name = " ".to_owned();
    assert_eq!(m.subject(), "Tea & <Co>");
}

#[test]
fn the_from_header_quotes_the_sender_name() {
    assert_eq!(from_header("Tea \"Shop\"\n", "shop@tea.example"), "\"Tea Shop\" <shop@tea.example>");
    assert_eq!(from_header("", "shop@tea.example"), "shop@tea.example");
    assert_eq!(from_header("Tea", "Tea Shop <shop@tea.example>"), "Tea Shop <shop@tea.example>");
}

#[test]
fn a_click_leads_only_to_a_safe_button_of_the_campaign() {
    let m = tea();
    assert_eq!(m.button_target(0, "https://kizuna.example/").as_deref(), Some("https://kizuna.example/sale?a=1&b=2"));
    assert_eq!(m.button_target(1, PUBLIC), None);
    assert_eq!(m.button_target(2, PUBLIC).as_deref(), Some("mailto:shop@tea.example"));
    assert_eq!(m.button_target(3, PUBLIC), None);
}

#[test]
fn an_sms_has_the_sender_the_text_and_one_tracked_link() {
    assert_eq!(
        compose_sms(&tea(), &links()),
        "Tea & <Co>: 20% off <b>tea</b>\nuntil \"Sunday\"\nhttps://kizuna.example/t/TOKEN/click/0"
    );
    let mut plain = tea();
    plain.message.buttons.clear();
    assert!(compose_sms(&plain, &links()).ends_with("\nhttps://kizuna.example/t/TOKEN/open"));
}

#[test]
fn a_long_sms_is_trimmed_to_one_long_message_and_keeps_its_link() {
    let mut long = tea();
    long.message.text = "お茶".repeat(500);
    let sms = compose_sms(&long, &links());
    assert_eq!(sms.chars().count(), SMS_MAX_CHARS);
    assert!(sms.ends_with("…\nhttps://kizuna.example/t/TOKEN/click/0"));
}

#[test]
fn a_token_names_its_delivery_and_medium() {
    let key = TrackingKey::new("secret").unwrap();
    let token = key.sign(&delivery(), Medium::Email);
    assert!(token.starts_with("d_0123abcd.e."));
    assert_eq!(token.len(), "d_0123abcd.e.".len() + 32);
    assert_eq!(key.verify(&token), Some((delivery(), Medium::Email)));
    let sms = key.sign(&delivery(), Medium::Sms);
    assert!(sms.starts_with("d_0123abcd.s."));
    assert_eq!(key.verify(&sms), Some((delivery(), Medium::Sms)));
}

#[test]
fn the_signature_is_truncated_hmac_sha256_of_delivery_and_medium() {
    let key = TrackingKey::new("Jefe").unwrap();
    let full = crate::identity::member_hash("Jefe", "d_0123abcd|email");
    assert_eq!(key.sign(&delivery(), Medium::Email), format!("d_0123abcd.e.{}", &full[..32]));
}

#[test]
fn a_tampered_or_foreign_token_is_refused() {
    let key = TrackingKey::new("secret").unwrap();
    let token = key.sign(&delivery(), Medium::Email);
    let sig = token.rsplit('.').next().unwrap();
    for bad in [
        token.replace(".e.", ".s."),
        token.replace("d_0123abcd", "d_0123abce"),
        format!("d_0123abcd.e.{}0", &sig[..31]),
        format!("d_0123abcd.e.{}", &sig[..30]),
        format!("{token}.x"),
        format!("d_0123abcd.x.{sig}"),
        format!("d_0123abcd.e.{}zz", &sig[..30]),
        "".to_owned(),
        "a/b.e.00".to_owned(),
    ] {
        assert_eq!(key.verify(&bad), None, "{bad}");
    }
    assert_eq!(TrackingKey::new("other").unwrap().verify(&token), None);
    assert!(TrackingKey::new("").is_none());
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

#[test]
fn provider_statuses_map_to_the_email_statuses() {
    let map = |s: &str| {
        serde_json::from_value::<ProviderStatus>(serde_json::Value::String(s.to_owned())).map(|p| p.email_status())
    };
    assert_eq!(map("delivered").unwrap(), EmailStatus::Ok);
    assert_eq!(map("bounced").unwrap(), EmailStatus::InvalidAddress);
    assert_eq!(map("invalid").unwrap(), EmailStatus::InvalidAddress);
    assert_eq!(map("complained").unwrap(), EmailStatus::Spam);
    assert_eq!(map("deferred").unwrap(), EmailStatus::TemporaryError);
    assert_eq!(map("failed").unwrap(), EmailStatus::Error);
    assert!(map("opened").is_err());
    for status in EmailStatus::ALL {
        assert_eq!(EmailStatus::parse(Some(status.as_str())), status);
    }
    assert_eq!(EmailStatus::parse(None), EmailStatus::Unconfirmed);
}

#[test]
fn pages_escape_everything_and_post_back_without_script() {
    let form = unsubscribe_page("<Tea & Co>", Medium::Sms);
    assert!(form.contains("marketing text messages from &lt;Tea &amp; Co&gt;"));
    assert!(form.contains("<form method=\"post\">"));
    assert!(form.contains("name=\"List-Unsubscribe\" value=\"One-Click\""));
    assert!(!form.contains("<script"));
    assert!(unsubscribed_page("<x>", Medium::Email).contains("marketing emails from &lt;x&gt;"));
    let shown = message_page(&tea(), &links());
    assert!(shown.contains("<title>Autumn sale</title>"));
    assert!(shown.contains("20% off &lt;b&gt;tea&lt;/b&gt;<br>until"));
    assert!(shown.contains("href=\"https://kizuna.example/t/TOKEN/click/0\""));
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
