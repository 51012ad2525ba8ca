//! The admin HTTP API's JSON shapes (camelCase), validated into domain values.

use crate::bulk::{BulkChange, MAX_IDS, MAX_TAGS};
use crate::field::{Access, BUILT_IN_PROFILE, FieldSetting, FieldType, FieldValue, Visibility};
use crate::filter::FilterDoc;
use crate::invalid::FieldError;
use serde::{Deserialize, Serialize};

/// `POST /admin/v1/channels/{channel}/customers/search` (and the query of `GET …/customers`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerQuery {
    /// Quick search on name, email and mobile number; combines with `filter` (AND).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
    /// A saved segment's id: its conditions, evaluated now, join `q` and `filter` (AND).
    #[serde(default)]
    pub segment: Option<String>,
    /// `lastSeenAt` (default), `createdAt`, `updatedAt` or `sessionsCount`.
    #[serde(default)]
    pub sort: Option<String>,
    /// `desc` (default) or `asc`.
    #[serde(default)]
    pub order: Option<String>,
    /// 1 to 200, default 50.
    #[serde(default)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `POST …/segments` and `PATCH …/segments/{id}` (where both fields are optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SegmentIn {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentOut {
    pub id: String,
    pub name: String,
    pub filter: FilterDoc,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SegmentList {
    pub segments: Vec<SegmentOut>,
}

/// `PUT /admin/v1/channels/{channel}/identity-verification` (owners only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityIn {
    pub enabled: bool,
    /// Make a new secret; the current one stays valid as the previous secret for 24 hours.
    #[serde(default)]
    pub rotate_secret: bool,
    /// Stop honouring the previous secret now (after a leak, say).
    #[serde(default)]
    pub revoke_previous_secret: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityOut {
    pub enabled: bool,
    /// Whether the channel has a secret; its value is shown only when it is made.
    pub has_secret: bool,
    /// The secret the site's server signs member ids with (hex HMAC-SHA256): only in the
    /// reply that makes it (verification enabled the first time, or a rotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Until when (ms) the previous secret still verifies; absent when none does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_valid_until: Option<crate::time::Millis>,
}

/// `POST …/customers` (create by hand) and `PATCH …/customers/{id}` (edit profile values).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerIn {
    /// Only when creating: the site's member id for this person.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Profile values by name (`email`, `description`, a custom field...); `null` clears.
    #[serde(default)]
    pub profile: crate::profile::ProfileValues,
}

/// A customer as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerOut {
    pub id: String,
    pub member_id: Option<String>,
    pub member: bool,
    pub name: Option<String>,
    pub tags: Vec<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub updated_at: i64,
    pub sessions_count: i64,
    /// When the latest session began (ms); `null` when unknown (no session yet, or it
    /// began before the start was kept).
    #[serde(default)]
    pub last_session_started_at: Option<i64>,
    pub web: WebOut,
    pub has_push_token: bool,
    pub unsubscribe_email: bool,
    pub unsubscribe_texting: bool,
    /// The email delivery status the provider reported (`unconfirmed` until it does).
    pub email_status: String,
    /// Built-in (`email`, `utmSource`, ...) and custom profile fields that have a value.
    pub profile: std::collections::BTreeMap<String, FieldValue>,
}

