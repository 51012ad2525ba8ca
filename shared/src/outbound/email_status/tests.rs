//! The provider's reports and the stored statuses.

use super::*;

#[test]
fn provider_statuses_map_to_the_email_statuses() {
    let map = |s: &str| {
        serde_json::from_value::<ProviderStatus>(serde_json::Value::String(s.to_owned())).map(|p| p.email_status())
    };
    assert_eq!(map("delivered").unwrap(), EmailStatus::Ok);
    assert_eq!(map("bounced").unwrap(), EmailStatus::InvalidAddress);
    assert_eq!(map("invalid").unwrap(), EmailStatus::InvalidAddress);
    assert_eq!(map("complained").unwrap(), EmailStatus::Spam);
    assert_eq!(map("deferred").unwrap(), EmailStatus::TemporaryError);
    assert_eq!(map("failed").unwrap(), EmailStatus::Error);
    assert!(map("opened").is_err());
    for status in EmailStatus::ALL {
        assert_eq!(EmailStatus::parse(Some(status.as_str())), status);
    }
    assert_eq!(EmailStatus::parse(None), EmailStatus::Unconfirmed);
}
