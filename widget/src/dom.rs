//! The only module that touches the DOM: the host element and its shadow root, page
//! facts, navigation. Every listener turns a browser event into a `machine::Input`.

use crate::launcher::{self, Lang};
use crate::machine::Input;
use kizuna_shared::render::STYLE;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{AddEventListenerOptions, Element, Event, HtmlElement, KeyboardEvent, ShadowRootInit, ShadowRootMode};

/// The widget's own element on the page: a `<div data-kizuna>` at the end of `<body>`,
/// holding an open shadow root so the page's CSS and ours never meet. Inside: the styles,
/// the view (a message, the launcher, or nothing) and a status line for screen readers,
/// which stays while the view changes so that what it says is announced.
pub struct Dom {
    view: Element,
    status: Element,
    lang: Lang,
}

impl Dom {
    pub fn mount(dispatch: fn(Input)) -> Result<Dom, JsValue> {
        let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
        let body = document.body().ok_or("no body")?;
        let host = document.create_element("div")?;
        host.set_attribute("data-kizuna", "")?;
        let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        let click = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let marked = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("[data-kz]").ok().flatten())
                .and_then(|el| el.get_attribute("data-kz"));
            match marked.as_deref() {
                None => {}
                Some("open") => dispatch(Input::Opened),
                Some("close") => dispatch(Input::Closed),
                Some("launch") => dispatch(Input::Launch),
                Some("read") => dispatch(Input::ReadAll),
                Some(index) => {
                    if let Ok(index) = index.parse() {
                        event.prevent_default();
                        dispatch(Input::ButtonClicked(index));
                    }
                }
            }
        });
        root.add_event_listener_with_callback("click", click.as_ref().unchecked_ref())?;
        click.forget();
        let keys = Closure::<dyn FnMut(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                dispatch(Input::Closed);
            }
        });
        document.add_event_listener_with_callback("keydown", keys.as_ref().unchecked_ref())?;
        keys.forget();
        root.set_inner_html(&[STYLE, launcher::STYLE, "<div></div><p class=\"sr\" role=\"status\"></p>"].concat());
        let view = root.query_selector("div")?.ok_or("no view")?;
        let status = root.query_selector(".sr")?.ok_or("no status")?;
        body.append_child(&host)?;
        let lang = Lang::of(&web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default());
        Ok(Dom { view, status, lang })
    }

    pub fn show(&self, markup: &str) {
        self.view.set_inner_html(markup);
    }

    pub fn hide(&self) {
        self.view.set_inner_html("");
    }

    /// The launcher for `count` unread messages (none: taken away), said to screen readers.
    pub fn launcher(&self, count: usize) {
        self.view.set_inner_html(&if count == 0 { String::new() } else { launcher::markup(count, self.lang) });
        self.status.set_text_content(Some(&launcher::unread(count, self.lang)));
    }

    /// Focuses the first button of the view (the visitor opened or returned to it).
    pub fn focus(&self) {
        if let Ok(Some(button)) = self.view.query_selector("button") {
            let _ = button.unchecked_into::<HtmlElement>().focus();
        }
    }
}

/// Facts about the current page, sent with each `PageView`.
pub struct Page {
    pub url: String,
    pub path: String,
    pub title: String,
    /// `document.referrer`: the page before this page load (in-app navigations keep it).
    pub referrer: String,
}

pub fn page() -> Option<Page> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let location = window.location();
    Some(Page {
        url: location.href().ok()?,
        path: location.pathname().ok()?,
        title: document.title(),
        referrer: document.referrer(),
    })
}

/// The token of a "Try it on my site" link this page was opened with, taken out of the
/// address (so a reload or a shared address does not ask again for a used link).
pub fn take_preview_token() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let token = crate::json::preview_token(&location.hash().ok()?)?.to_owned();
    let bare = [location.pathname().ok()?, location.search().ok()?].concat();
    let _ = window.history().ok()?.replace_state_with_url(&JsValue::NULL, "", Some(&bare));
    Some(token)
}

/// Whether the page is on screen (`document.hidden` is false).
pub fn visible() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.hidden())
}

pub fn navigate(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

/// Runs `then` once the document has a body: now, or on `DOMContentLoaded`.
pub fn when_ready(then: impl FnOnce() + 'static) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.ready_state() != "loading" {
        then();
        return;
    }
    let once = Closure::once_into_js(then);
    let options = AddEventListenerOptions::new();
    options.set_once(true);
    let _ = document.add_event_listener_with_callback_and_add_event_listener_options(
        "DOMContentLoaded",
        once.unchecked_ref(),
        &options,
    );
}