impl CustomerOut {
    /// This customer's value for `key`, as the list is sorted by it (a customer never
    /// seen sorts as seen at 0).
    pub fn sort_value(&self, key: crate::field::SortKey) -> i64 {
        use crate::field::SortKey;
        match key {
            SortKey::LastSeenAt => self.last_seen_at.unwrap_or(0),
            SortKey::CreatedAt => self.created_at,
            SortKey::UpdatedAt => self.updated_at,
            SortKey::SessionsCount => self.sessions_count,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebOut {
    pub browser: Option<String>,
    pub browser_name: Option<String>,
    pub os: Option<String>,
    pub os_name: Option<String>,
    pub device: Option<String>,
    pub last_seen_at: Option<i64>,
    pub sessions_count: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPage {
    pub customers: Vec<CustomerOut>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// How many customers match in all (`q`, `filter` and `segment`); on the first page
    /// only (no `cursor`), so paging on costs no count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// One message a customer received (`GET …/customers/{id}/messages`): a delivery with
/// its campaign's name and the times it was sent, viewed, clicked and reached its goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedMessageOut {
    /// The delivery's id.
    pub id: String,
    pub campaign_id: String,
    /// `None` once the campaign was deleted (its deliveries are kept).
    pub campaign_name: Option<String>,
    pub display: crate::campaign::Display,
    /// Sent when it reached the customer; pending while it waits for a page or a
    /// provider; withdrawn or expired if it never did (then `sent_at` is its release).
    pub state: crate::counting::DeliveryState,
    pub sent_at: i64,
    pub view_at: Option<i64>,
    pub click_at: Option<i64>,
    pub goal_at: Option<i64>,
}

/// A page of a customer's received messages, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedMessagePage {
    pub messages: Vec<ReceivedMessageOut>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One customer a campaign reached (`GET …/channels/{channel}/campaigns/{id}/recipients`).
/// A customer the campaign reached more than once (it repeats) is one row: `sent_at` is
/// their first delivery, `view_at`, `click_at` and `goal_at` the first time each step
/// happened in any of their deliveries, and `deliveries` says how many there were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipientOut {
    pub customer_id: String,
    /// The customer's name, else their profile name; `None` when neither is known.
    pub name: Option<String>,
    pub email: Option<String>,
    pub sent_at: i64,
    pub view_at: Option<i64>,
    pub click_at: Option<i64>,
    pub goal_at: Option<i64>,
    pub deliveries: u32,
}

/// A page of a campaign's recipients, newest first by `sentAt` (ties by customer id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecipientPage {
    pub recipients: Vec<RecipientOut>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /admin/v1/campaigns/{id}/variants`: each arm of the campaign's split, its goal
/// rate, and each variant against the control group (`campaign::variants`). A campaign
/// without variants has no arms (`variants` empty, `control` absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantStatsOut {
    pub campaign_id: String,
    /// In the split's order; the first is the campaign's `message`.
    pub variants: Vec<VariantOut>,
    /// Absent when the campaign has no variants.
    pub control: Option<ArmOut>,
    /// A goal counts for a customer's arm within this many days of the assignment.
    pub goal_window_days: u32,
    /// A variant is `significant` when its p-value is below this.
    pub significance: f64,
}

/// One arm's customers: assigned to it, and of them those who reached the goal within
/// the window (no view needed, so the control group has a rate too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmOut {
    /// Its share of the campaign's customers, in percent.
    pub share: u8,
    pub assigned: u64,
    pub reached_goal: u64,
    /// `reachedGoal / assigned`; absent when nobody was assigned.
    pub goal_rate: Option<f64>,
}

/// A variant's arm and its comparison with the control group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantOut {
    /// Its index in the campaign's `variants` (0-based).
    pub index: usize,
    #[serde(flatten)]
    pub arm: ArmOut,
    /// Absent when it cannot be tested (`untestable` says why).
    pub vs_control: Option<ComparisonOut>,
    pub untestable: Option<UntestableOut>,
}

/// The pooled two-proportion z-test of a variant against the control group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComparisonOut {
    /// The variant's goal rate minus the control's.
    pub difference: f64,
    pub z: f64,
    /// Two-sided.
    pub p_value: f64,
    /// `pValue` below `significance`.
    pub significant: bool,
}

/// Why a variant has no comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UntestableOut {
    NoVariantCustomers,
    NoControlCustomers,
    MoreGoalsThanCustomers,
}

/// The answer for a campaign with `split`, from each arm's counts (`counts(Some(i))` for
/// variant `i`, `counts(None)` for the control group).
pub fn variant_stats(
    campaign_id: &str,
    split: Option<&crate::campaign::variants::Split>,
    counts: impl Fn(Option<usize>) -> crate::campaign::variants::ArmCounts,
) -> VariantStatsOut {
    use crate::campaign::variants::{GOAL_WINDOW, SIGNIFICANCE, Untestable, results};
    let goal_window_days = u32::try_from(GOAL_WINDOW / crate::time::DAY).unwrap_or(u32::MAX);
    let Some(split) = split else {
        return VariantStatsOut {
            campaign_id: campaign_id.to_owned(),
            variants: Vec::new(),
            control: None,
            goal_window_days,
            significance: SIGNIFICANCE,
        };
    };
    let arms: Vec<_> = (0..split.shares().len()).map(|i| counts(Some(i))).collect();
    let figures = results(&arms, counts(None));
    let arm = |share: u8, counts: crate::campaign::variants::ArmCounts, goal_rate: Option<f64>| ArmOut {
        share,
        assigned: counts.assigned,
        reached_goal: counts.reached_goal,
        goal_rate,
    };
    let variants = figures
        .variants
        .iter()
        .zip(split.shares())
        .enumerate()
        .map(|(index, (result, &share))| {
            let (vs_control, untestable) = match result.vs_control {
                Ok(test) => (
                    Some(ComparisonOut {
                        difference: test.difference,
                        z: test.z,
                        p_value: test.p_value,
                        significant: test.significant,
                    }),
                    None,
                ),
                Err(why) => (
                    None,
                    Some(match why {
                        Untestable::NoVariantCustomers => UntestableOut::NoVariantCustomers,
                        Untestable::NoControlCustomers => UntestableOut::NoControlCustomers,
                        Untestable::MoreGoalsThanCustomers => UntestableOut::MoreGoalsThanCustomers,
                    }),
                ),
            };
            VariantOut { index, arm: arm(share, result.counts, result.goal_rate), vs_control, untestable }
        })
        .collect();
    VariantStatsOut {
        campaign_id: campaign_id.to_owned(),
        variants,
        control: Some(arm(split.control_percent(), figures.control, figures.control_goal_rate)),
        goal_window_days,
        significance: SIGNIFICANCE,
    }
}

/// `POST /admin/v1/channels/{channel}/campaigns` and `PUT /admin/v1/campaigns/{id}`:
/// every setting of a campaign, in the stored document's shape (its `id` and `state`
/// are the server's; state changes through start, pause and stop).
pub type CampaignIn = crate::store::CampaignDocV1;

/// The stored document for campaign `id` in `state` from an admin body, validated
/// (errors name the field).
pub fn campaign_doc(
    body: &CampaignIn,
    id: &str,
    state: crate::campaign::CampaignState,
) -> Result<crate::store::CampaignDocV1, FieldError> {
    let doc = crate::store::CampaignDocV1 { id: id.to_owned(), state, ..body.clone() }.with_goal();
    let campaign = crate::campaign::Campaign::try_from(&doc)?;
    // Store what was validated: trimmed text.
    Ok(crate::store::CampaignDocV1 { name: campaign.name, ..doc })
}

/// A campaign as the admin API shows it: its settings, with `state` the state now (a
/// scheduled campaign whose start time came is running; one past its end time has ended).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignOut {
    #[serde(flatten)]
    pub settings: crate::store::CampaignDocV1,
    pub channel: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// `POST /admin/v1/campaigns/{id}/preview-link`: the channel's site with the link's
/// single-use token after `#kizuna-preview=`, and when it stops working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewLinkOut {
    pub url: String,
    pub expires_at: i64,
}

/// One row of `GET /admin/v1/channels/{channel}/campaigns`: the campaign as
/// [`CampaignOut`] shows it, and `stats`, the totals of its daily statistics over every
/// day it has counted (so a list shows every campaign's numbers without a request each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignListed {
    #[serde(flatten)]
    pub campaign: CampaignOut,
    pub stats: crate::counting::Counts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignList {
    pub campaigns: Vec<CampaignListed>,
}

/// `POST /admin/v1/campaigns/{id}/duplicate`: the copy's name (default "Copy of "
/// and the original's name, cut to the longest name allowed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DuplicateIn {
    #[serde(default)]
    pub name: Option<String>,
}

/// The name of a copy of the campaign named `original` when the caller gave none.
pub fn copy_name(original: &str) -> String {
    format!("Copy of {original}").chars().take(crate::text::MAX_NAME_CHARS).collect()
}

/// One row of a channel's field list, as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldOut {
    /// `profile.plan`, `sessionsCount`, ...
    pub key: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    pub built_in: bool,
    pub write_once: bool,
    /// Who may write its values.
    pub access: Access,
    pub visibility: Visibility,
}

