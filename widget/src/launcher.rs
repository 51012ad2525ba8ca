//! The launcher: the small button in the page corner behind which messages the visitor
//! has not viewed wait, with their count, and "mark all read" beside it. Pure markup and
//! words, tested natively; `dom` draws it in the shadow root, in place of a message.
//!
//! Invariant: it sits where the bubble does (bottom right) and is no wider than the
//! bubble, so it never covers more of the host page than a message would.

/// The page's language as far as the launcher speaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    /// Japanese when the browser's language is; English otherwise.
    pub fn of(browser: &str) -> Lang {
        if browser.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("ja")) { Lang::Ja } else { Lang::En }
    }
}

/// The launcher's styles, after the message's (`kizuna_shared::render::STYLE`).
pub const STYLE: &str = "<style>\
.l{position:fixed;right:20px;bottom:20px;z-index:2147483647;display:flex;align-items:center;gap:10px;\
font:600 14px system-ui,sans-serif}\
.l button{border:0;cursor:pointer;font:inherit;box-shadow:0 6px 20px rgba(0,0,0,.22);background:#fff;color:#1f2328;\
padding:9px 14px;border-radius:99px}\
.l .lb{position:relative;width:56px;height:56px;background:#2f6feb;color:#fff;padding:15px}\
.n{position:absolute;top:-5px;right:-5px;min-width:24px;padding:2px 6px;box-sizing:border-box;border-radius:12px;\
border:2px solid #fff;background:#cf222e;font-size:12px}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}\
</style>";

/// The launcher for `count` unread messages (at least one): its button is named by
/// [`unread`], and "mark all read" sits beside it.
pub fn markup(count: usize, lang: Lang) -> String {
    let read = match lang {
        Lang::En => "Mark all read",
        Lang::Ja => "すべて既読にする",
    };
    [
        "<div class=\"l\"><button class=\"lr\" data-kz=\"read\">",
        read,
        "</button><button class=\"lb\" data-kz=\"launch\" aria-label=\"",
        &unread(count, lang),
        "\"><svg aria-hidden=\"true\" viewBox=\"0 0 24 24\"><path fill=\"#fff\" d=\"M2 3h20v14H9l-5 4v-4H2z\"/></svg>\
         <span class=\"n\" aria-hidden=\"true\">",
        &count.to_string(),
        "</span></button></div>",
    ]
    .concat()
}

/// "2 unread messages": the launcher's name, and what the status line says to screen
/// readers when the count changes (empty at none).
pub fn unread(count: usize, lang: Lang) -> String {
    if count == 0 {
        return String::new();
    }
    let n = count.to_string();
    match lang {
        Lang::En => [n.as_str(), if count == 1 { " unread message" } else { " unread messages" }].concat(),
        Lang::Ja => ["未読メッセージ ", n.as_str(), " 件"].concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_the_browser_s() {
        assert_eq!(Lang::of("ja"), Lang::Ja);
        assert_eq!(Lang::of("ja-JP"), Lang::Ja);
        assert_eq!(Lang::of("JA"), Lang::Ja);
        assert_eq!(Lang::of("en-US"), Lang::En);
        assert_eq!(Lang::of(""), Lang::En);
        assert_eq!(Lang::of("j"), Lang::En);
    }

    #[test]
    fn the_launcher_names_its_count_in_both_languages_and_marks_its_two_buttons() {
        let en = markup(2, Lang::En);
        assert!(en.contains("aria-label=\"2 unread messages\""), "{en}");
        assert!(en.contains("data-kz=\"launch\"") && en.contains("data-kz=\"read\">Mark all read<"));
        assert!(en.contains("<span class=\"n\" aria-hidden=\"true\">2</span>"));
        assert!(markup(1, Lang::En).contains("\"1 unread message\""));
        let ja = markup(3, Lang::Ja);
        assert!(ja.contains("aria-label=\"未読メッセージ 3 件\"") && ja.contains(">すべて既読にする<"), "{ja}");
        assert_eq!(unread(1, Lang::En), "1 unread message");
        assert_eq!(unread(4, Lang::Ja), "未読メッセージ 4 件");
        assert_eq!(unread(0, Lang::Ja), "");
    }
}
