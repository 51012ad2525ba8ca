//! Tracked links and the signed token they carry: `{public_url}/t/{token}/…`.
//!
//! Invariants: a token names one delivery and one medium; it is verified in constant
//! time (through the MAC's own check); an empty secret signs nothing.

use super::Medium;
use crate::ids::DeliveryId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The tracked links of one message: `{public_url}/t/{token}/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    base: String,
    site: String,
}

impl Tracking {
    pub fn new(public_url: &str, token: &str) -> Tracking {
        let site = public_url.trim_end_matches('/').to_owned();
        Tracking { base: format!("{site}/t/{token}"), site }
    }

    /// The origin site paths in the message are made absolute against.
    pub fn site_base(&self) -> String {
        self.site.clone()
    }

    pub fn click(&self, button: usize) -> String {
        format!("{}/click/{button}", self.base)
    }

    /// The email's open-tracking pixel.
    pub fn open_pixel(&self) -> String {
        format!("{}/open.gif", self.base)
    }

    /// The SMS's link when the message has no button: counts the view, shows the message.
    pub fn open_page(&self) -> String {
        format!("{}/open", self.base)
    }

    pub fn unsubscribe(&self) -> String {
        format!("{}/unsubscribe", self.base)
    }
}

/// Signs and checks tracking tokens: `{delivery}.{e|s}.{sig}`, where `sig` is the hex of
/// the first 16 bytes of HMAC-SHA256(secret, `{delivery}|{medium}`).
#[derive(Clone)]
pub struct TrackingKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for TrackingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrackingKey(…)")
    }
}

const SIG_BYTES: usize = 16;

/// The medium's letter in a token.
fn initial(medium: Medium) -> &'static str {
    match medium {
        Medium::Email => "e",
        Medium::Sms => "s",
    }
}

impl TrackingKey {
    /// `None` for an empty secret: a key anyone can guess signs nothing.
    pub fn new(secret: &str) -> Option<TrackingKey> {
        if secret.is_empty() {
            return None;
        }
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok().map(|mac| TrackingKey { mac })
    }

    fn mac_of(&self, delivery: &DeliveryId, medium: Medium) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(delivery.as_str().as_bytes());
        mac.update(b"|");
        mac.update(medium.as_str().as_bytes());
        mac
    }

    pub fn sign(&self, delivery: &DeliveryId, medium: Medium) -> String {
        let tag = self.mac_of(delivery, medium).finalize().into_bytes();
        let sig: String = tag.iter().take(SIG_BYTES).map(|b| format!("{b:02x}")).collect();
        format!("{delivery}.{}.{sig}", initial(medium))
    }

    /// The delivery and medium a token names, if this key signed it.
    pub fn verify(&self, token: &str) -> Option<(DeliveryId, Medium)> {
        let mut parts = token.split('.');
        let (delivery, initial, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || sig.len() != SIG_BYTES * 2 {
            return None;
        }
        let delivery = DeliveryId::parse(delivery).ok()?;
        let medium = [Medium::Email, Medium::Sms].into_iter().find(|m| self::initial(*m) == initial)?;
        let sig: Vec<u8> = (0..sig.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(sig.get(i..i + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        self.mac_of(&delivery, medium).verify_truncated_left(&sig).ok()?;
        Some((delivery, medium))
    }
}

#[cfg(test)]
mod tests;
