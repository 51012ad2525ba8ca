//! Password hashing with the runtime's WebCrypto: PBKDF2-SHA256 (`crypto.subtle`
//! `importKey` + `deriveBits`), which runs natively rather than in wasm, and random salts
//! and session tokens from `crypto.getRandomValues`.
//!
//! Invariant: a new hash uses `account::PBKDF2_ITERATIONS` and a fresh salt, and a
//! sign-in derives with the count stored beside the hash; comparing is
//! `StoredPassword::matches`, in constant time.

use crate::error::ApiError;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use kizuna_shared::account::{HASH_BITS, PBKDF2_ITERATIONS, SALT_BYTES, StoredPassword, hex};
use wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;

fn get(target: &JsValue, name: &str) -> Result<JsValue, ApiError> {
    Ok(Reflect::get(target, &JsValue::from_str(name))?)
}

fn method(target: &JsValue, name: &str) -> Result<Function, ApiError> {
    Ok(get(target, name)?.dyn_into::<Function>()?)
}

async fn settle(value: JsValue) -> Result<JsValue, ApiError> {
    Ok(JsFuture::from(value.dyn_into::<Promise>()?).await?)
}

/// PBKDF2-SHA256 of `password` under `salt`, `iterations` times: [`HASH_BITS`] bits.
pub async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, ApiError> {
    let crypto = get(&js_sys::global(), "crypto")?;
    let subtle = get(&crypto, "subtle")?;
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let import_args = Array::new();
    for arg in [
        JsValue::from_str("raw"),
        Uint8Array::from(password.as_bytes()).into(),
        JsValue::from_str("PBKDF2"),
        JsValue::FALSE,
        usages.into(),
    ] {
        import_args.push(&arg);
    }
    let key = settle(method(&subtle, "importKey")?.apply(&subtle, &import_args)?).await?;
    let params = Object::new();
    Reflect::set(&params, &"name".into(), &"PBKDF2".into())?;
    Reflect::set(&params, &"hash".into(), &"SHA-256".into())?;
    Reflect::set(&params, &"salt".into(), &Uint8Array::from(salt).into())?;
    Reflect::set(&params, &"iterations".into(), &JsValue::from_f64(f64::from(iterations)))?;
    let bits =
        method(&subtle, "deriveBits")?.call3(&subtle, &params, &key, &JsValue::from_f64(f64::from(HASH_BITS)))?;
    let bits = settle(bits).await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// `n` bytes from the runtime's CSPRNG.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, ApiError> {
    let crypto = get(&js_sys::global(), "crypto")?;
    let bytes = Uint8Array::new_with_length(u32::try_from(n).map_err(|_| ApiError::Internal("random length".into()))?);
    method(&crypto, "getRandomValues")?.call1(&crypto, &bytes)?;
    Ok(bytes.to_vec())
}

/// A new account's stored password: a fresh salt, the current iteration count.
pub async fn hash_new(password: &str) -> Result<StoredPassword, ApiError> {
    let salt = random_bytes(SALT_BYTES)?;
    let derived = derive(password, &salt, PBKDF2_ITERATIONS).await?;
    Ok(StoredPassword { hash: hex(&derived), salt: hex(&salt), iterations: PBKDF2_ITERATIONS })
}

/// Whether `password` is the stored one. Without a stored hash (unknown email, an
/// account that cannot sign in) the same work is done against a fixed salt, so the
/// answer takes as long either way.
pub async fn verify(password: &str, stored: Option<&StoredPassword>) -> Result<bool, ApiError> {
    const DECOY_SALT: [u8; SALT_BYTES] = *b"kizuna-no-accnt!";
    let Some(stored) = stored else {
        derive(password, &DECOY_SALT, PBKDF2_ITERATIONS).await?;
        return Ok(false);
    };
    let Some(salt) = stored.salt_bytes() else {
        return Err(ApiError::Internal("stored password salt is not hex".into()));
    };
    let derived = derive(password, &salt, stored.iterations).await?;
    Ok(stored.matches(&derived))
}
