//! Campaign variants (issue 12): how a campaign's customers are split between up to
//! three message variants and a control group that receives nothing, and whether a
//! variant's goal rate differs from the control's.
//!
//! Invariants:
//! - A [`Split`] is valid by construction: 1 to [`MAX_VARIANTS`] variants, each with a
//!   share of 1 to 100 percent, a control of 0 to [`MAX_CONTROL_PERCENT`] percent, all
//!   adding up to 100. Every refusal is a [`FieldError`] naming the field in the split's
//!   JSON (`variants[1].share`, `controlPercent`); a caller that embeds the split under a
//!   key prefixes the path.
//! - [`assign`] is a pure function of (customer, campaign, split): a SHA-256 of both ids
//!   (the core's one hash, [`crate::ids`]) picks one of [`BUCKETS`] buckets, so integer
//!   percentages are exact bucket ranges. No RNG, no clock.
//! - "A customer keeps the first arm they were assigned, also after signing in" is *not*
//!   decided here: signing in changes which id the customer goes by, and editing the
//!   split would move buckets between arms. The engine stores the arm when it first
//!   assigns one and never calls [`assign`] for that customer and campaign again.
//! - The statistics never yield NaN: an arm with no customer (or with more goals than
//!   customers) has no rate and its comparison is [`Untestable`]; equal rates of 0 or 1
//!   (pooled variance 0) give z = 0 and p = 1, since no difference was observed.

use crate::ids::{CampaignId, VisitorId, digest};
use crate::invalid::FieldError;
use crate::time::{DAY, Millis};
use serde::{Deserialize, Serialize};

/// The most message variants a campaign may carry.
pub const MAX_VARIANTS: usize = 3;

/// The largest control group, in percent. At least 10% of the campaign's customers
/// must receive a message: a larger hold-out would make the campaign mostly not sent,
/// which is more likely a typo than a plan (and 90% already gives the variants' rates
/// wide uncertainty).
pub const MAX_CONTROL_PERCENT: u8 = 90;

/// How many buckets a customer may fall into: 100 per percent, so a share of `s`
/// percent is exactly `100 × s` buckets.
pub const BUCKETS: u32 = 10_000;

/// A goal counts for a customer's arm when it comes within 7 days of the assignment
/// (inclusive, like the other windows of `counting`).
pub const GOAL_WINDOW: Millis = 7 * DAY;

/// A variant is significantly different from the control below this p-value.
pub const SIGNIFICANCE: f64 = 0.05;

/// The split as a campaign's JSON stores it:
/// `{"variants": [{"share": 40}, {"share": 30}, {"share": 20}], "controlPercent": 10}`.
/// Numbers are signed so that a negative share reaches validation and is refused with
/// its field's name rather than as a bare type error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitDoc {
    pub variants: Vec<VariantDoc>,
    /// Absent: no control group.
    #[serde(default)]
    pub control_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantDoc {
    /// Percent of the campaign's customers who receive this variant.
    pub share: i64,
}

/// Which part of a campaign a customer is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arm {
    /// The variant at this index of the split (0-based, in the JSON's order).
    Variant(usize),
    /// Receives nothing; the baseline the variants are compared with.
    Control,
}

/// A validated split: variants' shares and the control's percentage, adding up to 100.
/// (De)serialises as its [`SplitDoc`]; reading checks it like [`Split::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SplitDoc", into = "SplitDoc")]
pub struct Split {
    shares: Vec<u8>,
    control_percent: u8,
}

