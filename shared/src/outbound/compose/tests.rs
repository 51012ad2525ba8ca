//! What an email and an SMS say: escaping, tracked buttons, headers, the SMS's length.

use super::*;
use crate::outbound::tests::{PUBLIC, links, tea};

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
