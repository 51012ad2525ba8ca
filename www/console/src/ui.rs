//! What every screen shares in the browser: the language, the current [`Screen`] (kept in
//! step with the address bar), the signed-in account with its channels, and the locale's
//! way of writing numbers and times (the browser's `Intl`, so no time-zone tables ship).

use crate::api;
use crate::i18n::{Key, Lang, text};
use crate::problem::{Failure, Problem};
use crate::screen::Screen;
use kizuna_shared::wire::admin::MeOut;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

pub const LANG_STORAGE_KEY: &str = "kizuna.console.lang";

/// Handed to every screen: copyable signals only.
#[derive(Clone, Copy)]
pub struct Ui {
    pub lang: RwSignal<Lang>,
    pub screen: RwSignal<Screen>,
    /// The signed-in account and its channels; `None` until `GET /admin/v1/me` answered.
    pub me: RwSignal<Option<MeOut>>,
}

impl Ui {
    pub fn new() -> Ui {
        Ui { lang: RwSignal::new(initial_lang()), screen: RwSignal::new(current_screen()), me: RwSignal::new(None) }
    }

    /// A key's text in the current language, as a reactive closure for `view!`.
    pub fn t(self, key: Key) -> impl Fn() -> &'static str + Copy + 'static {
        move || text(self.lang.get(), key)
    }

    /// What a screen shows while its data or its code is on the way, announced politely.
    pub fn loading(self) -> AnyView {
        view! { <p class="lead" aria-live="polite">{self.t(Key::Loading)}</p> }.into_any()
    }

    /// A key's text now (in event handlers and `format!`s inside reactive closures).
    pub fn s(self, key: Key) -> &'static str {
        text(self.lang.get(), key)
    }

    /// Shows `to` and puts its path in the address bar (replacing the current entry when
    /// the user did not ask to move, as when a missing session sends them to sign in).
    pub fn go(self, to: Screen, replace: bool) {
        if let Ok(history) = window().history() {
            let path = to.path();
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&path))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(&path))
            };
        }
        self.screen.set(to);
        // A new screen starts at the top, with focus on its heading for screen readers.
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }

    /// A link's click: moves inside the app unless the user asked for a new tab or window.
    pub fn follow(self, to: Screen) -> impl Fn(MouseEvent) + 'static {
        move |ev: MouseEvent| {
            if ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()) {
                ev.prevent_default();
                self.go(to.clone(), false);
            }
        }
    }

    /// Asks the API for the account and its channels again (after creating, leaving or
    /// deleting a channel); a missing session sends to sign-in.
    pub fn reload_me(self) {
        spawn_local(async move {
            match api::me().await {
                Ok(me) => self.me.set(Some(me)),
                Err(Failure::Answered { status: 401, .. }) => self.signed_out(),
                Err(_) => {}
            }
        });
    }

    /// The session is gone: forget the account and show sign-in.
    pub fn signed_out(self) {
        self.me.set(None);
        self.go(Screen::SignIn, true);
    }

    /// The account's role in `channel` (`owner` or `member`), once known.
    pub fn role(self, channel: &str) -> Option<String> {
        self.me.with(|me| me.as_ref()?.channels.iter().find(|c| c.id == channel).map(|c| c.role.clone()))
    }

    pub fn is_owner(self, channel: &str) -> bool {
        self.role(channel).as_deref() == Some("owner")
    }

    /// A number in the viewer's locale (`12,345` / `12,345`).
    pub fn number(self, n: f64) -> String {
        self.formats(None).number(n)
    }

    /// A moment (ms since the epoch) as a date and time in `zone` (the channel's IANA
    /// zone; the browser's own when `None` or unknown to it), in the viewer's locale.
    pub fn time(self, ms: i64, zone: Option<&str>) -> String {
        self.formats(zone).time(ms)
    }

    /// The locale's formatters, made once for many values (a table's cells).
    pub fn formats(self, zone: Option<&str>) -> Formats {
        Formats::new(self.lang.get(), zone)
    }
}

/// `Intl` number and date-time formatters for one language and time zone.
pub struct Formats {
    number: js_sys::Intl::NumberFormat,
    date: Option<js_sys::Intl::DateTimeFormat>,
}

impl Formats {
    fn new(lang: Lang, zone: Option<&str>) -> Formats {
        let locales = locales(lang);
        let number = js_sys::Intl::NumberFormat::new(&locales, &js_sys::Object::new());
        let make = |zone: Option<&str>| -> Option<js_sys::Intl::DateTimeFormat> {
            let options = js_sys::Object::new();
            let set = |k: &str, v: &str| {
                let _ = js_sys::Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
            };
            set("dateStyle", "medium");
            set("timeStyle", "short");
            if let Some(zone) = zone {
                set("timeZone", zone);
            }
            // An unknown zone makes the constructor throw a RangeError: `Reflect::construct`
            // turns that into an `Err`, and the browser's own zone is used instead.
            let class: js_sys::Function =
                js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).constructor();
            let format = js_sys::Reflect::construct(&class, &js_sys::Array::of2(&locales, &options)).ok()?;
            Some(format.unchecked_into())
        };
        let date = make(zone).or_else(|| make(None));
        Formats { number, date }
    }

    pub fn number(&self, n: f64) -> String {
        let format = self.number.format();
        format.call1(&self.number, &JsValue::from_f64(n)).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }

    pub fn time(&self, ms: i64) -> String {
        let Some(format) = &self.date else { return String::new() };
        let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        format.format().call1(format, &date).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }
}

impl Default for Ui {
    fn default() -> Self {
        Ui::new()
    }
}

fn locales(lang: Lang) -> js_sys::Array {
    js_sys::Array::of1(&JsValue::from_str(match lang {
        Lang::En => "en",
        Lang::Ja => "ja-JP",
    }))
}

fn initial_lang() -> Lang {
    let remembered = window().local_storage().ok().flatten().and_then(|s| s.get_item(LANG_STORAGE_KEY).ok().flatten());
    let tag = remembered.or_else(|| window().navigator().language()).unwrap_or_default();
    Lang::from_tag(&tag)
}

pub fn current_screen() -> Screen {
    Screen::from_path(&window().location().pathname().unwrap_or_default())
}

/// The product's name above a public screen's heading.
#[component]
pub fn Brand(ui: Ui) -> impl IntoView {
    view! { <p class="brand">{ui.t(Key::Product)}</p> }
}

/// What a screen shows when its load failed: the problem, and 401 sends to sign-in.
pub fn load_failed(ui: Ui, failure: Failure) -> Option<Problem> {
    if let Failure::Answered { status: 401, .. } = failure {
        ui.signed_out();
        return None;
    }
    Some(Problem::from(failure))
}

/// Moves focus to the element with `id` (or to the page's `main` when it is gone, as a
/// removed row is) on the next frame, after the view has updated: a field is already
/// `aria-invalid`, a dialog already open, when it gets focus.
pub fn focus_later(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || focus_now(document().get_element_by_id(&id)));
}

/// Focuses `element`, or the page's `main` when there is none or it left the page.
pub fn focus_now(element: Option<web_sys::Element>) {
    let target = element.filter(|e| e.is_connected()).or_else(|| document().get_element_by_id("main"));
    if let Some(target) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = target.focus();
    }
}

/// The value of `name` in the address bar's query (`?token=`).
pub fn query(name: &str) -> Option<String> {
    let search = window().location().search().unwrap_or_default();
    crate::screen::query_value(&search, name).map(str::to_owned)
}

/// Copies `text` to the clipboard; answers whether the browser took it.
pub async fn copy_text(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
