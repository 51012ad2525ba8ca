//! Variants: the split's rules, the assignment's shares and stability, and the z-test
//! against worked examples.

use super::*;

fn customer(id: &str) -> VisitorId {
    VisitorId::parse(id).unwrap()
}

fn campaign(id: &str) -> CampaignId {
    CampaignId::parse(id).unwrap()
}

fn split(shares: &[i64], control_percent: i64) -> Split {
    Split::new(shares, control_percent).unwrap()
}

fn counts(reached_goal: u64, assigned: u64) -> ArmCounts {
    ArmCounts { assigned, reached_goal }
}

// The split's rules.

#[track_caller]
fn check_refused(shares: &[i64], control_percent: i64, field: &str) {
    let error = Split::new(shares, control_percent).unwrap_err();
    assert_eq!(error.field, field, "{shares:?} + {control_percent}: {error}");
}

#[test]
fn a_split_has_one_to_three_variants_and_a_control_adding_up_to_100() {
    assert_eq!(split(&[40, 30, 20], 10).shares(), [40, 30, 20]);
    assert_eq!(split(&[40, 30, 20], 10).control_percent(), 10);
    assert!(Split::new(&[100], 0).is_ok(), "one message, no control");
    assert!(Split::new(&[10], 90).is_ok(), "the largest control group");
    assert!(Split::new(&[50, 50], 0).is_ok(), "an A/B test without a control");
}

#[test]
fn every_refusal_names_its_field() {
    check_refused(&[25, 25, 25, 15], 10, "variants");
    check_refused(&[], 100, "variants");
    check_refused(&[50, 0, 40], 10, "variants[1].share");
    check_refused(&[50, 50, -10], 10, "variants[2].share");
    check_refused(&[101], 0, "variants[0].share");
    check_refused(&[100], -1, "controlPercent");
    check_refused(&[5], 95, "controlPercent");
    check_refused(&[40, 30, 20], 5, "variants");
    check_refused(&[40, 30, 20], 20, "variants");
}

