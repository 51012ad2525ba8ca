//! What an owner may change of a campaign, and of what campaigns depend on: a PUT that
//! replaces a campaign's settings, and a change of the channel's business-hours sets.
//!
//! Invariants: an ended campaign keeps the settings it ran with (its statistics describe
//! them); a campaign's kind never changes; a new start time decides again whether a
//! started campaign runs or waits; a business-hours set a live campaign follows cannot
//! disappear, or its messages would wait forever.

use super::{Campaign, CampaignState, KindDoc, ScheduleRef};
use crate::invalid::FieldError;
use crate::schedule::Schedule;
use crate::time::Millis;
use std::collections::BTreeMap;

/// Why an edit is refused: a conflict with the campaign's state (409) or an invalid
/// value (400); both name the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Conflict(FieldError),
    Invalid(FieldError),
}

/// The stored campaign a PUT replaces, as far as the rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    pub state: CampaignState,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
    pub kind: KindDoc,
}

/// Most live campaigns a channel holds: drafts and every campaign the published document
/// carries (running, scheduled, paused, and ended in the last 7 days).
pub const MAX_LIVE_CAMPAIGNS: u64 = 10_000;

/// Most bytes the stored documents of a channel's live campaigns add up to. The published
/// document is their JSON array (one comma between two, two brackets), so it stays under
/// KV's 25 MiB value limit with room to spare (`edge/src/store/campaigns.rs` tests it).
pub const MAX_LIVE_CAMPAIGN_BYTES: u64 = 24 * 1024 * 1024;

/// KV's largest value, which the published campaigns must fit in.
pub const KV_VALUE_LIMIT_BYTES: u64 = 25 * 1024 * 1024;

/// Whether a channel whose other live campaigns number `others` with `other_bytes` of
/// stored documents may hold one more (or a replaced one) of `bytes`: 409 naming
/// `campaigns` and the limit otherwise.
pub fn check_live_capacity(others: u64, other_bytes: u64, bytes: u64) -> Result<(), FieldError> {
    if others >= MAX_LIVE_CAMPAIGNS {
        return Err(FieldError::new(
            "campaigns",
            format!(
                "a channel holds at most {MAX_LIVE_CAMPAIGNS} live campaigns (drafts, running, scheduled, paused, or ended in the last 7 days); delete drafts or stop campaigns first"
            ),
        ));
    }
    if other_bytes.saturating_add(bytes) > MAX_LIVE_CAMPAIGN_BYTES {
        return Err(FieldError::new(
            "campaigns",
            format!(
                "the channel's live campaigns may add up to at most {MAX_LIVE_CAMPAIGN_BYTES} bytes (24 MiB, under the 25 MiB the published document may take); shorten or stop campaigns first"
            ),
        ));
    }
    Ok(())
}

/// The state a campaign keeps after a PUT of settings of `kind` starting at `starts_at`,
/// or why the PUT is refused. Check it before validating the new settings: an ended
/// campaign and a kind change are refused whatever else the body says.
pub fn replace(
    current: &Current,
    kind: KindDoc,
    starts_at: Option<Millis>,
    now: Millis,
) -> Result<CampaignState, Refusal> {
    if current.state.effective(current.starts_at, current.ends_at, now) == CampaignState::Ended {
        return Err(Refusal::Conflict(FieldError::new("state", "an ended campaign keeps the settings it ran with")));
    }
    if kind != current.kind {
        return Err(Refusal::Invalid(FieldError::new("kind", "a campaign's kind cannot change; create another")));
    }
    Ok(match current.state {
        CampaignState::Running | CampaignState::Scheduled => CampaignState::Running.effective(starts_at, None, now),
        state => state,
    })
}

