//! Tracking tokens: what they name, how they are signed, and which are refused.

use super::*;

fn delivery() -> DeliveryId {
    DeliveryId::parse("d_0123abcd").unwrap()
}

#[test]
fn a_token_names_its_delivery_and_medium() {
    let key = TrackingKey::new("secret").unwrap();
    let token = key.sign(&delivery(), Medium::Email);
    assert!(token.starts_with("d_0123abcd.e."));
    assert_eq!(token.len(), "d_0123abcd.e.".len() + 32);
    assert_eq!(key.verify(&token), Some((delivery(), Medium::Email)));
    let sms = key.sign(&delivery(), Medium::Sms);
    assert!(sms.starts_with("d_0123abcd.s."));
    assert_eq!(key.verify(&sms), Some((delivery(), Medium::Sms)));
}

#[test]
fn the_signature_is_truncated_hmac_sha256_of_delivery_and_medium() {
    let key = TrackingKey::new("Jefe").unwrap();
    let full = crate::identity::member_hash("Jefe", "d_0123abcd|email");
    assert_eq!(key.sign(&delivery(), Medium::Email), format!("d_0123abcd.e.{}", &full[..32]));
}

#[test]
fn a_tampered_or_foreign_token_is_refused() {
    let key = TrackingKey::new("secret").unwrap();
    let token = key.sign(&delivery(), Medium::Email);
    let sig = token.rsplit('.').next().unwrap();
    for bad in [
        token.replace(".e.", ".s."),
        token.replace("d_0123abcd", "d_0123abce"),
        format!("d_0123abcd.e.{}0", &sig[..31]),
        format!("d_0123abcd.e.{}", &sig[..30]),
        format!("{token}.x"),
        format!("d_0123abcd.x.{sig}"),
        format!("d_0123abcd.e.{}zz", &sig[..30]),
        "".to_owned(),
        "a/b.e.00".to_owned(),
    ] {
        assert_eq!(key.verify(&bad), None, "{bad}");
    }
    assert_eq!(TrackingKey::new("other").unwrap().verify(&token), None);
    assert!(TrackingKey::new("").is_none());
}