/// The channel's whole field list: Kizuna's read-only built-in fields (and the managers'
/// `tags` and unsubscribe flags), then the profile fields in their order.
pub fn field_list(settings: &[FieldSetting]) -> Vec<FieldOut> {
    let mut out: Vec<FieldOut> = crate::field::BUILT_IN
        .iter()
        .filter(|(key, ..)| !key.starts_with("profile."))
        .map(|&(key, ty, _)| {
            let manager = matches!(key, "tags" | "unsubscribeEmail" | "unsubscribeTexting");
            FieldOut {
                key: key.to_owned(),
                display_name: key.to_owned(),
                ty,
                built_in: true,
                write_once: false,
                access: if manager { Access::ManagerOnly } else { Access::ReadOnly },
                visibility: Visibility::Visible,
            }
        })
        .collect();
    for s in settings {
        let access =
            BUILT_IN_PROFILE.iter().find(|(n, ..)| *n == s.name).map_or(Access::SiteAndManager, |&(.., access)| access);
        out.push(FieldOut {
            key: format!("profile.{}", s.name),
            display_name: s.display_name.clone(),
            ty: s.ty,
            built_in: s.built_in,
            write_once: s.write_once,
            access,
            visibility: s.visibility,
        });
    }
    out
}

/// `POST /admin/v1/channels/{channel}/fields`: a new custom field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldIn {
    /// `profile.` and the name the site sends the value under.
    pub key: String,
    pub display_name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    #[serde(default)]
    pub write_once: bool,
}