/// Refuses (a conflict on `businessHours`) new business-hours sets `kept` that drop a set
/// a campaign that has not ended follows.
pub fn guard_business_hours_removal<'a>(
    campaigns: impl IntoIterator<Item = &'a Campaign>,
    kept: &BTreeMap<String, Schedule>,
    now: Millis,
) -> Result<(), FieldError> {
    for campaign in campaigns {
        if let Some(ScheduleRef::BusinessHours(name)) = &campaign.schedule
            && !kept.contains_key(name)
            && campaign.state.effective(campaign.starts_at, campaign.ends_at, now) != CampaignState::Ended
        {
            return Err(FieldError::new(
                "businessHours",
                format!("campaign {} follows the set {name:?}: change it first", campaign.id),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    const NOW: Millis = 1_000 * HOUR;

    fn current(state: CampaignState) -> Current {
        Current { state, starts_at: None, ends_at: None, kind: KindDoc::Automated }
    }

    #[track_caller]
    fn check_replace(
        current: Current,
        kind: KindDoc,
        starts_at: Option<Millis>,
        expected: Result<CampaignState, &str>,
    ) {
        let got = replace(&current, kind, starts_at, NOW).map_err(|r| match r {
            Refusal::Conflict(e) => format!("409 {}", e.field),
            Refusal::Invalid(e) => format!("400 {}", e.field),
        });
        assert_eq!(got, expected.map_err(str::to_owned));
    }

    #[test]
    fn an_ended_campaign_keeps_the_settings_it_ran_with() {
        check_replace(current(CampaignState::Ended), KindDoc::Automated, None, Err("409 state"));
        let past_end = Current { ends_at: Some(NOW - HOUR), ..current(CampaignState::Running) };
        check_replace(past_end, KindDoc::Automated, None, Err("409 state"));
    }

    #[test]
    fn a_campaigns_kind_cannot_change() {
        check_replace(current(CampaignState::Draft), KindDoc::Broadcast, None, Err("400 kind"));
    }

    #[test]
    fn a_new_start_time_decides_again_whether_a_started_campaign_runs_or_waits() {
        check_replace(
            current(CampaignState::Running),
            KindDoc::Automated,
            Some(NOW + HOUR),
            Ok(CampaignState::Scheduled),
        );
        check_replace(
            current(CampaignState::Scheduled),
            KindDoc::Automated,
            Some(NOW - HOUR),
            Ok(CampaignState::Running),
        );
        check_replace(current(CampaignState::Scheduled), KindDoc::Automated, None, Ok(CampaignState::Running));
    }

    #[test]
    fn a_draft_or_paused_campaign_keeps_its_state_when_replaced() {
        check_replace(current(CampaignState::Draft), KindDoc::Automated, Some(NOW - HOUR), Ok(CampaignState::Draft));
        check_replace(current(CampaignState::Paused), KindDoc::Automated, Some(NOW + HOUR), Ok(CampaignState::Paused));
    }

    fn following(set: &str, state: CampaignState, ends_at: Option<Millis>) -> Campaign {
        let doc = serde_json::json!({
            "id": "c_1", "name": "Hours", "state": state,
            "trigger": {"event": "PageView"},
            "message": {"sender": {"name": "Shop"}, "text": "Hi", "display": "bubble"},
            "schedule": {"businessHours": set},
            "endsAt": ends_at,
        });
        let doc: crate::store::CampaignDocV1 = serde_json::from_value(doc).unwrap();
        Campaign::try_from(&doc).unwrap()
    }

    #[track_caller]
    fn check_guard(campaigns: &[Campaign], kept: &[&str], refused: bool) {
        let kept: BTreeMap<String, Schedule> = kept
            .iter()
            .map(|name| ((*name).to_owned(), crate::schedule::schedule_from_docs(&[], "w").unwrap()))
            .collect();
        let got = guard_business_hours_removal(campaigns, &kept, NOW);
        assert_eq!(got.is_err(), refused, "{got:?}");
        if let Err(e) = got {
            assert_eq!(e.field, "businessHours");
        }
    }

    #[test]
    fn a_business_hours_set_a_live_campaign_follows_cannot_be_removed() {
        check_guard(&[following("support", CampaignState::Running, None)], &[], true);
        check_guard(&[following("support", CampaignState::Draft, None)], &["other"], true);
        check_guard(&[following("support", CampaignState::Running, None)], &["support"], false);
    }

    #[test]
    fn a_set_only_ended_campaigns_follow_can_be_removed() {
        check_guard(&[following("support", CampaignState::Running, Some(NOW - HOUR))], &[], false);
        check_guard(&[following("support", CampaignState::Ended, None)], &[], false);
    }

    #[test]
    fn a_channel_holds_at_most_10000_live_campaigns() {
        assert!(check_live_capacity(MAX_LIVE_CAMPAIGNS - 1, 0, 1_000).is_ok());
        let refused = check_live_capacity(MAX_LIVE_CAMPAIGNS, 0, 1_000).unwrap_err();
        assert_eq!(refused.field, "campaigns");
        assert!(refused.problem.contains("10000"), "{}", refused.problem);
    }

    #[test]
    fn the_live_campaigns_documents_stay_under_their_byte_budget() {
        assert!(check_live_capacity(5, MAX_LIVE_CAMPAIGN_BYTES - 10, 10).is_ok());
        let refused = check_live_capacity(5, MAX_LIVE_CAMPAIGN_BYTES - 10, 11).unwrap_err();
        assert_eq!(refused.field, "campaigns");
        const { assert!(MAX_LIVE_CAMPAIGN_BYTES < KV_VALUE_LIMIT_BYTES) };
    }
}
