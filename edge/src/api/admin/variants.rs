//! A campaign's variants against its control group (issue 12): per arm the customers
//! assigned and those who reached the goal within 7 days, and each variant's z-test,
//! computed by `kizuna_shared::campaign::variants`. The arms are the campaign's split as
//! it is now; an assignment to a variant removed since is not shown.

use crate::error::ApiError;
use crate::reply;
use crate::store;
use crate::store::Db;
use kizuna_shared::campaign::Campaign;
use kizuna_shared::campaign::variants::ArmCounts;
use kizuna_shared::ids::CampaignId;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::wire::admin::VariantStatsOut;
use kizuna_shared::wire::admin::variant_stats;
use worker::Env;
use worker::Response;

/// `GET /admin/v1/campaigns/{id}/variants`
pub async fn campaign_variants(env: &Env, id: &CampaignId, channel: &ChannelId) -> Result<Response, ApiError> {
    Ok(reply::json(200, &variants_of(&Db::open(env)?, id, channel).await?))
}

async fn variants_of(
    db: &impl store::Executor,
    id: &CampaignId,
    channel: &ChannelId,
) -> Result<VariantStatsOut, ApiError> {
    let row = store::campaigns::campaign_row(db, id.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    if row.channel_id != channel.as_str() {
        return Err(ApiError::NotFound("campaign"));
    }
    let campaign = Campaign::try_from(&row.doc()?)?;
    let rows = store::variants::arm_counts(db, id).await?;
    let counts = |variant: Option<usize>| {
        let wanted = variant.map(|i| i64::try_from(i).unwrap_or(i64::MAX));
        rows.iter()
            .find(|r| r.variant == wanted)
            .map(|r| ArmCounts {
                assigned: u64::try_from(r.assigned).unwrap_or(0),
                reached_goal: u64::try_from(r.reached_goal).unwrap_or(0),
            })
            .unwrap_or_default()
    };
    Ok(variant_stats(id.as_str(), campaign.variants.as_ref().map(|v| &v.split), counts))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::store::sqlite::{Sqlite, wait};

    /// Campaign `split` of `shop`: variants of 45% and 45%, a control group of 10%.
    fn with_split() -> Sqlite {
        let db = Sqlite::with_channel();
        let definition = serde_json::json!({
            "id": "split", "name": "Split", "state": "running", "trigger": {"event": "PageView"},
            "message": {"sender": {"name": "Shop"}, "text": "A", "display": "bubble"},
            "variants": [{"share": 45}, {"share": 45, "message":
                {"sender": {"name": "Shop"}, "text": "B", "display": "fullscreen"}}],
            "controlPercent": 10,
        });
        db.exec(&format!(
            "INSERT INTO campaigns (id, channel_id, name, state, definition, created_at, updated_at)
               VALUES ('split', 'shop', 'Split', 'running', '{definition}', 0, 0);
             INSERT INTO channels (id, name, utc_offset_minutes, created_at) VALUES ('elsewhere', 'Else', 0, 0);"
        ));
        db
    }

    fn stats(db: &Sqlite, channel: &str) -> Result<VariantStatsOut, ApiError> {
        wait(variants_of(db, &CampaignId::parse("split").unwrap(), &ChannelId::parse(channel).unwrap()))
    }

    #[test]
    fn each_arm_is_counted_and_each_variant_tested_against_the_control() {
        let db = with_split();
        // Variant A: 200 assigned, 40 goals; B: 200, 20; control: 200, 20.
        let mut rows = Vec::new();
        for i in 0..600 {
            let variant = match i / 200 {
                0 => "0",
                1 => "1",
                _ => "NULL",
            };
            let goal = if (i / 200 == 0 && i % 200 < 40) || (i / 200 > 0 && i % 200 < 20) { "5" } else { "NULL" };
            rows.push(format!("('shop', 'split', 'v{i}', {variant}, 1, {goal})"));
        }
        db.exec(&format!(
            "INSERT INTO variant_assignments (channel_id, campaign_id, visitor_id, variant, assigned_at, goal_at)
             VALUES {}",
            rows.join(",")
        ));
        let out = stats(&db, "shop").unwrap();
        let seen: Vec<_> =
            out.variants.iter().map(|v| (v.index, v.arm.share, v.arm.assigned, v.arm.reached_goal)).collect();
        assert_eq!(seen, [(0, 45, 200, 40), (1, 45, 200, 20)]);
        let control = out.control.unwrap();
        assert_eq!(
            (control.share, control.assigned, control.reached_goal, control.goal_rate),
            (10, 200, 20, Some(0.1))
        );
        // 0.2 vs 0.1 of 200 each: pooled 0.15, z = 0.1 / sqrt(0.15 × 0.85 × 0.01) = 2.80, p = 0.0051.
        let a = out.variants[0].vs_control.clone().unwrap();
        assert!((a.z - 2.8006).abs() < 1e-3 && (a.p_value - 0.0051).abs() < 1e-3 && a.significant, "{a:?}");
        let b = out.variants[1].vs_control.clone().unwrap();
        assert_eq!((b.z, b.p_value, b.significant), (0.0, 1.0, false));
        let json = serde_json::to_value(&out.variants[0]).unwrap();
        assert_eq!(json["share"], 45, "the arm's fields are flat: {json}");
        assert_eq!(json["vsControl"]["significant"], true);
    }

    #[test]
    fn a_campaign_of_another_channel_is_not_found_and_arms_without_customers_are_untestable() {
        let db = with_split();
        assert_eq!(stats(&db, "elsewhere").err().map(|e| e.status()), Some(404));
        let out = stats(&db, "shop").unwrap();
        assert_eq!(out.variants[0].untestable, Some(kizuna_shared::wire::admin::UntestableOut::NoVariantCustomers));
        assert_eq!(out.control.unwrap().goal_rate, None);
    }
}