/// `PATCH /admin/v1/channels/{channel}/fields/{key}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldPatch {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// Refused: a field's type never changes.
    #[serde(default, rename = "type")]
    pub ty: Option<FieldType>,
}

/// `PUT /admin/v1/channels/{channel}/fields/order`: every profile field key, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldOrder {
    pub keys: Vec<String>,
}

impl FieldOrder {
    /// The field names in the new order, checked to be exactly the channel's profile fields.
    pub fn names(&self, settings: &[FieldSetting]) -> Result<Vec<String>, FieldError> {
        let mut names = Vec::with_capacity(self.keys.len());
        for (i, key) in self.keys.iter().enumerate() {
            let at = format!("keys[{i}]");
            let name = key.strip_prefix("profile.").ok_or_else(|| FieldError::new(&at, "must be a profile.* key"))?;
            if !settings.iter().any(|s| s.name == name) {
                return Err(FieldError::new(at, format!("{key} is not a profile field of this channel")));
            }
            if names.iter().any(|n| n == name) {
                return Err(FieldError::new(at, format!("{key} is listed twice")));
            }
            names.push(name.to_owned());
        }
        if let Some(missing) = settings.iter().find(|s| !names.contains(&s.name)) {
            return Err(FieldError::new(
                "keys",
                format!("must list every profile field; profile.{} is missing", missing.name),
            ));
        }
        Ok(names)
    }
}

/// Longest tag (characters).
const MAX_TAG_CHARS: usize = 50;

