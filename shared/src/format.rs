//! The safe subset of formatting a message's text may use, as HTML: `**bold**` and
//! `_italic_`, with line breaks kept. The widget and emails render text through this one
//! function, so a message looks the same everywhere.
//!
//! Invariant: the output is escaped text plus only `<strong>`/`<em>` pairs (and `<br>`
//! where asked): marketer-written text can never add an element, attribute or script.
//! A marker without its closing partner is shown as written.

/// Escapes text for element content and double-quoted attributes.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Appends `text` as HTML: escaped, `**bold**` → `<strong>`, `_italic_` → `<em>` (an
/// underscore inside a word, as in `snake_case`, is text), and with `breaks` each line
/// break as `<br>` (the widget keeps them with CSS instead).
pub fn text_html(text: &str, breaks: bool, out: &mut String) {
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push_str(if breaks { "<br>" } else { "\n" });
        }
        bold(line, out);
    }
}

fn bold(line: &str, out: &mut String) {
    let mut rest = line;
    // As in Markdown, an opening `**` is not followed by a space, nor a closing one preceded.
    while let Some(open) = rest.find("**").filter(|&o| !rest[o + 2..].starts_with(char::is_whitespace)) {
        let after = &rest[open + 2..];
        let Some(close) = after.find("**").filter(|&c| c > 0 && !after[..c].ends_with(char::is_whitespace)) else {
            break;
        };
        italic(&rest[..open], out);
        out.push_str("<strong>");
        italic(&after[..close], out);
        out.push_str("</strong>");
        rest = &after[close + 2..];
    }
    italic(rest, out);
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

fn italic(text: &str, out: &mut String) {
    let mut rest = text;
    let mut before: Option<char> = None;
    loop {
        // An opening `_` follows a non-word character; its partner precedes one.
        let open = rest
            .char_indices()
            .find(|&(i, c)| c == '_' && !is_word(if i == 0 { before } else { rest[..i].chars().next_back() }));
        let Some((open, _)) = open else { break };
        let body = &rest[open + 1..];
        let close = body
            .char_indices()
            .find(|&(i, c)| c == '_' && i > 0 && !is_word(body[i + 1..].chars().next()) && !body[..i].ends_with(' '));
        let Some((close, _)) = close else { break };
        escape(&rest[..open], out);
        out.push_str("<em>");
        escape(&body[..close], out);
        out.push_str("</em>");
        before = Some('_');
        rest = &body[close + 1..];
    }
    escape(rest, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        let mut out = String::new();
        text_html(text, true, &mut out);
        out
    }

    #[test]
    fn bold_and_italic_are_the_only_formatting() {
        assert_eq!(html("**20% off** _today only_"), "<strong>20% off</strong> <em>today only</em>");
        assert_eq!(html("a **bold _and italic_** word"), "a <strong>bold <em>and italic</em></strong> word");
    }

    #[test]
    fn markup_in_text_is_shown_as_text() {
        assert_eq!(
            html("<b onclick=\"x\">hi</b> & 'q'"),
            "&lt;b onclick=&quot;x&quot;&gt;hi&lt;/b&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(html("**<script>**"), "<strong>&lt;script&gt;</strong>");
    }

    #[test]
    fn a_marker_without_its_partner_is_text() {
        assert_eq!(html("5 ** 2 and **"), "5 ** 2 and **");
        assert_eq!(html("****"), "****");
        assert_eq!(html("_open only"), "_open only");
        assert_eq!(html("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(html("**bold\nacross lines**"), "**bold<br>across lines**", "formatting stays within a line");
    }

    #[test]
    fn line_breaks_become_br_only_when_asked() {
        assert_eq!(html("a\nb"), "a<br>b");
        let mut kept = String::new();
        text_html("a\nb", false, &mut kept);
        assert_eq!(kept, "a\nb");
    }
}
