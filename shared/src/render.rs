//! A message as markup for the widget's shadow root (and the console's preview of it). Pure
//! and snapshot-tested: the widget and the console draw a message with this one function.
//!
//! Invariant: marketer-written content is never interpreted: every text is escaped, and a
//! link or image is emitted only when it passes the same `SafeUrl` rule as the edge.

use crate::campaign::{Display, SafeUrl};
use crate::format::{escape, text_html};
use crate::wire::public::Popup;

/// Styles of the shadow root; the host page's CSS cannot reach inside, nor ours out.
pub const STYLE: &str = "<style>\
:host{all:initial}\
.kz{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#fff;border-radius:16px;\
box-shadow:0 12px 40px rgba(0,0,0,.22);padding:18px 20px;box-sizing:border-box}\
.b{position:fixed;right:20px;bottom:20px;width:340px;max-width:calc(100vw - 40px);z-index:2147483647;cursor:pointer;\
animation:kzin .25s ease-out}\
.o{position:fixed;inset:0;z-index:2147483647;background:rgba(15,18,24,.62);display:flex;align-items:center;\
justify-content:center;padding:20px}\
.f{width:480px;max-width:100%;max-height:100%;overflow:auto;position:relative;padding:32px 28px;animation:kzin .25s}\
.s{display:flex;align-items:center;gap:8px;font-weight:600;font-size:14px;color:#57606a;margin:0 24px 6px 0}\
.s img{width:28px;height:28px;border-radius:50%;object-fit:cover}\
.t{margin:0 0 14px;white-space:pre-wrap;word-wrap:break-word}.f .t{font-size:18px}\
.i{display:block;width:100%;max-height:240px;object-fit:cover;border-radius:10px;margin:0 0 12px}\
.a{display:flex;flex-wrap:wrap;gap:8px}\
.a a{display:inline-block;background:#2f6feb;color:#fff;text-decoration:none;font-weight:600;padding:9px 16px;\
border-radius:10px}.a a:hover{background:#1f5bd0}\
.x{position:absolute;top:0;right:0;width:44px;height:44px;border:0;background:none;font-size:22px;line-height:1;\
color:#57606a;cursor:pointer;padding:0}\
@keyframes kzin{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}\
@media (prefers-reduced-motion:reduce){.b,.f{animation:none}}\
</style>";

/// The markup of one message. Clickable parts carry `data-kz` (`open`, `close`, or the
/// button index) for the one delegated click listener in `dom.rs`.
pub fn markup(popup: &Popup) -> String {
    let mut out = String::with_capacity(512 + popup.text.len());
    let full = popup.display == Display::Fullscreen;
    if full {
        out.push_str("<div class=\"o\" data-kz=\"close\"><div class=\"kz f\" data-kz=\"open\" role=\"dialog\" aria-modal=\"true\" aria-label=\"");
    } else {
        out.push_str("<div class=\"kz b\" data-kz=\"open\" role=\"dialog\" aria-label=\"");
    }
    escape(&popup.sender.name, &mut out);
    out.push_str("\"><button class=\"x\" data-kz=\"close\" aria-label=\"Close\">×</button><p class=\"s\">");
    if let Some(avatar) = popup.sender.avatar_url.as_deref().filter(|url| SafeUrl::parse(url).is_ok()) {
        out.push_str("<img alt=\"\" src=\"");
        escape(avatar, &mut out);
        out.push_str("\">");
    }
    escape(&popup.sender.name, &mut out);
    out.push_str("</p>");
    if let Some(image) = popup.image_url.as_deref().filter(|url| SafeUrl::parse(url).is_ok()) {
        out.push_str("<img class=\"i\" alt=\"\" src=\"");
        escape(image, &mut out);
        out.push_str("\">");
    }
    out.push_str("<p class=\"t\">");
    text_html(&popup.text, false, &mut out);
    out.push_str("</p><div class=\"a\">");
    for (index, button) in popup.buttons.iter().enumerate() {
        if SafeUrl::parse(&button.url).is_err() {
            continue;
        }
        out.push_str("<a href=\"");
        escape(&button.url, &mut out);
        out.push_str("\" data-kz=\"");
        // At most a few buttons: one digit, without the formatting machinery.
        out.push(char::from_digit(index as u32 % 10, 10).unwrap_or('0'));
        out.push_str("\">");
        escape(&button.label, &mut out);
        out.push_str("</a>");
    }
    out.push_str("</div></div>");
    if full {
        out.push_str("</div>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::public::{PopupButton, PopupSender};

    fn popup(display: Display) -> Popup {
        Popup {
            delivery_id: "d1".to_owned(),
            campaign_id: "c1".to_owned(),
            display,
            sender: PopupSender {
                name: "Tea & Co".to_owned(),
                avatar_url: Some("https://cdn.example/a.png".to_owned()),
            },
            text: "20% off\n<b>today</b>".to_owned(),
            image_url: None,
            buttons: vec![PopupButton { label: "See \"sale\"".to_owned(), url: "/sale?a=1&b=2".to_owned() }],
        }
    }

    #[test]
    fn a_bubble_renders_escaped_content() {
        assert_eq!(
            markup(&popup(Display::Bubble)),
            "<div class=\"kz b\" data-kz=\"open\" role=\"dialog\" aria-label=\"Tea &amp; Co\">\
             <button class=\"x\" data-kz=\"close\" aria-label=\"Close\">×</button>\
             <p class=\"s\"><img alt=\"\" src=\"https://cdn.example/a.png\">Tea &amp; Co</p>\
             <p class=\"t\">20% off\n&lt;b&gt;today&lt;/b&gt;</p>\
             <div class=\"a\"><a href=\"/sale?a=1&amp;b=2\" data-kz=\"0\">See &quot;sale&quot;</a></div></div>"
        );
    }

    #[test]
    fn a_fullscreen_renders_inside_a_closing_backdrop() {
        let html = markup(&popup(Display::Fullscreen));
        // A click inside the card is not a click on the backdrop.
        assert!(
            html.starts_with("<div class=\"o\" data-kz=\"close\"><div class=\"kz f\" data-kz=\"open\" role=\"dialog\"")
        );
        assert!(html.ends_with("</div></div></div>"));
    }

    #[test]
    fn the_formatting_subset_and_an_image_render() {
        let mut p = popup(Display::Bubble);
        p.text = "**20% off** _today_".to_owned();
        p.image_url = Some("https://cdn.example/tea.jpg".to_owned());
        let html = markup(&p);
        assert!(html.contains("<img class=\"i\" alt=\"\" src=\"https://cdn.example/tea.jpg\"><p class=\"t\"><strong>20% off</strong> <em>today</em></p>"), "{html}");
        p.image_url = Some("javascript:alert(1)".to_owned());
        assert!(!markup(&p).contains("class=\"i\""));
    }

    #[test]
    fn unsafe_links_and_avatars_are_left_out() {
        let mut p = popup(Display::Bubble);
        p.sender.avatar_url = Some("javascript:alert(1)".to_owned());
        p.buttons[0].url = "javascript:alert(1)".to_owned();
        let html = markup(&p);
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }
}