/// `POST /admin/v1/channels/{channel}/customers/bulk`: exactly one target (`ids`, or a
/// search by `q`, `filter` and/or `segment`) and at least one change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkIn {
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub filter: Option<FilterDoc>,
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub add_tags: Vec<String>,
    #[serde(default)]
    pub remove_tags: Vec<String>,
    #[serde(default)]
    pub unsubscribe_email: Option<bool>,
    #[serde(default)]
    pub unsubscribe_texting: Option<bool>,
}

fn tags(list: &[String], field: &str) -> Result<Vec<String>, FieldError> {
    if list.len() > MAX_TAGS {
        return Err(FieldError::new(field, format!("at most {MAX_TAGS} tags")));
    }
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for (i, tag) in list.iter().enumerate() {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
            return Err(FieldError::new(
                format!("{field}[{i}]"),
                "a tag is 1 to 50 characters without control characters",
            ));
        }
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    Ok(out)
}

impl BulkIn {
    /// The checked change.
    pub fn change(&self) -> Result<BulkChange, FieldError> {
        let change = BulkChange {
            add_tags: tags(&self.add_tags, "addTags")?,
            remove_tags: tags(&self.remove_tags, "removeTags")?,
            unsubscribe_email: self.unsubscribe_email,
            unsubscribe_texting: self.unsubscribe_texting,
        };
        if let Some(tag) = change.add_tags.iter().find(|t| change.remove_tags.contains(t)) {
            return Err(FieldError::new("removeTags", format!("{tag:?} is both added and removed")));
        }
        if change == BulkChange::default() {
            return Err(FieldError::new(
                "addTags",
                "say what to change: addTags, removeTags, unsubscribeEmail or unsubscribeTexting",
            ));
        }
        Ok(change)
    }

    /// The listed ids (checked and de-duplicated), or `None` for a search target.
    pub fn ids(&self) -> Result<Option<Vec<String>>, FieldError> {
        let search = self.q.is_some() || self.filter.is_some() || self.segment.is_some();
        let Some(ids) = &self.ids else {
            return if search { Ok(None) } else { Err(FieldError::new("ids", "give ids, or q, filter or segment")) };
        };
        if search {
            return Err(FieldError::new("ids", "give ids or a search (q, filter, segment), not both"));
        }
        if ids.is_empty() || ids.len() > MAX_IDS {
            return Err(FieldError::new("ids", format!("1 to {MAX_IDS} customer ids")));
        }
        let mut out: Vec<String> = ids.clone();
        if let Some(i) = out.iter().position(|id| crate::ids::VisitorId::parse(id).is_err()) {
            return Err(FieldError::new(format!("ids[{i}]"), "not a customer id"));
        }
        out.sort();
        out.dedup();
        Ok(Some(out))
    }
}

/// A job as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobOut {
    pub id: String,
    /// `running`, `done` or `failed`.
    pub state: crate::bulk::JobState,
    /// Customers the target matched when the job was created.
    pub total: i64,
    /// Customers reached so far (batches done).
    pub processed: i64,
    /// Customers the action actually changed (their `updatedAt` moved).
    pub changed: i64,
    pub batches: i64,
    pub change: BulkChange,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    pub error: Option<String>,
}

/// `POST /admin/v1/setup`: the deployment's first account, with its setup secret.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetupIn {
    #[serde(default)]
    pub setup_token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub name: String,
}

/// `POST /admin/v1/sessions`: signing in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInIn {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
}

/// An account as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountOut {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// The reply of setup and sign-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountReply {
    pub account: AccountOut,
}

/// One channel of `GET /admin/v1/me`, with the account's role there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountChannel {
    pub id: String,
    pub name: String,
    pub role: String,
}

/// `GET /admin/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeOut {
    pub account: AccountOut,
    pub channels: Vec<AccountChannel>,
}

/// One session of `GET /admin/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionOut {
    pub id: String,
    pub created_at: i64,
    pub last_used_at: i64,
    pub user_agent: String,
    /// The session this request came with.
    pub current: bool,
}

