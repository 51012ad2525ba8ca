//! A file password that must wait for a queue job: sealed with AES-256-GCM under a key
//! derived from the worker secret `EXPORT_SECRET`, with a fresh nonce, bound to the job's
//! id (associated data, so a sealed value moved to another job does not open).
//!
//! Invariant: the clear password lives only in the request and in the job's run; D1
//! holds the sealed form until the job ends (then it is erased), and no queue message,
//! R2 object or log line ever carries it.

use crate::env;
use crate::error::ApiError;
use crate::password::random_bytes;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use worker::Env;

const NONCE_BYTES: usize = 12;

fn cipher(secret: &str) -> Result<Aes256Gcm, ApiError> {
    let key = Sha256::new().chain_update(b"kizuna export password\0").chain_update(secret.as_bytes()).finalize();
    Aes256Gcm::new_from_slice(&key).map_err(|e| ApiError::Internal(format!("seal key: {e}")))
}

fn secret(env: &Env) -> Result<String, ApiError> {
    env::required(env, "EXPORT_SECRET", "customer exports")
}

/// `password` sealed for job `id`, as hex (nonce, then ciphertext and tag).
pub fn seal_with(secret: &str, id: &str, password: &str, nonce: &[u8]) -> Result<String, ApiError> {
    let sealed = cipher(secret)?
        .encrypt(Nonce::from_slice(nonce), Payload { msg: password.as_bytes(), aad: id.as_bytes() })
        .map_err(|_| ApiError::Internal("sealing failed".into()))?;
    Ok(kizuna_shared::account::hex(&[nonce, &sealed].concat()))
}

/// The password sealed for job `id`; `None` when it does not open (another secret,
/// another job, tampered).
pub fn open_with(secret: &str, id: &str, sealed: &str) -> Result<Option<String>, ApiError> {
    let Some(bytes) = kizuna_shared::account::from_hex(sealed) else { return Ok(None) };
    if bytes.len() <= NONCE_BYTES {
        return Ok(None);
    }
    let (nonce, body) = bytes.split_at(NONCE_BYTES);
    let opened = cipher(secret)?.decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: id.as_bytes() });
    Ok(opened.ok().and_then(|clear| String::from_utf8(clear).ok()))
}

pub fn seal(env: &Env, id: &str, password: &str) -> Result<String, ApiError> {
    seal_with(&secret(env)?, id, password, &random_bytes(NONCE_BYTES)?)
}

pub fn open(env: &Env, id: &str, sealed: &str) -> Result<Option<String>, ApiError> {
    open_with(&secret(env)?, id, sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_password_opens_only_for_its_job_under_its_secret() {
        let sealed = seal_with("secret", "exp_1", "パスワード123", &[7; 12]).unwrap();
        assert!(!sealed.contains("123"));
        assert_eq!(open_with("secret", "exp_1", &sealed).unwrap().as_deref(), Some("パスワード123"));
        assert_eq!(open_with("secret", "exp_2", &sealed).unwrap(), None);
        assert_eq!(open_with("other", "exp_1", &sealed).unwrap(), None);
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(open_with("secret", "exp_1", &String::from_utf8(tampered).unwrap()).unwrap(), None);
        assert_eq!(open_with("secret", "exp_1", "zz").unwrap(), None);
    }
}
