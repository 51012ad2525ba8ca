//! The live preview beside the campaign editor: the message drawn by the widget's own
//! renderer (`kizuna_shared::render`) with the widget's styles inside a shadow root, as a
//! bubble or fullscreen, at desktop or phone width; and the email and SMS the message
//! becomes, composed by the same code the edge sends with (`kizuna_shared::outbound`).
//!
//! Invariant: the preview never runs or follows marketer content: the frame is `inert`
//! (nothing in it takes a click or focus), the widget's `position:fixed` rules are held
//! inside the sized frame by its `transform` (console.css), and styles arrive as
//! constructed sheets, which the console's CSP (`style-src 'self'`) allows.

use crate::i18n::Key;
use crate::ui::Ui;
use kizuna_shared::outbound::{CampaignMessage, Tracking, compose_email, compose_sms};
use kizuna_shared::render::{STYLE, markup};
use kizuna_shared::wire::public::Popup;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The token the preview's tracked links carry: never a signed one, so nothing counts.
const PREVIEW_TOKEN: &str = "preview";

/// The preview keeps a message still: the widget's entrance animation would replay on
/// every keystroke.
const STILL: &str = ".b,.f{animation:none}";

#[derive(Clone, Copy, PartialEq)]
enum Medium {
    Site,
    Email,
    Sms,
}

/// An open shadow root on `host` (made once) whose sheets are `css`.
fn shadow(host: &web_sys::HtmlElement, css: &[&str]) -> Option<web_sys::ShadowRoot> {
    if let Some(root) = host.shadow_root() {
        return Some(root);
    }
    let root = host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open)).ok()?;
    let sheets = js_sys::Array::new();
    for text in css {
        let sheet = web_sys::CssStyleSheet::new().ok()?;
        sheet.replace_sync(text).ok()?;
        sheets.push(&sheet);
    }
    js_sys::Reflect::set(&root, &JsValue::from_str("adoptedStyleSheets"), &sheets).ok()?;
    Some(root)
}

/// The widget's `<style>` element's rules, for a constructed sheet.
fn widget_css() -> &'static str {
    STYLE.trim_start_matches("<style>").trim_end_matches("</style>")
}

/// The body of an email's HTML with its inline styles applied through the CSSOM (the
/// console's CSP refuses `style=` attributes written as markup, not styles set by script).
fn draw_email(root: &web_sys::ShadowRoot, html: &str) {
    let body = html
        .split_once("<body")
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(_, rest)| rest.rsplit_once("</body>").map_or(rest, |(inner, _)| inner))
        .unwrap_or(html);
    root.set_inner_html(&format!("<div class=\"mail\">{body}</div>"));
    let Ok(styled) = root.query_selector_all("[style]") else { return };
    for i in 0..styled.length() {
        if let Some(el) = styled.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            && let Some(css) = el.get_attribute("style")
        {
            el.style().set_css_text(&css);
        }
    }
}

/// The message as the widget, the email and the SMS would show it, following `popup` and
/// `outbound` as they change.
#[component]
pub fn Preview(
    ui: Ui,
    /// Which of the campaign's messages is shown, when it has several.
    caption: Signal<Option<String>>,
    popup: Memo<Popup>,
    outbound: Memo<CampaignMessage>,
    /// Whether offline email and SMS are on (their tabs say when they are off).
    email_on: Signal<bool>,
    sms_on: Signal<bool>,
) -> impl IntoView {
    let medium = RwSignal::new(Medium::Site);
    let phone = RwSignal::new(false);
    let stage = NodeRef::<leptos::html::Div>::new();
    let mail = NodeRef::<leptos::html::Div>::new();
    let origin = window().location().origin().unwrap_or_default();
    let links = Tracking::new(&origin, PREVIEW_TOKEN);

    Effect::new(move |_| {
        let html = popup.with(markup);
        if let Some(host) = stage.get()
            && let Some(root) = shadow(&host, &[widget_css(), STILL])
        {
            root.set_inner_html(&html);
        }
    });
    let email = {
        let links = links.clone();
        Memo::new(move |_| outbound.with(|m| compose_email(m, &links)))
    };
    Effect::new(move |_| {
        let html = email.with(|e| e.html.clone());
        if medium.get() == Medium::Email
            && let Some(host) = mail.get()
            && let Some(root) = shadow(&host, &[])
        {
            draw_email(&root, &html);
        }
    });
    let sms = Memo::new(move |_| outbound.with(|m| compose_sms(m, &links)));
    let from = move || outbound.with(|m| m.message.sender.name.trim().to_owned());

    let tab = move |which: Medium, label: Key| {
        view! {
            <button
                type="button"
                class="ce-toggle"
                aria-pressed=move || if medium.get() == which { "true" } else { "false" }
                on:click=move |_| medium.set(which)
            >
                {ui.t(label)}
            </button>
        }
    };
    let off_note = move |on: Signal<bool>| {
        move || (!on.get()).then(|| view! { <p class="hint">{ui.t(Key::CePreviewOffline)}</p> })
    };
    view! {
        <section class="preview" aria-labelledby="preview-title">
            <div class="preview-head">
                <h2 id="preview-title">
                    {ui.t(Key::CePreview)}
                    {move || caption.get().map(|text| view! { <span class="preview-caption" id="preview-caption">{text}</span> })}
                </h2>
                <div class="ce-toggles" role="group" aria-label=ui.t(Key::CePreviewMedium)>
                    {tab(Medium::Site, Key::CePreviewSite)}
                    {tab(Medium::Email, Key::CePreviewEmail)}
                    {tab(Medium::Sms, Key::CePreviewSms)}
                </div>
            </div>
            <div class="preview-site" hidden=move || medium.get() != Medium::Site>
                <div class="ce-toggles" role="group" aria-label=ui.t(Key::CePreviewWidth)>
                    <button type="button" class="ce-toggle" id="preview-desktop" aria-pressed=move || if phone.get() { "false" } else { "true" } on:click=move |_| phone.set(false)>
                        {ui.t(Key::CePreviewDesktop)}
                    </button>
                    <button type="button" class="ce-toggle" id="preview-phone" aria-pressed=move || if phone.get() { "true" } else { "false" } on:click=move |_| phone.set(true)>
                        {ui.t(Key::CePreviewPhone)}
                    </button>
                </div>
                <div class=move || if phone.get() { "preview-frame phone" } else { "preview-frame" } aria-hidden="true">
                    <div class="preview-page"><span></span><span></span><span></span><span></span></div>
                    <div id="preview-stage" class="preview-stage" inert node_ref=stage></div>
                </div>
            </div>
            <div class="preview-email" hidden=move || medium.get() != Medium::Email>
                {off_note(email_on)}
                <dl class="mail-head">
                    <dt>{ui.t(Key::CePreviewFrom)}</dt>
                    <dd>{from}</dd>
                    <dt>{ui.t(Key::CePreviewSubject)}</dt>
                    <dd id="preview-subject">{move || email.with(|e| e.subject.clone())}</dd>
                </dl>
                <div id="preview-mail" class="preview-mail" inert node_ref=mail></div>
            </div>
            <div class="preview-sms" hidden=move || medium.get() != Medium::Sms>
                {off_note(sms_on)}
                <p class="sms-count">
                    {move || crate::i18n::fill(ui.s(Key::CePreviewSmsChars), "count", &ui.number(sms.with(|s| s.chars().count()) as f64))}
                </p>
                <pre id="preview-sms" class="sms-bubble">{move || sms.get()}</pre>
            </div>
        </section>
    }
}