impl Split {
    /// The split with these variant shares and control group (all in percent). Checked in
    /// order: the number of variants, each share, the control, then the total.
    pub fn new(shares: &[i64], control_percent: i64) -> Result<Split, FieldError> {
        if shares.is_empty() || shares.len() > MAX_VARIANTS {
            return Err(FieldError::new("variants", format!("must have 1 to {MAX_VARIANTS} variants")));
        }
        let shares = shares
            .iter()
            .enumerate()
            .map(|(index, &share)| {
                u8::try_from(share)
                    .ok()
                    .filter(|share| (1..=100).contains(share))
                    .ok_or_else(|| FieldError::new(format!("variants[{index}].share"), "must be 1 to 100 (percent)"))
            })
            .collect::<Result<Vec<u8>, _>>()?;
        let control_percent =
            u8::try_from(control_percent).ok().filter(|percent| *percent <= MAX_CONTROL_PERCENT).ok_or_else(|| {
                FieldError::new("controlPercent", format!("must be 0 to {MAX_CONTROL_PERCENT} (percent)"))
            })?;
        let total: u32 = shares.iter().map(|&share| u32::from(share)).sum::<u32>() + u32::from(control_percent);
        if total != 100 {
            // The total belongs to no one input; it is shown with the variants, where
            // the manager sets most of it.
            return Err(FieldError::new(
                "variants",
                format!("the shares and controlPercent must add up to 100, not {total}"),
            ));
        }
        Ok(Split { shares, control_percent })
    }

    /// Each variant's share in percent, in order.
    pub fn shares(&self) -> &[u8] {
        &self.shares
    }

    pub fn control_percent(&self) -> u8 {
        self.control_percent
    }

    /// The arm that owns `bucket` (0 to [`BUCKETS`] − 1): the variants' ranges in order,
    /// then the control's at the top. Buckets past the end read as control.
    pub fn arm_of_bucket(&self, bucket: u32) -> Arm {
        let mut end = 0;
        for (index, &share) in self.shares.iter().enumerate() {
            end += u32::from(share) * (BUCKETS / 100);
            if bucket < end {
                return Arm::Variant(index);
            }
        }
        Arm::Control
    }
}

impl TryFrom<SplitDoc> for Split {
    type Error = FieldError;

    fn try_from(doc: SplitDoc) -> Result<Split, FieldError> {
        let shares: Vec<i64> = doc.variants.iter().map(|variant| variant.share).collect();
        Split::new(&shares, doc.control_percent)
    }
}

impl From<Split> for SplitDoc {
    fn from(split: Split) -> SplitDoc {
        SplitDoc {
            variants: split.shares.iter().map(|&share| VariantDoc { share: i64::from(share) }).collect(),
            control_percent: i64::from(split.control_percent),
        }
    }
}

/// The customer's bucket in the campaign, 0 to [`BUCKETS`] − 1: the first 8 bytes of a
/// SHA-256 of a tag and both ids, modulo [`BUCKETS`] (the modulo's bias, 10⁴ / 2⁶⁴, is
/// nothing). The tag holds a `:`, which no id may, so these digests never coincide with
/// a delivery id's; its version would change only to reshuffle every campaign.
pub fn bucket(customer: &VisitorId, campaign: &CampaignId) -> u32 {
    let digest = digest(&["variant-arm:1", customer.as_str(), campaign.as_str()]);
    let mut first = [0; 8];
    first.copy_from_slice(&digest[..8]);
    // `BUCKETS` fits in a u32, so the remainder does.
    (u64::from_be_bytes(first) % u64::from(BUCKETS)) as u32
}

/// The arm the customer falls into. Deterministic; the engine stores the result the first
/// time (see the module header), so later changes of id or split do not move a customer.
pub fn assign(customer: &VisitorId, campaign: &CampaignId, split: &Split) -> Arm {
    split.arm_of_bucket(bucket(customer, campaign))
}

/// Whether a goal at `goal_at` counts for the arm a customer was assigned at `assigned_at`.
pub fn goal_counts(assigned_at: Millis, goal_at: Millis) -> bool {
    goal_at >= assigned_at && goal_at - assigned_at <= GOAL_WINDOW
}

/// One arm's customers, and how many of them reached the goal within [`GOAL_WINDOW`] of
/// their assignment (no view required, so the control has a rate too).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArmCounts {
    pub assigned: u64,
    pub reached_goal: u64,
}