#[test]
fn a_split_reads_and_writes_as_camel_case_json() {
    let json = r#"{"variants":[{"share":40},{"share":30},{"share":20}],"controlPercent":10}"#;
    let read: Split = serde_json::from_str(json).unwrap();
    assert_eq!(read, split(&[40, 30, 20], 10));
    assert_eq!(serde_json::to_string(&read).unwrap(), json);
    let no_control: Split = serde_json::from_str(r#"{"variants":[{"share":100}]}"#).unwrap();
    assert_eq!(no_control.control_percent(), 0, "an absent controlPercent is no control group");
}

#[test]
fn an_invalid_split_does_not_read_and_the_error_names_the_field() {
    let error = serde_json::from_str::<Split>(r#"{"variants":[{"share":90},{"share":0}],"controlPercent":10}"#)
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("variants[1].share: "), "{error}");
    let doc: SplitDoc = serde_json::from_str(r#"{"variants":[{"share":-5}],"controlPercent":10}"#).unwrap();
    assert_eq!(Split::try_from(doc).unwrap_err().field, "variants[0].share");
    assert!(serde_json::from_str::<Split>(r#"{"variants":[{"share":90}],"control":10}"#).is_err());
}

// Assignment.

#[test]
fn buckets_map_to_arms_in_order_with_the_control_at_the_top() {
    let four_arms = split(&[40, 30, 20], 10);
    for (bucket, arm) in [
        (0, Arm::Variant(0)),
        (3_999, Arm::Variant(0)),
        (4_000, Arm::Variant(1)),
        (6_999, Arm::Variant(1)),
        (7_000, Arm::Variant(2)),
        (8_999, Arm::Variant(2)),
        (9_000, Arm::Control),
        (9_999, Arm::Control),
    ] {
        assert_eq!(four_arms.arm_of_bucket(bucket), arm, "bucket {bucket}");
    }
    assert_eq!(split(&[100], 0).arm_of_bucket(9_999), Arm::Variant(0), "no control: no control bucket");
}

#[test]
fn r12_100_000_customers_split_within_one_point_of_the_shares() {
    let split = split(&[40, 30, 20], 10);
    let spring = campaign("spring-sale");
    let mut seen = [0_u32; 4];
    for i in 0..100_000 {
        match assign(&customer(&format!("c_{i}")), &spring, &split) {
            Arm::Variant(index) => seen[index] += 1,
            Arm::Control => seen[3] += 1,
        }
    }
    for (arm, (&count, percent)) in seen.iter().zip([40, 30, 20, 10]).enumerate() {
        // ±1 percentage point of 100,000 customers is ±1,000.
        assert!(count.abs_diff(percent * 1_000) <= 1_000, "arm {arm}: {count} of 100,000, expected {percent}%");
    }
}

#[test]
fn the_bucket_is_the_sha256_of_both_ids_and_stable_across_builds() {
    // Expected values from Python's hashlib, independently of this code:
    // int.from_bytes(sha256(b"variant-arm:1\0" + customer + b"\0" + campaign + b"\0")[:8], "big") % 10000
    assert_eq!(bucket(&customer("c_1"), &campaign("spring-sale")), 8_692);
    assert_eq!(bucket(&customer("c_2"), &campaign("spring-sale")), 8_480);
    assert_eq!(bucket(&customer("c_1"), &campaign("summer-sale")), 8_713);
    assert_eq!(bucket(&customer("v-42"), &campaign("spring-sale")), 7_041);
}

#[test]
fn assignment_is_deterministic_and_differs_by_campaign() {
    let split = split(&[40, 30, 20], 10);
    let (spring, summer) = (campaign("spring-sale"), campaign("summer-sale"));
    let mut moved = 0;
    for i in 0..10_000 {
        let id = customer(&format!("c_{i}"));
        let first = assign(&id, &spring, &split);
        assert_eq!(assign(&id, &spring, &split), first);
        if assign(&id, &summer, &split) != first {
            moved += 1;
        }
    }
    // Independent draws land in the same arm with chance 0.4² + 0.3² + 0.2² + 0.1² = 0.30,
    // so about 7,000 of 10,000 move (±500 is more than ten standard deviations).
    assert!((6_500..=7_500).contains(&moved), "{moved} of 10,000 changed arm between campaigns");
}

#[test]
fn a_goal_counts_within_7_days_of_assignment() {
    const ASSIGNED: Millis = 1_795_000_000_000;
    assert!(goal_counts(ASSIGNED, ASSIGNED));
    assert!(goal_counts(ASSIGNED, ASSIGNED + 7 * DAY), "the 7th day's last moment counts");
    assert!(!goal_counts(ASSIGNED, ASSIGNED + 7 * DAY + 1));
    assert!(!goal_counts(ASSIGNED, ASSIGNED - 1), "a goal before assignment is not the campaign's");
}

// Statistics.

#[track_caller]
fn check_z(variant: ArmCounts, control: ArmCounts, difference: f64, z: f64, p_value: f64, significant: bool) {
    let test = z_test(variant, control).unwrap();
    assert!((test.difference - difference).abs() < 1e-12, "difference {} ≠ {difference}", test.difference);
    assert!((test.z - z).abs() < 1e-9, "z {} ≠ {z}", test.z);
    assert!((test.p_value - p_value).abs() < 1e-7, "p {} ≠ {p_value}", test.p_value);
    assert_eq!(test.significant, significant);
}

// Expected z and p below: the pooled two-proportion formula evaluated with mpmath at 30
// digits (p = erfc(|z|/√2)), independently of this code.

#[test]
fn z_test_worked_example_a_worse_variant_is_significant() {
    // 200/1000 = 20% against 250/1000 = 25%: pooled 22.5%, se = √(0.225 · 0.775 · 2/1000).
    check_z(counts(200, 1_000), counts(250, 1_000), -0.05, -2.677_397_763_008_329, 0.007_419_649_261_025_675, true);
}

#[test]
fn z_test_worked_example_unequal_arms() {
    // 30/400 = 7.5% against 50/1200 ≈ 4.17% (a 25% control of a 75/25 split).
    check_z(counts(30, 400), counts(50, 1_200), 0.1 / 3.0, 2.649_064_714_130_088, 0.008_071_487_425_268_012, true);
}

#[test]
fn z_test_worked_example_a_lift_that_is_not_significant() {
    // 60/500 = 12% against 45/500 = 9%: three points better, but p ≈ 0.12.
    check_z(counts(60, 500), counts(45, 500), 0.03, 1.547_337_646_055_907, 0.121_781_848_425_856_67, false);
}

#[test]
fn z_test_worked_example_just_significant() {
    // 120/2000 = 6% against 90/2000 = 4.5%.
    check_z(counts(120, 2_000), counts(90, 2_000), 0.015, 2.126_777_210_754_324, 0.033_438_598_676_694_64, true);
}

#[test]
fn equal_rates_of_zero_or_one_test_as_no_difference() {
    check_z(counts(0, 1_000), counts(0, 500), 0.0, 0.0, 1.0, false);
    check_z(counts(300, 300), counts(20, 20), 0.0, 0.0, 1.0, false);
}

#[test]
fn an_arm_without_customers_cannot_be_compared() {
    assert_eq!(z_test(counts(0, 0), counts(5, 100)), Err(Untestable::NoVariantCustomers));
    assert_eq!(z_test(counts(5, 100), counts(0, 0)), Err(Untestable::NoControlCustomers));
    assert_eq!(z_test(counts(101, 100), counts(5, 100)), Err(Untestable::MoreGoalsThanCustomers));
    assert_eq!(z_test(counts(5, 100), counts(6, 5)), Err(Untestable::MoreGoalsThanCustomers));
    assert_eq!(counts(0, 0).goal_rate(), None);
    assert_eq!(counts(6, 5).goal_rate(), None);
}

#[test]
fn results_give_every_arm_its_rate_and_every_variant_its_test() {
    let control = counts(250, 1_000);
    let results = results(&[counts(200, 1_000), counts(0, 0)], control);
    assert_eq!(results.control_goal_rate, Some(0.25));
    assert_eq!(results.variants[0].goal_rate, Some(0.2));
    assert_eq!(results.variants[0].vs_control, z_test(counts(200, 1_000), control));
    assert_eq!(results.variants[1].goal_rate, None);
    assert_eq!(results.variants[1].vs_control, Err(Untestable::NoVariantCustomers));
}

#[test]
fn the_normal_cdf_matches_known_values_to_1e_7() {
    // Φ at 30 digits (mpmath.ncdf), rounded to f64.
    for (x, phi) in [
        (0.0, 0.5),
        (0.5, 0.691_462_461_274_013_1),
        (1.0, 0.841_344_746_068_542_9),
        (-1.0, 0.158_655_253_931_457_05),
        (1.96, 0.975_002_104_851_779_5),
        (-1.96, 0.024_997_895_148_220_435),
        (2.575_829_303_548_900_4, 0.995),
        (3.0, 0.998_650_101_968_369_9),
        (-3.0, 0.001_349_898_031_630_094_6),
        (-5.0, 2.866_515_718_791_939e-7),
    ] {
        let error = (normal_cdf(x) - phi).abs();
        assert!(error < 1e-7, "Φ({x}) = {}, expected {phi}", normal_cdf(x));
        assert!(error <= 1.2e-7 * phi.min(1.0 - phi) * 2.0 + 1e-15, "Φ({x}): relative error in the tail");
    }
}
