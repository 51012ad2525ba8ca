//! PLACEHOLDER until the outbound branch lands (same interface).
use crate::error::ApiError;
use kizuna_shared::ids::{CampaignId, ChannelId, DeliveryId, VisitorId};
use kizuna_shared::time::Millis;
use worker::Env;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendJob {
    pub channel: ChannelId,
    pub visitor: VisitorId,
    pub delivery: DeliveryId,
    pub campaign: CampaignId,
    pub medium: Medium,
    pub respect_opt_out: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Medium {
    Email,
    Sms,
}

#[derive(Debug)]
pub enum SendOutcome {
    Sent,
}

pub async fn send(_env: &Env, _job: &SendJob, _now: Millis) -> Result<SendOutcome, ApiError> {
    Err(ApiError::Internal("outbound not merged".into()))
}