/// `GET /admin/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionOut>,
}

/// `POST /admin/v1/channels/{channel}/invitations`: whom to invite, with which role.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvitationIn {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

/// An invitation as its channel's owners see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationOut {
    pub id: String,
    pub email: String,
    pub role: String,
    /// The account that made it.
    pub invited_by: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// The reply that makes an invitation: the link is shown here once, for the console to
/// offer to copy (it is also emailed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationCreated {
    pub invitation: InvitationOut,
    pub link: String,
}

/// `GET /admin/v1/channels/{channel}/invitations`: the pending ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationList {
    pub invitations: Vec<InvitationOut>,
}

/// `GET /admin/v1/invitations/{token}`: what the invitation's link offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationView {
    pub channel: InvitationChannel,
    /// The inviter's name.
    pub inviter: String,
    pub email: String,
    pub role: String,
    pub expires_at: i64,
}

/// The channel an invitation is to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationChannel {
    pub id: String,
    pub name: String,
}

/// `POST /admin/v1/invitations/{token}/accept`: empty when signed in, else the new
/// account's name and password (its email is the invited one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AcceptIn {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

/// The reply of accepting: the account, and the channel it joined with its role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedOut {
    pub account: AccountOut,
    pub channel: AccountChannel,
}

/// `PUT /admin/v1/me/password`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChangeIn {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

/// `POST /admin/v1/password-resets`: the account's email.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordResetIn {
    #[serde(default)]
    pub email: String,
}

/// `POST /admin/v1/password-resets/{token}`: the new password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewPasswordIn {
    #[serde(default)]
    pub new_password: String,
}

