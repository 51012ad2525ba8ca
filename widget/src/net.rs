//! Talking to the edge. Bodies are JSON sent as `text/plain` (a "simple" request: no
//! CORS preflight, one round trip) with `keepalive`, so a report survives navigation.
//! Replies are parsed by the browser (`response.json()`) and read field by field.

use js_sys::{Array, Reflect};
use kizuna_shared::campaign::Display;
use kizuna_shared::wire::public::{Popup, PopupButton, PopupSender};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

fn send(url: &str, body: &str) -> Result<js_sys::Promise, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    // web-sys has no setter for `keepalive` yet.
    Reflect::set(&init, &JsValue::from_str("keepalive"), &JsValue::TRUE)?;
    Ok(web_sys::window().ok_or("no window")?.fetch_with_str_and_init(url, &init))
}

/// Posts `body` and returns the parsed JSON answer of a 2xx response. Otherwise the
/// error is the HTTP status (0: no answer, the network failed) and the edge's
/// explanation (`channel: no such channel`), for the console.
pub async fn post_status(url: &str, body: &str) -> Result<JsValue, (u16, JsValue)> {
    let fetched = match send(url, body) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    let response: Response = fetched.and_then(|r| r.dyn_into()).map_err(|error| (0, error))?;
    // Always consume the body, so the request completes even when it failed.
    let answer = match response.json() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    if response.ok() {
        return answer.map_err(|error| (0, error));
    }
    let message = answer.ok().and_then(|reply| text(&get(&reply, "error"), "message"));
    let status = response.status();
    Err((status, message.map_or_else(|| JsValue::from_f64(f64::from(status)), |m| JsValue::from_str(&m))))
}

/// Hands `body` to the browser to post even as the page goes away (`text/plain`, so
/// no preflight); whether the browser took it.
pub fn beacon(url: &str, body: &str) -> bool {
    web_sys::window().and_then(|w| w.navigator().send_beacon_with_opt_str(url, Some(body)).ok()).unwrap_or(false)
}

/// Posts `body` without waiting for the answer (view and click reports).
pub fn fire(url: &str, body: &str) {
    if let Ok(promise) = send(url, body) {
        // Swallow network errors: a lost report must not surface in the host page.
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_| {});
        let _ = promise.catch(&ignore);
        ignore.forget();
    }
}

pub fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn text(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn list(object: &JsValue, key: &str) -> Vec<JsValue> {
    get(object, key).dyn_into::<Array>().map(|a| a.iter().collect()).unwrap_or_default()
}

/// The messages a reply lists at `key` (`popups`, `unread`); malformed entries are
/// skipped. `None` when the reply has no such list.
pub fn popups(reply: &JsValue, key: &str) -> Option<Vec<Popup>> {
    let list = get(reply, key).dyn_into::<Array>().ok()?;
    Some(list.iter().filter_map(|p| popup(&p)).collect())
}

fn popup(value: &JsValue) -> Option<Popup> {
    let sender = get(value, "sender");
    Some(Popup {
        delivery_id: text(value, "deliveryId")?,
        campaign_id: text(value, "campaignId")?,
        display: if text(value, "display")? == "fullscreen" { Display::Fullscreen } else { Display::Bubble },
        sender: PopupSender { name: text(&sender, "name")?, avatar_url: text(&sender, "avatarUrl") },
        text: text(value, "text")?,
        image_url: text(value, "imageUrl"),
        buttons: list(value, "buttons")
            .iter()
            .filter_map(|b| Some(PopupButton { label: text(b, "label")?, url: text(b, "url")? }))
            .collect(),
    })
}
