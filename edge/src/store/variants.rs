//! Campaign variants' assignments (`variant_assignments`, migration 0017): which arm each
//! customer was first assigned to, when they reached the goal, and the per-arm counts.
//!
//! Invariants: a customer has at most one row per campaign and it never changes arm
//! (`INSERT OR IGNORE`; a merge keeps the earlier assignment); its goal is written at
//! most once, only within `variants::GOAL_WINDOW` of the assignment. The counts take a
//! goal from the row (the campaign's goal event, no view needed) or from any of the
//! customer's deliveries of the campaign (a channel-event goal: the message viewed, a
//! link clicked), within the same window.

use super::{Executor, Statement, StoreError, num, opt, text};
use kizuna_shared::campaign::variants::GOAL_WINDOW;
use kizuna_shared::deliver::Assigned;
use kizuna_shared::ids::{CampaignId, ChannelId, VisitorId};
use kizuna_shared::time::Millis;
use serde::Deserialize;

/// The statements, as values (see the module doc of `store`).
pub(crate) mod sql {
    use super::*;

    fn variant(assigned: &Assigned) -> super::super::Param {
        opt(assigned.variant.map(|i| i64::try_from(i).unwrap_or(i64::MAX)))
    }

    pub fn record_assignments(
        channel: &ChannelId,
        visitor: &VisitorId,
        assignments: &[(CampaignId, Assigned)],
    ) -> Vec<Statement> {
        assignments
            .iter()
            .map(|(campaign, assigned)| {
                Statement::new(
                    "INSERT OR IGNORE INTO variant_assignments
                       (channel_id, campaign_id, visitor_id, variant, assigned_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    vec![
                        text(channel.as_str()),
                        text(campaign.as_str()),
                        text(visitor.as_str()),
                        variant(assigned),
                        num(assigned.at),
                    ],
                )
            })
            .collect()
    }

    pub fn record_goals(
        channel: &ChannelId,
        visitor: &VisitorId,
        goals: &[(CampaignId, Assigned)],
        now: Millis,
    ) -> Vec<Statement> {
        goals
            .iter()
            .map(|(campaign, _)| {
                Statement::new(
                    "UPDATE variant_assignments SET goal_at = ?4
                     WHERE channel_id = ?1 AND campaign_id = ?2 AND visitor_id = ?3 AND goal_at IS NULL
                       AND ?4 >= assigned_at AND ?4 - assigned_at <= ?5",
                    vec![
                        text(channel.as_str()),
                        text(campaign.as_str()),
                        text(visitor.as_str()),
                        num(now),
                        num(GOAL_WINDOW),
                    ],
                )
            })
            .collect()
    }

    /// Per arm: customers assigned, and those who reached the goal within the window.
    pub fn arm_counts(campaign: &CampaignId) -> Statement {
        Statement::new(
            "SELECT a.variant AS variant, COUNT(*) AS assigned,
                    SUM(CASE WHEN (a.goal_at IS NOT NULL AND a.goal_at - a.assigned_at BETWEEN 0 AND ?2)
                          OR EXISTS (SELECT 1 FROM deliveries d
                                     WHERE d.channel_id = a.channel_id AND d.visitor_id = a.visitor_id
                                       AND d.campaign_id = a.campaign_id AND d.goal_at IS NOT NULL
                                       AND d.goal_at - a.assigned_at BETWEEN 0 AND ?2)
                        THEN 1 ELSE 0 END) AS reached_goal
             FROM variant_assignments a WHERE a.campaign_id = ?1
             GROUP BY a.variant",
            vec![text(campaign.as_str()), num(GOAL_WINDOW)],
        )
    }

    /// A visitor's assignments become the member's customer's: where both have one for a
    /// campaign the earlier wins (with its goal), as `VisitorState::absorb` decides.
    pub fn merge_assignments(channel: &ChannelId, from: &str, into: &str) -> Vec<Statement> {
        let args = || vec![text(channel.as_str()), text(from), text(into)];
        vec![
            Statement::new(
                "DELETE FROM variant_assignments
                 WHERE channel_id = ?1 AND visitor_id = ?3 AND EXISTS (
                   SELECT 1 FROM variant_assignments f
                   WHERE f.channel_id = ?1 AND f.visitor_id = ?2 AND f.campaign_id = variant_assignments.campaign_id
                     AND f.assigned_at < variant_assignments.assigned_at)",
                args(),
            ),
            Statement::new(
                "UPDATE OR IGNORE variant_assignments SET visitor_id = ?3 WHERE channel_id = ?1 AND visitor_id = ?2",
                args(),
            ),
            Statement::new(
                "DELETE FROM variant_assignments WHERE channel_id = ?1 AND visitor_id = ?2",
                vec![text(channel.as_str()), text(from)],
            ),
        ]
    }
}

/// Writes the visitor's new assignments and the goals of assigned campaigns, in one
/// batch (nothing when there is neither).
pub async fn record(
    db: &impl Executor,
    channel: &ChannelId,
    visitor: &VisitorId,
    assignments: &[(CampaignId, Assigned)],
    goals: &[(CampaignId, Assigned)],
    now: Millis,
) -> Result<(), StoreError> {
    let mut batch = sql::record_assignments(channel, visitor, assignments);
    batch.extend(sql::record_goals(channel, visitor, goals, now));
    if !batch.is_empty() {
        db.batch(batch).await?;
    }
    Ok(())
}

/// One arm's counts: `variant` is the variant's index, `None` the control group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ArmRow {
    pub variant: Option<i64>,
    pub assigned: i64,
    pub reached_goal: i64,
}