impl ArmCounts {
    /// Reached the goal ÷ assigned; `None` when no one was assigned, or when the counts
    /// say more reached the goal than were assigned (inconsistent counts have no rate).
    pub fn goal_rate(self) -> Option<f64> {
        (self.assigned > 0 && self.reached_goal <= self.assigned)
            .then(|| self.reached_goal as f64 / self.assigned as f64)
    }
}

/// A variant against the control: the pooled two-proportion z-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZTest {
    /// The variant's goal rate minus the control's (positive: the variant did better).
    pub difference: f64,
    /// `difference / sqrt(p̂(1 − p̂)(1/n₁ + 1/n₂))`, with p̂ the pooled rate of both arms.
    pub z: f64,
    /// Two-sided: the chance of a |z| at least this large if the rates were equal.
    pub p_value: f64,
    /// `p_value < SIGNIFICANCE`.
    pub significant: bool,
}

/// Why a variant cannot be compared with the control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Untestable {
    /// No customer was assigned to the variant.
    NoVariantCustomers,
    /// No customer was assigned to the control (also: a split without one).
    NoControlCustomers,
    /// An arm's counts say more customers reached the goal than were assigned to it.
    MoreGoalsThanCustomers,
}

/// The variant's goal rate against the control's. Equal rates of 0 or 1 leave the pooled
/// variance at 0; the test then reads "no difference" (z = 0, p = 1), not NaN.
pub fn z_test(variant: ArmCounts, control: ArmCounts) -> Result<ZTest, Untestable> {
    let no_rate = |arm: ArmCounts, missing: Untestable| {
        if arm.assigned == 0 { Err(missing) } else { arm.goal_rate().ok_or(Untestable::MoreGoalsThanCustomers) }
    };
    let variant_rate = no_rate(variant, Untestable::NoVariantCustomers)?;
    let control_rate = no_rate(control, Untestable::NoControlCustomers)?;
    let (n_variant, n_control) = (variant.assigned as f64, control.assigned as f64);
    let pooled = (variant.reached_goal + control.reached_goal) as f64 / (n_variant + n_control);
    let variance = pooled * (1.0 - pooled) * (1.0 / n_variant + 1.0 / n_control);
    let difference = variant_rate - control_rate;
    // Exactly 0 only when the pooled rate is exactly 0 or 1, so both rates are equal.
    let z = if variance > 0.0 { difference / variance.sqrt() } else { 0.0 };
    let p_value = erfc(z.abs() / std::f64::consts::SQRT_2).min(1.0);
    Ok(ZTest { difference, z, p_value, significant: p_value < SIGNIFICANCE })
}

/// One variant's figures: its counts, rate and comparison with the control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariantResult {
    pub counts: ArmCounts,
    pub goal_rate: Option<f64>,
    pub vs_control: Result<ZTest, Untestable>,
}

/// A campaign's variants and control, side by side.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub variants: Vec<VariantResult>,
    pub control: ArmCounts,
    pub control_goal_rate: Option<f64>,
}

/// Every variant's rate and test against the control, in the variants' order.
pub fn results(variants: &[ArmCounts], control: ArmCounts) -> Results {
    Results {
        variants: variants
            .iter()
            .map(|&counts| VariantResult { counts, goal_rate: counts.goal_rate(), vs_control: z_test(counts, control) })
            .collect(),
        control,
        control_goal_rate: control.goal_rate(),
    }
}

/// Φ(x), the standard normal distribution function: `erfc(−x/√2) / 2`.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function, with a relative error below 1.2 × 10⁻⁷ for every
/// x: the Chebyshev fit `erfcc` of Numerical Recipes in C (2nd ed., §6.2). Enough for a
/// p-value; a crate for it would be the only dependency of its kind in the core.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let polynomial = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let upper = t * (-z * z + polynomial).exp();
    if x >= 0.0 { upper } else { 2.0 - upper }
}

#[cfg(test)]
mod tests;
