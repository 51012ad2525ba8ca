//! A channel's settings as the console shows and edits them: the script tag and the
//! member-signing snippets an owner pastes, the business-hours sets as form rows (and back
//! to the API's documents), the frequency cap's inputs, and the checks made before a form
//! is sent. Pure; the browser shell is `channel.rs`. Invariant: an input's id is the API's
//! field path (`businessHours[0].windows[1].from`), so an error the API names finds it.

use crate::i18n::Key;
use crate::problem::Problem;
use kizuna_shared::schedule::{Weekday, WindowDoc};
use kizuna_shared::store::BusinessHoursDoc;

/// The tag a site pastes, as the README's "Add Kizuna to a site" writes it, with this
/// deployment's `origin` (`https://kizuna.example`) and the channel's id.
pub fn script_tag(origin: &str, channel: &str) -> String {
    let origin = origin.trim_end_matches('/');
    format!(r#"<script async src="{origin}/widget.js" data-channel="{channel}"></script>"#)
}

/// What a page adds above the tag when a member is signed in: the README's queueing stub
/// and `Kizuna("boot", {memberId, memberHash})`, the hash made by the site's server.
pub const PAGE_SNIPPET: &str = r#"<script>
  (function (w) {
    if (typeof w.Kizuna === "function") return;
    w.Kizuna = function () { (w.Kizuna.q = w.Kizuna.q || []).push(arguments); };
  })(window);
  Kizuna("boot", { memberId: "MEMBER_ID", memberHash: "MEMBER_HASH" });
</script>"#;

/// How the site's server makes `memberHash`: hex HMAC-SHA256 of the member id under the
/// channel's identity secret (Node.js, as the README shows it).
pub const SERVER_SNIPPET: &str = r#"// On your server (Node.js). Keep the secret there, never in a page.
const crypto = require("node:crypto");
const memberHash = crypto
  .createHmac("sha256", process.env.KIZUNA_IDENTITY_SECRET)
  .update(memberId)
  .digest("hex");"#;

/// Time zones offered in the list (any IANA name or `UTC+05:30` is accepted by typing).
pub const COMMON_ZONES: &[&str] = &[
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Jakarta",
    "Asia/Manila",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Moscow",
    "Africa/Johannesburg",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "UTC",
];

/// The week as the form lists it, with each day's label.
pub const WEEK: [(Weekday, Key); 7] = [
    (Weekday::Mon, Key::DayMon),
    (Weekday::Tue, Key::DayTue),
    (Weekday::Wed, Key::DayWed),
    (Weekday::Thu, Key::DayThu),
    (Weekday::Fri, Key::DayFri),
    (Weekday::Sat, Key::DaySat),
    (Weekday::Sun, Key::DaySun),
];

/// One weekly window as the form holds it: a tick per day of [`WEEK`], and the times as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowForm {
    pub days: [bool; 7],
    pub from: String,
    pub to: String,
}

impl Default for WindowForm {
    /// Weekdays, nine to six: what most sets start as.
    fn default() -> Self {
        WindowForm { days: [true, true, true, true, true, false, false], from: "09:00".into(), to: "18:00".into() }
    }
}

/// One named business-hours set as the form holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SetForm {
    pub name: String,
    pub windows: Vec<WindowForm>,
}

