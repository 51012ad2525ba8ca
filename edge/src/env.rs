//! The deployment's settings and the runtime's randomness, read in one place.

use crate::error::ApiError;
use worker::Env;

/// A setting from a secret, else a var (`wrangler dev --var` and `[vars]` are vars);
/// empty counts as missing.
pub fn setting(env: &Env, name: &str) -> Option<String> {
    env.secret(name).or_else(|_| env.var(name)).ok().map(|v| v.to_string()).filter(|v| !v.trim().is_empty())
}

/// A setting the caller cannot work without: its absence is the operator's mistake (500).
pub fn required(env: &Env, name: &str, user: &str) -> Result<String, ApiError> {
    setting(env, name).ok_or_else(|| {
        ApiError::Internal(format!(
            "{user}: {name} is not configured (set it with `wrangler secret put {name}` or in [vars])"
        ))
    })
}

/// A new id from the runtime's CSPRNG (`crypto.randomUUID()`), with a readable prefix.
pub fn new_id(prefix: &str) -> Result<String, ApiError> {
    use wasm_bindgen::JsCast;
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())?;
    let random_uuid: js_sys::Function = js_sys::Reflect::get(&crypto, &"randomUUID".into())?.dyn_into()?;
    let uuid = random_uuid.call0(&crypto)?.as_string().ok_or_else(|| ApiError::Internal("randomUUID".into()))?;
    Ok(format!("{prefix}{}", uuid.replace('-', "")))
}