/// The campaign's customers per arm, and those who reached its goal within 7 days of
/// their assignment. Arms nobody was assigned to have no row.
pub async fn arm_counts(db: &impl Executor, campaign: &CampaignId) -> Result<Vec<ArmRow>, StoreError> {
    db.all::<ArmRow>(sql::arm_counts(campaign)).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};
    use kizuna_shared::time::DAY;

    fn assigned(variant: Option<usize>, at: Millis) -> Assigned {
        Assigned { variant, at, recorded: false, goal_noted: false }
    }

    fn ids() -> (ChannelId, CampaignId) {
        (ChannelId::parse("shop").unwrap(), CampaignId::parse("split").unwrap())
    }

    fn visitor(id: &str) -> VisitorId {
        VisitorId::parse(id).unwrap()
    }

    fn counts(db: &Sqlite) -> Vec<(Option<i64>, i64, i64)> {
        let mut rows: Vec<_> = wait(arm_counts(db, &ids().1))
            .unwrap()
            .into_iter()
            .map(|r| (r.variant, r.assigned, r.reached_goal))
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn an_assignment_is_written_once_and_keeps_its_arm() {
        let db = Sqlite::with_channel();
        let (shop, split) = ids();
        let v1 = visitor("v1");
        wait(record(&db, &shop, &v1, &[(split.clone(), assigned(Some(1), 100))], &[], 100)).unwrap();
        wait(record(&db, &shop, &v1, &[(split.clone(), assigned(None, 200))], &[], 200)).unwrap();
        assert_eq!(counts(&db), [(Some(1), 1, 0)]);
    }

    #[test]
    fn goals_count_within_seven_days_of_the_assignment_without_a_view_also_for_the_control() {
        let db = Sqlite::with_channel();
        let (shop, split) = ids();
        let (v1, v2, v3) = (visitor("v1"), visitor("v2"), visitor("v3"));
        for v in [&v1, &v2, &v3] {
            wait(record(&db, &shop, v, &[(split.clone(), assigned(None, 0))], &[], 0)).unwrap();
        }
        let goal = [(split.clone(), assigned(None, 0))];
        wait(record(&db, &shop, &v1, &[], &goal, 7 * DAY)).unwrap();
        wait(record(&db, &shop, &v2, &[], &goal, 7 * DAY + 1)).unwrap();
        assert_eq!(counts(&db), [(None, 3, 1)], "exactly 7 days counts, a moment later does not");
        wait(record(&db, &shop, &v1, &[], &goal, DAY)).unwrap();
        assert_eq!(db.number("SELECT goal_at FROM variant_assignments WHERE visitor_id = 'v1'"), 7 * DAY, "once");
    }

    #[test]
    fn a_click_goal_comes_from_the_customers_deliveries_within_the_window() {
        let db = Sqlite::with_channel();
        let (shop, split) = ids();
        for (v, arm) in [("v1", Some(0)), ("v2", Some(0)), ("v3", Some(1))] {
            wait(record(&db, &shop, &visitor(v), &[(split.clone(), assigned(arm, 1000))], &[], 1000)).unwrap();
        }
        db.exec(&format!(
            "INSERT INTO deliveries (id, channel_id, campaign_id, visitor_id, display, sent_at, view_at, click_at, goal_at)
             VALUES ('d1', 'shop', 'split', 'v1', 'bubble', 1000, 1100, 1100, 1100),
                    ('d2', 'shop', 'split', 'v2', 'bubble', 1000, 1100, 1100, {}),
                    ('d3', 'shop', 'other', 'v3', 'bubble', 1000, 1100, 1100, 1100)",
            1000 + 7 * DAY + 1
        ));
        assert_eq!(counts(&db), [(Some(0), 2, 1), (Some(1), 1, 0)]);
    }

    #[test]
    fn merging_into_a_member_keeps_the_earlier_assignment() {
        let db = Sqlite::with_channel();
        let (shop, split) = ids();
        let other = CampaignId::parse("other").unwrap();
        let (anonymous, member) = (visitor("anon"), visitor("member"));
        let first = [(split.clone(), assigned(Some(2), 100)), (other.clone(), assigned(Some(0), 900))];
        wait(record(&db, &shop, &anonymous, &first, &[], 100)).unwrap();
        let theirs = [(split.clone(), assigned(None, 500)), (other.clone(), assigned(Some(1), 300))];
        wait(record(&db, &shop, &member, &theirs, &[], 500)).unwrap();
        wait(db.batch(sql::merge_assignments(&shop, "anon", "member"))).unwrap();
        let rows = db.number("SELECT COUNT(*) FROM variant_assignments");
        assert_eq!(rows, 2, "one row per campaign, under the member");
        assert_eq!(
            db.number("SELECT variant FROM variant_assignments WHERE visitor_id = 'member' AND campaign_id = 'split'"),
            2,
            "the anonymous visitor's assignment was earlier"
        );
        assert_eq!(
            db.number("SELECT variant FROM variant_assignments WHERE visitor_id = 'member' AND campaign_id = 'other'"),
            1,
            "the member's was earlier"
        );
    }
}