pub fn sets_from_docs(docs: &[BusinessHoursDoc]) -> Vec<SetForm> {
    docs.iter()
        .map(|doc| SetForm {
            name: doc.name.clone(),
            windows: doc
                .windows
                .iter()
                .map(|w| WindowForm {
                    days: WEEK.map(|(day, _)| w.days.contains(&day)),
                    from: w.from.clone(),
                    to: w.to.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The documents `PATCH` takes; the API validates them and names `businessHours[i]…`.
pub fn sets_to_docs(sets: &[SetForm]) -> Vec<BusinessHoursDoc> {
    sets.iter()
        .map(|set| BusinessHoursDoc {
            name: set.name.trim().to_owned(),
            windows: set
                .windows
                .iter()
                .map(|w| WindowDoc {
                    days: WEEK.iter().zip(w.days).filter(|(_, on)| *on).map(|((day, _), _)| *day).collect(),
                    from: w.from.trim().to_owned(),
                    to: w.to.trim().to_owned(),
                })
                .collect(),
        })
        .collect()
}

/// The id (and API field path) of a set's field: `businessHours[0].name`.
pub fn set_field(set: usize, field: &str) -> String {
    if field.is_empty() { format!("businessHours[{set}]") } else { format!("businessHours[{set}].{field}") }
}

/// The id (and API field path) of a window's field: `businessHours[0].windows[1].from`;
/// an empty `field` names the window itself.
pub fn window_field(set: usize, window: usize, field: &str) -> String {
    let at = format!("businessHours[{set}].windows[{window}]");
    if field.is_empty() { at } else { format!("{at}.{field}") }
}

/// A frequency cap input: empty is no limit, else a whole number of at least 1.
pub fn cap_value(text: &str) -> Result<Option<u32>, Key> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(Key::CapInvalid),
    }
}

pub fn cap_text(value: Option<u32>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

/// "HH:MM" from 00:00 to 24:00, as the API takes it.
pub fn looks_like_time(text: &str) -> bool {
    let text = text.trim();
    let Some((h, m)) = text.split_once(':') else { return false };
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return false;
    }
    let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>()) else { return false };
    m < 60 && (h < 24 || (h == 24 && m == 0))
}

/// The new-channel form, checked before it is sent (the API decides the rest: an unknown
/// zone, a host it does not take).
pub fn check_new_channel(name: &str, site_url: &str, time_zone: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if name.trim().is_empty() {
        problems.push(Problem::at("name", Key::ChannelNameMissing));
    } else if name.trim().chars().count() > 80 {
        problems.push(Problem::at("name", Key::ChannelNameInvalid));
    }
    let site = site_url.trim();
    if site.is_empty() {
        problems.push(Problem::at("siteUrl", Key::SiteUrlMissing));
    } else if !(site.starts_with("https://") || site.starts_with("http://")) || site.contains(char::is_whitespace) {
        problems.push(Problem::at("siteUrl", Key::SiteUrlInvalid));
    }
    if time_zone.trim().is_empty() {
        problems.push(Problem::at("timeZone", Key::TimeZoneMissing));
    }
    problems
}

/// The settings form, checked before it is sent: every problem names its input's id.
pub fn check_settings(time_zone: &str, sets: &[SetForm], per_session: &str, per_day: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    if time_zone.trim().is_empty() {
        problems.push(Problem::at("timeZone", Key::TimeZoneMissing));
    }
    for (i, set) in sets.iter().enumerate() {
        if set.name.trim().is_empty() {
            problems.push(Problem::at(&set_field(i, "name"), Key::SetNameMissing));
        } else if sets[..i].iter().any(|s| s.name.trim() == set.name.trim()) {
            problems.push(Problem::at(&set_field(i, "name"), Key::SetNameTaken));
        }
        for (j, w) in set.windows.iter().enumerate() {
            if !w.days.contains(&true) {
                problems.push(Problem::at(&window_field(i, j, "days"), Key::DaysMissing));
            }
            if !looks_like_time(&w.from) || w.from.trim() == "24:00" {
                problems.push(Problem::at(&window_field(i, j, "from"), Key::TimeInvalid));
            }
            if !looks_like_time(&w.to) {
                problems.push(Problem::at(&window_field(i, j, "to"), Key::TimeInvalid));
            } else if w.to.trim() == w.from.trim() {
                problems.push(Problem::at(&window_field(i, j, "to"), Key::WindowEmpty));
            }
        }
    }
    for (id, text) in [("frequencyCap.perSession", per_session), ("frequencyCap.perDay", per_day)] {
        if let Err(key) = cap_value(text) {
            problems.push(Problem::at(id, key));
        }
    }
    problems
}

/// Whether the typed confirmation is the channel's name (the API compares it exactly; the
/// stored name has no surrounding spaces).
pub fn confirms(typed: &str, name: &str) -> bool {
    !name.is_empty() && typed.trim() == name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_tag_is_the_readmes_with_this_origin_and_channel() {
        assert_eq!(
            script_tag("https://kizuna.example/", "ch_1"),
            r#"<script async src="https://kizuna.example/widget.js" data-channel="ch_1"></script>"#
        );
    }

    #[test]
    fn the_snippets_use_the_widgets_parameter_names() {
        assert!(PAGE_SNIPPET.contains(r#"Kizuna("boot", { memberId: "#));
        assert!(PAGE_SNIPPET.contains("memberHash:"));
        assert!(SERVER_SNIPPET.contains(r#"createHmac("sha256""#) && SERVER_SNIPPET.contains(r#"digest("hex")"#));
    }

    #[test]
    fn business_hours_round_trip_through_the_form() {
        let docs = vec![BusinessHoursDoc {
            name: "Shop".into(),
            windows: vec![WindowDoc {
                days: vec![Weekday::Mon, Weekday::Sat],
                from: "10:00".into(),
                to: "24:00".into(),
            }],
        }];
        let form = sets_from_docs(&docs);
        assert_eq!(form[0].windows[0].days, [true, false, false, false, false, true, false]);
        assert_eq!(sets_to_docs(&form), docs);
    }

    #[test]
    fn the_form_sends_trimmed_names_and_days_in_week_order() {
        let form = [SetForm { name: " Desk ".into(), windows: vec![WindowForm::default()] }];
        let docs = sets_to_docs(&form);
        assert_eq!(docs[0].name, "Desk");
        assert_eq!(docs[0].windows[0].days, [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]);
    }

    #[test]
    fn an_input_id_is_the_apis_field_path() {
        assert_eq!(set_field(0, "name"), "businessHours[0].name");
        assert_eq!(set_field(2, ""), "businessHours[2]");
        assert_eq!(window_field(1, 3, "from"), "businessHours[1].windows[3].from");
        assert_eq!(window_field(1, 3, ""), "businessHours[1].windows[3]");
    }

    #[test]
    fn a_cap_is_empty_for_none_or_a_whole_number_from_one() {
        assert_eq!(cap_value(" "), Ok(None));
        assert_eq!(cap_value("3"), Ok(Some(3)));
        assert_eq!(cap_value("0"), Err(Key::CapInvalid));
        assert_eq!(cap_value("1.5"), Err(Key::CapInvalid));
        assert_eq!(cap_value("-2"), Err(Key::CapInvalid));
        assert_eq!(cap_text(Some(4)), "4");
    }

    #[test]
    fn times_are_hh_mm_up_to_midnight() {
        for ok in ["00:00", "09:30", "23:59", "24:00"] {
            assert!(looks_like_time(ok), "{ok}");
        }
        for bad in ["9:00", "24:01", "12:60", "noon", "", "12:3"] {
            assert!(!looks_like_time(bad), "{bad}");
        }
    }

    #[track_caller]
    fn fields(problems: Vec<Problem>) -> Vec<String> {
        problems.into_iter().filter_map(|p| p.field).collect()
    }

    #[test]
    fn a_new_channel_needs_a_name_an_http_site_and_a_zone_before_it_is_sent() {
        assert_eq!(fields(check_new_channel("", "", "")), ["name", "siteUrl", "timeZone"]);
        assert_eq!(fields(check_new_channel("Shop", "shop.example", "Asia/Tokyo")), ["siteUrl"]);
        assert_eq!(fields(check_new_channel("Shop", "https://shop.example", "Tokyo")), Vec::<String>::new());
    }

    #[test]
    fn settings_problems_name_the_input_they_belong_to() {
        let sets = [
            SetForm { name: "Desk".into(), windows: vec![WindowForm::default()] },
            SetForm {
                name: "Desk".into(),
                windows: vec![WindowForm { days: [false; 7], from: "9".into(), to: "9".into() }],
            },
        ];
        assert_eq!(
            fields(check_settings("Asia/Tokyo", &sets, "0", "")),
            [
                "businessHours[1].name",
                "businessHours[1].windows[0].days",
                "businessHours[1].windows[0].from",
                "businessHours[1].windows[0].to",
                "frequencyCap.perSession",
            ]
        );
    }

    #[test]
    fn the_apis_channel_errors_say_what_to_fix_beside_their_field() {
        use crate::problem::Failure;
        use kizuna_shared::wire::public::ErrorDetail;
        let said = |code: &str, field: &str| {
            let error = ErrorDetail { code: code.into(), message: String::new(), field: Some(field.into()) };
            let problem = Problem::from(Failure::Answered { status: 400, error: Some(error), retry_after: None });
            (problem.field.unwrap_or_default(), problem.key)
        };
        assert_eq!(said("invalid", "siteUrl"), ("siteUrl".into(), Key::SiteUrlInvalid));
        assert_eq!(said("invalid", "timeZone"), ("timeZone".into(), Key::TimeZoneInvalid));
        assert_eq!(said("invalid", "confirmName"), ("confirmName".into(), Key::ConfirmNameWrong));
        assert_eq!(said("conflict", "businessHours"), ("businessHours".into(), Key::HoursInUse));
        let to = "businessHours[0].windows[1].to";
        assert_eq!(said("invalid", to), (to.into(), Key::TimeInvalid));
    }

    #[test]
    fn deleting_takes_the_name_exactly() {
        assert!(confirms(" Matcha Corner ", "Matcha Corner"));
        assert!(!confirms("matcha corner", "Matcha Corner"));
        assert!(!confirms("", ""));
    }
}
