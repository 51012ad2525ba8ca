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

/// Where `**` first occurs: a plain byte scan (the general substring search costs the
/// widget kilobytes).
fn stars(text: &str) -> Option<usize> {
    text.as_bytes().windows(2).position(|pair| pair == b"**")
}

/// A part of `text` by byte positions that the scans found on ASCII markers (always
/// character boundaries). `str::get` rather than indexing: indexing's panic path would
/// bring Unicode tables into the widget.
fn part(text: &str, range: std::ops::Range<usize>) -> &str {
    text.get(range).unwrap_or_default()
}

fn bold(line: &str, out: &mut String) {
    let mut rest = line;
    // As in Markdown, an opening `**` is not followed by a space, nor a closing one preceded.
    while let Some(open) = stars(rest) {
        let after = part(rest, open + 2..rest.len());
        let Some(close) = stars(after) else { break };
        let inner = part(after, 0..close);
        if inner.is_empty() || inner.starts_with(' ') || inner.ends_with(' ') {
            break;
        }
        italic(part(rest, 0..open), out);
        out.push_str("<strong>");
        italic(inner, out);
        out.push_str("</strong>");
        rest = part(after, close + 2..after.len());
    }
    italic(rest, out);
}

/// A byte of a letter or digit, as Markdown counts them for `_`: ASCII ones and every
/// byte of a non-ASCII character (so CJK text behaves like a word, as in CommonMark).
fn is_word(byte: Option<&u8>) -> bool {
    byte.is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80)
}

fn italic(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut done = 0;
    let mut i = 0;
    while i < bytes.len() {
        // An opening `_` follows a non-word character; its partner precedes one.
        if bytes.get(i) == Some(&b'_') && !is_word(i.checked_sub(1).and_then(|p| bytes.get(p))) {
            let close = (i + 2..bytes.len()).find(|&j| {
                bytes.get(j) == Some(&b'_') && !is_word(bytes.get(j + 1)) && bytes.get(j - 1) != Some(&b' ')
            });
            if let Some(j) = close {
                escape(part(text, done..i), out);
                out.push_str("<em>");
                escape(part(text, i + 1..j), out);
                out.push_str("</em>");
                done = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    escape(part(text, done..bytes.len()), out);
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
