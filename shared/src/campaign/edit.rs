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
}
