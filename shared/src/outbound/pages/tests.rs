//! The pages behind tracked links.

use super::*;
use crate::outbound::tests::{links, tea};

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