/// `PUT /admin/v1/me/email`: the new address, confirmed with the current password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailChangeIn {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub current_password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_campaign_reads_back_with_its_settings_and_stats_side_by_side() {
        let json = r#"{"name":"Sale","trigger":{"event":"PageView"},
            "message":{"sender":{"name":"Shop"},"text":"Hi","display":"bubble"},
            "channel":"shop","createdAt":1,"updatedAt":2,"stats":{"sent":4,"view":2,"click":1,"goal":1}}"#;
        let listed: CampaignListed = serde_json::from_str(json).unwrap();
        assert_eq!((listed.campaign.settings.name.as_str(), listed.campaign.channel.as_str()), ("Sale", "shop"));
        assert_eq!(listed.stats, crate::counting::Counts { sent: 4, view: 2, click: 1, goal: 1 });
        let again: CampaignListed = serde_json::from_value(serde_json::to_value(&listed).unwrap()).unwrap();
        assert_eq!(again, listed);
    }

    #[test]
    fn a_copys_default_name_says_so_and_stays_within_the_name_limit() {
        assert_eq!(copy_name("Sale"), "Copy of Sale");
        let long = "茶".repeat(crate::text::MAX_NAME_CHARS);
        assert_eq!(copy_name(&long).chars().count(), crate::text::MAX_NAME_CHARS);
    }

    #[test]
    fn campaign_settings_are_validated_naming_the_field() {
        let body = |json: &str| -> CampaignIn { serde_json::from_str(json).unwrap() };
        let base = r#"{"name":" Sale ","trigger":{"event":"PageView"},
            "message":{"sender":{"name":"Shop"},"text":"Hi","display":"bubble"}"#;
        let draft = crate::campaign::CampaignState::Draft;
        let doc = campaign_doc(&body(&format!("{base}}}")), "c_1", draft).unwrap();
        assert_eq!((doc.name.as_str(), doc.id.as_str()), ("Sale", "c_1"));
        // Saved without a goal, a campaign gets "a link in the message clicked".
        assert_eq!(doc.goal, Some(crate::store::GoalDoc::Clicked));
        let err = |extra: &str| campaign_doc(&body(&format!("{base},{extra}}}")), "c_1", draft).unwrap_err().field;
        assert_eq!(err(r#""priority":1001"#), "priority");
        assert_eq!(err(r#""startsAt":5,"endsAt":5"#), "endsAt");
        assert_eq!(err(r#""goal":{"kind":"event","name":"has space"}"#), "goal.name");
        assert_eq!(err(r#""wait":{"hours":0}"#), "wait");
        assert_eq!(err(r#""followUp":{"trigger":{"event":"Cart"},"withinDays":0}"#), "followUp.withinDays");
        assert_eq!(
            err(
                r#""followUp":{"trigger":{"event":"Cart","conditions":[{"property":"total","op":"greaterThan","value":"x"}]},"withinDays":1}"#
            ),
            "followUp.trigger.conditions[0].value"
        );
        assert_eq!(err(r#""audience":{}"#), "audience");
        assert_eq!(err(r#""schedule":{}"#), "schedule");
        assert_eq!(err(r#""kind":"broadcast""#), "trigger");
    }

    #[test]
    fn the_field_list_starts_with_kizunas_fields_and_names_who_writes() {
        let list = field_list(&crate::field::profile_settings(&[]));
        assert_eq!(list[0].key, "id");
        let memo = list.iter().find(|f| f.key == "profile.description").unwrap();
        assert_eq!(memo.access, Access::ManagerOnly);
        let tags = list.iter().find(|f| f.key == "tags").unwrap();
        assert_eq!((tags.access, tags.ty), (Access::ManagerOnly, FieldType::List));
        assert!(list.iter().find(|f| f.key == "profile.utmSource").unwrap().write_once);
    }

    fn body(json: &str) -> BulkIn {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_bulk_action_needs_one_target_and_a_change() {
        assert_eq!(body(r#"{"addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":["v_1"],"q":"x","addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":[],"addTags":["vip"]}"#).ids().unwrap_err().field, "ids");
        assert_eq!(body(r#"{"ids":["v_1","bad id!"]}"#).ids().unwrap_err().field, "ids[1]");
        assert_eq!(body(r#"{"ids":["v_2","v_1","v_2"]}"#).ids().unwrap(), Some(vec!["v_1".into(), "v_2".into()]));
        assert_eq!(body(r#"{"q":"tanaka"}"#).ids().unwrap(), None);
        assert_eq!(body(r#"{"ids":["v_1"]}"#).change().unwrap_err().field, "addTags");
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_checked() {
        let change = body(r#"{"addTags":[" vip","vip","tea"],"unsubscribeEmail":false}"#).change().unwrap();
        assert_eq!(change.add_tags, ["vip", "tea"]);
        assert_eq!(change.unsubscribe_email, Some(false));
        assert_eq!(body(r#"{"addTags":["ok",""]}"#).change().unwrap_err().field, "addTags[1]");
        assert_eq!(body(r#"{"addTags":["a"],"removeTags":["a"]}"#).change().unwrap_err().field, "removeTags");
    }
}

/// `POST /admin/v1/channels`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelIn {
    pub name: String,
    pub site_url: String,
    pub time_zone: String,
}

/// A new channel's values, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChannel {
    pub name: String,
    pub site_url: String,
    /// The zone's canonical name.
    pub time_zone: String,
}

impl ChannelIn {
    /// Name 1–80 characters; the site an `http(s)://` address with a host; an IANA time
    /// zone (or `UTC±HH:MM`, as the channel's settings accept). 400 names the field.
    pub fn validate(&self) -> Result<ValidChannel, FieldError> {
        let name = crate::text::bounded("name", &self.name, 80)?;
        let site_url = self.site_url.trim();
        let host = site_url.strip_prefix("https://").or_else(|| site_url.strip_prefix("http://"));
        let host_ok = host.is_some_and(|rest| {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
        });
        if !host_ok || site_url.len() > 2048 || site_url.chars().any(char::is_whitespace) {
            return Err(FieldError::new(
                "siteUrl",
                "must be the site's http:// or https:// address, such as https://shop.example",
            ));
        }
        let zone = crate::schedule::Zone::parse(self.time_zone.trim()).map_err(|p| FieldError::new("timeZone", p))?;
        Ok(ValidChannel { name, site_url: site_url.to_owned(), time_zone: zone.name() })
    }
}

/// `DELETE /admin/v1/channels/{channel}`: the channel's name, typed to confirm.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteChannelIn {
    pub confirm_name: String,
}

/// `PATCH /admin/v1/channels/{channel}` (each field optional, an absent one unchanged)
/// and the settings part of its and `GET`'s reply: the channel's time zone, its named
/// business-hours sets and its frequency cap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelSettingsIo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<Vec<crate::store::BusinessHoursDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_cap: Option<crate::channel::FrequencyCap>,
}

/// The reply of `GET` and `PATCH /admin/v1/channels/{channel}`: the channel's settings,
/// with its name, site and where its tag was last seen (`null` until the first page view).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelOut {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub site_url: Option<String>,
    #[serde(default)]
    pub time_zone: String,
    #[serde(default)]
    pub business_hours: Vec<crate::store::BusinessHoursDoc>,
    #[serde(default)]
    pub frequency_cap: crate::channel::FrequencyCap,
    #[serde(default)]
    pub tag_last_seen: Option<TagSeenOut>,
}

/// Where and when the channel's tag last sent a page view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagSeenOut {
    pub at: i64,
    pub url: String,
}

/// `POST /admin/v1/channels` (201): the channel, and its identity secret, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedChannelOut {
    pub id: String,
    pub name: String,
    pub site_url: String,
    pub time_zone: String,
    pub role: String,
    pub identity_verification: bool,
    pub identity_secret: String,
    pub tag_last_seen: Option<TagSeenOut>,
}

/// One member of `GET …/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<MemberOut>,
}

/// `PATCH …/members/{accountId}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    pub role: String,
}

/// `POST …/tokens`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    pub label: String,
    pub role: String,
}

/// A token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenOut {
    pub id: String,
    pub label: String,
    pub role: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<TokenOut>,
}

/// `POST …/tokens` (201): the token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedTokenOut {
    #[serde(flatten)]
    pub listed: TokenOut,
    pub token: String,
}

/// A role as the admin API writes it, 400 naming `field` otherwise.
pub fn role(field: &str, text: &str) -> Result<crate::channel::Role, FieldError> {
    crate::channel::Role::parse(text).ok_or_else(|| FieldError::new(field, "must be owner or member"))
}

#[cfg(test)]
mod channel_tests {
    use super::*;

    #[track_caller]
    fn refused(name: &str, site: &str, zone: &str, field: &str) {
        let input = ChannelIn { name: name.into(), site_url: site.into(), time_zone: zone.into() };
        assert_eq!(input.validate().err().map(|e| e.field), Some(field.to_owned()), "{site} {zone}");
    }

    #[test]
    fn a_new_channel_needs_a_name_a_site_address_and_a_time_zone() {
        let input = ChannelIn {
            name: " Shop ".into(),
            site_url: "https://shop.example/".into(),
            time_zone: "Asia/Tokyo".into(),
        };
        let valid = input.validate().ok();
        assert_eq!(valid.map(|v| (v.name, v.time_zone)), Some(("Shop".to_owned(), "Asia/Tokyo".to_owned())));
        refused("", "https://shop.example", "Asia/Tokyo", "name");
        refused("Shop", "shop.example", "Asia/Tokyo", "siteUrl");
        refused("Shop", "javascript:alert(1)", "Asia/Tokyo", "siteUrl");
        refused("Shop", "https://", "Asia/Tokyo", "siteUrl");
        refused("Shop", "https://shop.example", "Tokyo", "timeZone");
        refused("Shop", "https://shop.example", "asia/tokyo", "timeZone");
    }
}
