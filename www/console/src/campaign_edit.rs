//! The campaign editor: every setting of a campaign's document (`CampaignDocV1`, the admin
//! API's body) on one screen, with the live preview beside it. A new campaign is created
//! with `POST …/campaigns`; an existing one is replaced with `PUT /admin/v1/campaigns/{id}`
//! (after a warning when it is running).
//!
//! Invariants: every input's `id` is the API field name it writes (rows carry their index:
//! `message.buttons[1].url`), so each problem the API names is shown at its input; times are
//! read and written in the channel's time zone; a member cannot turn off "respect marketing
//! opt-out" (only owners may, as the API enforces); settings the editor does not show (a
//! follow-up trigger's rules, the priority) are kept as loaded. A campaign's message
//! variants share the one set of message inputs: a segmented control picks the variant
//! they (and the preview) show, and their ids follow it (`message.text` for the first,
//! `variants[1].message.text` for the second), so a problem the API names in any variant
//! switches to that variant and is shown at its input.

use crate::api;
use crate::filter::FilterBuilder;
use crate::filter_edit::{self, Mistake};
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill};
use crate::members::{ConfirmDialog, Question};
use crate::preview::Preview;
use crate::problem::{Failure, Problem};
use crate::profile_input::{moment_of, parse_wall, wall_text};
use crate::screen::{CampaignPage, ChannelPage, Screen};
use crate::segments::MatchCount;
use crate::ui::{Ui, load_failed};
use crate::variant_split::{self, letter, message_prefix, share_field, variant_of_field};
use kizuna_shared::campaign::{
    ButtonDoc, CampaignState, Display, KindDoc, MessageDoc, PropertyOp, SafeUrl, SenderDoc, UrlOp,
};
use kizuna_shared::event::{PAGE_VIEW, PropertyValue};
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::outbound::CampaignMessage;
use kizuna_shared::schedule::{Week, Weekday, WindowDoc, Zone, schedule_from_docs, schedule_to_docs};
use kizuna_shared::store::{
    AudienceDoc, CampaignDocV1, ConditionDoc, FollowUpDoc, GoalDoc, OfflineDoc, RepeatDoc, ScheduleDoc, TriggerDoc,
    UrlDoc, UrlRuleDoc, VariantDocV1, WaitDoc,
};
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::{CampaignOut, FieldOut, PreviewLinkOut, SegmentList, SegmentOut};
use kizuna_shared::wire::public::{Popup, PopupButton, PopupSender};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use std::sync::OnceLock;

/// Most rows of one list the editor offers (the API's own limits are these or higher).
const MAX_ROWS: usize = 20;
const MAX_BUTTONS: usize = kizuna_shared::store::MAX_BUTTONS;
const MAX_VARIANTS: usize = kizuna_shared::campaign::variants::MAX_VARIANTS;

/// Every API field name the editor has an input for: a problem naming one is shown there.
fn field_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<String> = [
            "name",
            "message.sender.name",
            "message.sender.avatarUrl",
            "message.text",
            "message.imageUrl",
            "message.buttons",
            "audience",
            "audience.segment",
            "trigger",
            "trigger.event",
            "trigger.url",
            "trigger.conditions",
            "wait",
            "followUp.trigger.event",
            "followUp.withinDays",
            "repeat.everyHours",
            "startsAt",
            "endsAt",
            "schedule",
            "schedule.businessHours",
            "schedule.windows",
            "offline.respectOptOut",
            "goal.name",
            "goal.conditions",
            "onDemand",
            "variants",
            "controlPercent",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        for v in 0..MAX_VARIANTS {
            names.push(share_field(v));
            let prefix = message_prefix(v);
            if v > 0 {
                for field in ["sender.name", "sender.avatarUrl", "text", "imageUrl", "buttons"] {
                    names.push(format!("{prefix}.{field}"));
                }
            }
            for i in 0..MAX_BUTTONS {
                names.push(format!("{prefix}.buttons[{i}].label"));
                names.push(format!("{prefix}.buttons[{i}].url"));
            }
        }
        for i in 0..MAX_ROWS {
            names.push(format!("trigger.url.include[{i}].value"));
            names.push(format!("trigger.url.exclude[{i}].value"));
            for list in ["trigger.conditions", "goal.conditions"] {
                names.push(format!("{list}[{i}].property"));
                names.push(format!("{list}[{i}].value"));
            }
            names.push(format!("schedule.windows[{i}].days"));
            names.push(format!("schedule.windows[{i}].from"));
            names.push(format!("schedule.windows[{i}].to"));
        }
        // Made once per visit and kept: `Problems` names its inputs with `&'static str`.
        names.into_iter().map(|n| &*Box::leak(n.into_boxed_str())).collect()
    })
}

/// The editor's name for a field, as a `'static` string (its input's `id`).
fn named(field: &str) -> &'static str {
    field_names().iter().copied().find(|n| *n == field).unwrap_or("name")
}

/// One row of a list: a button (label, url), a URL rule (op, value, include or exclude),
/// a property condition (property, op, value).
#[derive(Clone, Copy)]
struct Row {
    key: u32,
    a: RwSignal<String>,
    b: RwSignal<String>,
    c: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct Window {
    key: u32,
    days: RwSignal<Vec<Weekday>>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl Window {
    /// As the API takes it (days in the week's order); read without tracking.
    fn doc(&self) -> WindowDoc {
        let mut days = self.days.get_untracked();
        days.sort();
        WindowDoc { days, from: self.from.get_untracked(), to: self.to.get_untracked() }
    }
}

const WEEK: [(Weekday, Key); 7] = [
    (Weekday::Mon, Key::CeMon),
    (Weekday::Tue, Key::CeTue),
    (Weekday::Wed, Key::CeWed),
    (Weekday::Thu, Key::CeThu),
    (Weekday::Fri, Key::CeFri),
    (Weekday::Sat, Key::CeSat),
    (Weekday::Sun, Key::CeSun),
];

/// One message's inputs (the campaign's, or a variant's).
#[derive(Clone, Copy)]
struct MessageDraft {
    sender: RwSignal<String>,
    avatar: RwSignal<String>,
    text: RwSignal<String>,
    image: RwSignal<String>,
    buttons: RwSignal<Vec<Row>>,
    display: RwSignal<Display>,
}

impl MessageDraft {
    /// The message as typed (the preview's source too).
    fn doc(self) -> MessageDoc {
        MessageDoc {
            sender: SenderDoc { name: self.sender.get(), avatar_url: some_text(&self.avatar.get()) },
            text: self.text.get(),
            image_url: some_text(&self.image.get()),
            buttons: self.buttons.get().iter().map(|b| ButtonDoc { label: b.a.get(), url: b.b.get() }).collect(),
            display: self.display.get(),
        }
    }
}

/// A message variant: its share (percent, as typed) and its message.
#[derive(Clone, Copy)]
struct Variant {
    key: u32,
    share: RwSignal<String>,
    message: MessageDraft,
}

/// The form: one signal per input; `build` makes the API's body of it.
#[derive(Clone, Copy)]
struct Draft {
    kind: KindDoc,
    next: StoredValue<u32>,
    loaded: StoredValue<Option<CampaignDocV1>>,
    name: RwSignal<String>,
    /// The first is the campaign's `message`; one when the campaign has no split.
    variants: RwSignal<Vec<Variant>>,
    /// The control group's percent, as typed.
    control: RwSignal<String>,
    /// The variant the message inputs and the preview show.
    shown: RwSignal<usize>,
    audience: RwSignal<String>,
    filter: RwSignal<Option<FilterDoc>>,
    segment: RwSignal<String>,
    event: RwSignal<String>,
    url_rules: RwSignal<Vec<Row>>,
    conditions: RwSignal<Vec<Row>>,
    wait_on: RwSignal<bool>,
    wait_days: RwSignal<String>,
    wait_hours: RwSignal<String>,
    wait_minutes: RwSignal<String>,
    follow_on: RwSignal<bool>,
    follow_event: RwSignal<String>,
    follow_days: RwSignal<String>,
    repeat_on: RwSignal<bool>,
    repeat_hours: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
    schedule: RwSignal<String>,
    windows: RwSignal<Vec<Window>>,
    hours_set: RwSignal<String>,
    email: RwSignal<bool>,
    sms: RwSignal<bool>,
    respect: RwSignal<bool>,
    delete_unviewed: RwSignal<bool>,
    goal: RwSignal<String>,
    goal_event: RwSignal<String>,
    goal_conditions: RwSignal<Vec<Row>>,
    on_demand: RwSignal<bool>,
}

fn op_name<T: serde::Serialize>(op: T) -> String {
    serde_json::to_value(op).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn op_of<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

fn value_text(value: &Option<PropertyValue>) -> String {
    match value {
        None => String::new(),
        Some(PropertyValue::Text(t)) => t.clone(),
        Some(PropertyValue::Number(n)) => n.to_string(),
        Some(PropertyValue::Bool(b)) => b.to_string(),
    }
}

/// A condition's value as the API wants it for `op`: none for `exists`, a number for the
/// comparisons, otherwise text (`true`/`false` and numbers kept as typed for `equals`).
fn value_of(op: PropertyOp, text: &str) -> Option<PropertyValue> {
    match op {
        PropertyOp::Exists => None,
        PropertyOp::GreaterThan | PropertyOp::LessThan => {
            Some(text.trim().parse::<f64>().map(PropertyValue::Number).unwrap_or(PropertyValue::Text(text.to_owned())))
        }
        _ => Some(PropertyValue::Text(text.to_owned())),
    }
}

fn some_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn number(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

impl Draft {
    fn new(kind: KindDoc, doc: Option<&CampaignDocV1>, zone: Option<&str>) -> Draft {
        let next = StoredValue::new(0u32);
        let row = move |a: String, b: String, c: String| {
            let key = next.get_value();
            next.set_value(key + 1);
            Row { key, a: RwSignal::new(a), b: RwSignal::new(b), c: RwSignal::new(c) }
        };
        let conditions = |list: &[ConditionDoc]| -> Vec<Row> {
            list.iter().map(|c| row(c.property.clone(), op_name(c.op), value_text(&c.value))).collect()
        };
        let local = |at: Option<Millis>| at.map(|ms| wall_text(ms + offset(zone, ms))).unwrap_or_default();
        let trigger = doc.and_then(|d| d.trigger.clone());
        let mut url_rules = Vec::new();
        if let Some(t) = &trigger {
            if let Some(part) = &t.url_contains {
                url_rules.push(row(op_name(UrlOp::Contains), part.clone(), "include".to_owned()));
            }
            if let Some(url) = &t.url {
                for r in &url.include {
                    url_rules.push(row(op_name(r.op), r.value.clone(), "include".to_owned()));
                }
                for r in &url.exclude {
                    url_rules.push(row(op_name(r.op), r.value.clone(), "exclude".to_owned()));
                }
            }
        }
        let message_draft = |m: Option<&MessageDoc>| MessageDraft {
            sender: RwSignal::new(m.map(|m| m.sender.name.clone()).unwrap_or_default()),
            avatar: RwSignal::new(m.and_then(|m| m.sender.avatar_url.clone()).unwrap_or_default()),
            text: RwSignal::new(m.map(|m| m.text.clone()).unwrap_or_default()),
            image: RwSignal::new(m.and_then(|m| m.image_url.clone()).unwrap_or_default()),
            buttons: RwSignal::new(
                m.map(|m| m.buttons.iter().map(|b| row(b.label.clone(), b.url.clone(), String::new())).collect())
                    .unwrap_or_default(),
            ),
            display: RwSignal::new(m.map_or(Display::Bubble, |m| m.display)),
        };
        let variant = |share: String, m: Option<&MessageDoc>| {
            let key = next.get_value();
            next.set_value(key + 1);
            Variant { key, share: RwSignal::new(share), message: message_draft(m) }
        };
        let variants: Vec<Variant> = match doc.and_then(|d| d.variants.as_ref()) {
            Some(list) if !list.is_empty() => list
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let m = if i == 0 { doc.map(|d| &d.message) } else { v.message.as_ref() };
                    variant(v.share.to_string(), m)
                })
                .collect(),
            _ => vec![variant("100".to_owned(), doc.map(|d| &d.message))],
        };
        let audience = doc.and_then(|d| d.audience.clone());
        let offline = doc.and_then(|d| d.offline.clone());
        let schedule = doc.and_then(|d| d.schedule.clone());
        let goal = doc.and_then(|d| d.goal.clone()).unwrap_or(GoalDoc::Clicked);
        let wait = doc.and_then(|d| d.wait.clone());
        let follow = doc.and_then(|d| d.follow_up.clone());
        let windows = schedule
            .as_ref()
            .and_then(|s| s.windows.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|w| {
                let key = next.get_value();
                next.set_value(key + 1);
                Window { key, days: RwSignal::new(w.days), from: RwSignal::new(w.from), to: RwSignal::new(w.to) }
            })
            .collect();
        Draft {
            kind,
            next,
            loaded: StoredValue::new(doc.cloned()),
            name: RwSignal::new(doc.map(|d| d.name.clone()).unwrap_or_default()),
            variants: RwSignal::new(variants),
            control: RwSignal::new(doc.and_then(|d| d.control_percent).unwrap_or(0).to_string()),
            shown: RwSignal::new(0),
            audience: RwSignal::new(
                match &audience {
                    Some(AudienceDoc { segment: Some(_), .. }) => "segment",
                    Some(AudienceDoc { filter: Some(_), .. }) => "filter",
                    _ => "all",
                }
                .to_owned(),
            ),
            filter: RwSignal::new(audience.as_ref().and_then(|a| a.filter.clone())),
            segment: RwSignal::new(audience.as_ref().and_then(|a| a.segment.clone()).unwrap_or_default()),
            event: RwSignal::new(trigger.as_ref().map_or_else(|| PAGE_VIEW.to_owned(), |t| t.event.clone())),
            url_rules: RwSignal::new(url_rules),
            conditions: RwSignal::new(trigger.as_ref().map(|t| conditions(&t.conditions)).unwrap_or_default()),
            wait_on: RwSignal::new(wait.is_some()),
            wait_days: RwSignal::new(wait.as_ref().map_or("0".to_owned(), |w| w.days.to_string())),
            wait_hours: RwSignal::new(wait.as_ref().map_or("1".to_owned(), |w| w.hours.to_string())),
            wait_minutes: RwSignal::new(wait.as_ref().map_or("0".to_owned(), |w| w.minutes.to_string())),
            follow_on: RwSignal::new(follow.is_some()),
            follow_event: RwSignal::new(follow.as_ref().map(|f| f.trigger.event.clone()).unwrap_or_default()),
            follow_days: RwSignal::new(follow.as_ref().map_or("1".to_owned(), |f| f.within_days.to_string())),
            repeat_on: RwSignal::new(doc.is_some_and(|d| d.repeat.is_some())),
            repeat_hours: RwSignal::new(
                doc.and_then(|d| d.repeat.as_ref()).map_or("24".to_owned(), |r| r.every_hours.to_string()),
            ),
            starts: RwSignal::new(local(doc.and_then(|d| d.starts_at))),
            ends: RwSignal::new(local(doc.and_then(|d| d.ends_at))),
            schedule: RwSignal::new(
                match &schedule {
                    Some(ScheduleDoc { business_hours: Some(_), .. }) => "hours",
                    Some(ScheduleDoc { windows: Some(_), .. }) => "windows",
                    _ => "always",
                }
                .to_owned(),
            ),
            windows: RwSignal::new(windows),
            hours_set: RwSignal::new(schedule.as_ref().and_then(|s| s.business_hours.clone()).unwrap_or_default()),
            email: RwSignal::new(offline.as_ref().is_some_and(|o| o.email)),
            sms: RwSignal::new(offline.as_ref().is_some_and(|o| o.sms)),
            respect: RwSignal::new(offline.as_ref().is_none_or(|o| o.respect_opt_out)),
            delete_unviewed: RwSignal::new(doc.is_some_and(|d| d.delete_unviewed)),
            goal: RwSignal::new(
                match &goal {
                    GoalDoc::Clicked => "clicked",
                    GoalDoc::Viewed => "viewed",
                    GoalDoc::Event { .. } => "event",
                }
                .to_owned(),
            ),
            goal_event: RwSignal::new(match &goal {
                GoalDoc::Event { name, .. } => name.clone(),
                _ => String::new(),
            }),
            goal_conditions: RwSignal::new(match &goal {
                GoalDoc::Event { conditions: list, .. } => conditions(list),
                _ => Vec::new(),
            }),
            on_demand: RwSignal::new(doc.is_some_and(|d| d.on_demand)),
        }
    }

    fn row(self) -> Row {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        Row { key, a: RwSignal::new(String::new()), b: RwSignal::new(String::new()), c: RwSignal::new(String::new()) }
    }

    /// The variant the inputs show (the last when it is gone). There is always one: the
    /// last variant cannot be removed.
    fn shown_variant(self) -> Variant {
        let at = self.shown.get();
        self.variants.with(|all| all[at.min(all.len().saturating_sub(1))])
    }

    /// The shown variant's message as typed (the preview's source).
    fn message(self) -> MessageDoc {
        self.shown_variant().message.doc()
    }

    /// A new variant with an empty message, in a bubble.
    fn variant(self) -> Variant {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        Variant {
            key,
            share: RwSignal::new(String::new()),
            message: MessageDraft {
                sender: RwSignal::new(String::new()),
                avatar: RwSignal::new(String::new()),
                text: RwSignal::new(String::new()),
                image: RwSignal::new(String::new()),
                buttons: RwSignal::new(Vec::new()),
                display: RwSignal::new(Display::Bubble),
            },
        }
    }

    /// The shares as typed, in order.
    fn shares(self) -> Vec<String> {
        self.variants.with(|all| all.iter().map(|v| v.share.get()).collect())
    }

    /// Proposes an even split of what the control group leaves (after adding or removing).
    fn even_out(self) {
        let all = self.variants.get_untracked();
        let shares = variant_split::even_shares(all.len(), &self.control.get_untracked());
        for (v, share) in all.iter().zip(shares) {
            v.share.set(share);
        }
    }

    fn conditions(list: &[Row]) -> Vec<ConditionDoc> {
        list.iter()
            .map(|r| {
                let op = op_of::<PropertyOp>(&r.b.get_untracked()).unwrap_or(PropertyOp::Equals);
                ConditionDoc { property: r.a.get_untracked(), op, value: value_of(op, &r.c.get_untracked()) }
            })
            .collect()
    }

    /// The API's body; `zone` reads the start and end times.
    fn build(self, zone: Option<&str>) -> CampaignDocV1 {
        let loaded = self.loaded.get_value();
        let automated = self.kind == KindDoc::Automated;
        let moment = |text: String| parse_wall(text.trim()).map(|wall| moment_of(wall, |at| offset(zone, at)));
        let trigger = automated.then(|| {
            let rules = self.url_rules.get_untracked();
            let pick = |which: &str| -> Vec<UrlRuleDoc> {
                rules
                    .iter()
                    .filter(|r| r.c.get_untracked() == which)
                    .map(|r| UrlRuleDoc {
                        op: op_of(&r.a.get_untracked()).unwrap_or(UrlOp::Contains),
                        value: r.b.get_untracked(),
                    })
                    .collect()
            };
            TriggerDoc {
                event: self.event.get_untracked().trim().to_owned(),
                url_contains: None,
                url: (!rules.is_empty()).then(|| UrlDoc { include: pick("include"), exclude: pick("exclude") }),
                conditions: Self::conditions(&self.conditions.get_untracked()),
            }
        });
        let follow_up = (automated && self.follow_on.get_untracked()).then(|| {
            // The follow-up's own URL rules and conditions are kept as loaded.
            let kept = loaded.as_ref().and_then(|d| d.follow_up.as_ref()).map(|f| f.trigger.clone());
            let event = self.follow_event.get_untracked().trim().to_owned();
            FollowUpDoc {
                trigger: match kept {
                    Some(t) if t.event == event => t,
                    _ => TriggerDoc { event, url_contains: None, url: None, conditions: Vec::new() },
                },
                within_days: number(&self.follow_days.get_untracked()),
            }
        });
        let schedule = if !automated {
            None
        } else {
            match self.schedule.get_untracked().as_str() {
                "windows" => Some(ScheduleDoc {
                    windows: Some(self.windows.get_untracked().iter().map(Window::doc).collect()),
                    business_hours: None,
                }),
                "hours" => Some(ScheduleDoc { windows: None, business_hours: Some(self.hours_set.get_untracked()) }),
                _ => None,
            }
        };
        let (email, sms, respect) =
            (self.email.get_untracked(), self.sms.get_untracked(), self.respect.get_untracked());
        let split = self.split();
        CampaignDocV1 {
            id: String::new(),
            name: self.name.get_untracked(),
            state: CampaignState::Draft,
            priority: loaded.as_ref().map_or(0, |d| d.priority),
            kind: self.kind,
            trigger,
            on_demand: automated && self.on_demand.get_untracked(),
            message: untrack(move || self.variants.with(|all| all[0].message.doc())),
            goal: Some(match self.goal.get_untracked().as_str() {
                "viewed" => GoalDoc::Viewed,
                "event" => GoalDoc::Event {
                    name: self.goal_event.get_untracked().trim().to_owned(),
                    conditions: Self::conditions(&self.goal_conditions.get_untracked()),
                },
                _ => GoalDoc::Clicked,
            }),
            starts_at: moment(self.starts.get_untracked()),
            ends_at: moment(self.ends.get_untracked()),
            repeat: (automated && self.repeat_on.get_untracked())
                .then(|| RepeatDoc { every_hours: number(&self.repeat_hours.get_untracked()) }),
            audience: match self.audience.get_untracked().as_str() {
                "segment" => Some(AudienceDoc { filter: None, segment: Some(self.segment.get_untracked()) }),
                "filter" => self.filter.get_untracked().map(|f| AudienceDoc { filter: Some(f), segment: None }),
                _ => None,
            },
            wait: (automated && self.wait_on.get_untracked()).then(|| WaitDoc {
                days: number(&self.wait_days.get_untracked()),
                hours: number(&self.wait_hours.get_untracked()),
                minutes: number(&self.wait_minutes.get_untracked()),
            }),
            follow_up,
            schedule,
            delete_unviewed: automated && self.delete_unviewed.get_untracked(),
            offline: (email || sms || !respect).then_some(OfflineDoc { email, sms, respect_opt_out: respect }),
            variants: split.as_ref().map(|split| {
                let all = self.variants.get_untracked();
                split
                    .shares()
                    .iter()
                    .zip(&all)
                    .enumerate()
                    .map(|(i, (&share, v))| VariantDocV1 {
                        share: i64::from(share),
                        message: (i > 0).then(|| untrack(move || v.message.doc())),
                    })
                    .collect()
            }),
            control_percent: split.as_ref().map(|split| i64::from(split.control_percent())),
        }
    }

    /// The split as typed, checked as the API checks it (`None`: no split). A split the
    /// check refuses is sent as typed, for the API to name (`check` refuses it first).
    fn split(self) -> Option<kizuna_shared::campaign::variants::Split> {
        untrack(move || variant_split::check(&self.shares(), &self.control.get()).ok().flatten())
    }

    /// What the console checks before sending: what the API would refuse anyway.
    fn check(self) -> Vec<Problem> {
        let mut found = Vec::new();
        let need = |found: &mut Vec<Problem>, field: &str, value: RwSignal<String>, key: Key| {
            if value.with_untracked(|v| v.trim().is_empty()) {
                found.push(Problem::at(field, key));
            }
        };
        need(&mut found, "name", self.name, Key::CeNameMissing);
        for (v, variant) in self.variants.get_untracked().iter().enumerate() {
            let (prefix, m) = (message_prefix(v), variant.message);
            need(&mut found, named(&format!("{prefix}.sender.name")), m.sender, Key::CeSenderMissing);
            need(&mut found, named(&format!("{prefix}.text")), m.text, Key::CeTextMissing);
            for (i, b) in m.buttons.get_untracked().iter().enumerate() {
                if SafeUrl::parse(b.b.get_untracked().trim()).is_err() {
                    found.push(Problem::at(named(&format!("{prefix}.buttons[{i}].url")), Key::CeUrlUnsafe));
                }
            }
        }
        if let Err(problem) = variant_split::check(&untrack(move || self.shares()), &self.control.get_untracked()) {
            found.push(problem);
        }
        if self.kind == KindDoc::Automated {
            need(&mut found, "trigger.event", self.event, Key::CeEventMissing);
        }
        found
    }

    /// Shows the variant whose message input the first of `found` names, so it can be
    /// focused there.
    fn show_problem_at(self, found: &[Problem]) {
        let variants = self.variants.with_untracked(Vec::len);
        if let Some(at) = found.iter().find_map(|p| p.field.as_deref()).and_then(variant_of_field)
            && at < variants
        {
            self.shown.set(at);
        }
    }
}

/// The offset (ms) from UTC of the channel's `zone` at `at`; UTC when it has none.
fn offset(zone: Option<&str>, at: Millis) -> Millis {
    zone.and_then(|z| Zone::parse(z).ok()).map_or(0, |z| Millis::from(z.offset_minutes_at(at)) * 60_000)
}

/// The preview's popup: the message as the edge hands it to the widget (trimmed, links
/// that pass `SafeUrl`; the renderer leaves the others out as the widget does).
fn popup_of(message: &MessageDoc) -> Popup {
    let safe = |url: &str| SafeUrl::parse(url.trim()).map_or_else(|_| url.to_owned(), |u| u.as_str().to_owned());
    Popup {
        delivery_id: "preview".to_owned(),
        campaign_id: "preview".to_owned(),
        display: message.display,
        sender: PopupSender {
            name: message.sender.name.trim().to_owned(),
            avatar_url: message.sender.avatar_url.as_deref().map(safe),
        },
        text: message.text.trim().to_owned(),
        image_url: message.image_url.as_deref().map(safe).filter(|u| !u.to_ascii_lowercase().starts_with("mailto:")),
        buttons: message
            .buttons
            .iter()
            .map(|b| PopupButton { label: b.label.trim().to_owned(), url: safe(&b.url) })
            .collect(),
    }
}

/// What the editor says about a failed save, and where; a mistake in the audience's
/// filter goes to the filter builder too.
fn save_problem(failure: Failure) -> (Problem, Option<Mistake>) {
    if let Failure::Answered { error: Some(detail), .. } = &failure
        && let Some(field) = detail.field.as_deref()
        && let Some(inner) = field.strip_prefix("audience.").filter(|f| f.starts_with("filter"))
    {
        let key = filter_edit::mistake_key(inner, &detail.message);
        return (Problem::at("audience", Key::FilterPending), Some(Mistake { field: inner.to_owned(), key }));
    }
    let named_here = match &failure {
        Failure::Answered { error: Some(detail), .. } => match (detail.code.as_str(), detail.field.as_deref()) {
            ("invalid", Some("name")) => Some(Problem::at("name", Key::CeNameMissing)),
            ("conflict", Some("state")) => Some(Problem::at("state", Key::CeStateConflict)),
            _ => None,
        },
        _ => None,
    };
    let mut problem = named_here.unwrap_or_else(|| Problem::from(failure));
    // A problem inside a list the editor has no row for is shown at the list.
    if let Some(field) = problem.field.clone()
        && !field_names().contains(&field.as_str())
    {
        let list = field.split('[').next().unwrap_or_default();
        if field_names().contains(&list) {
            problem.field = Some(list.to_owned());
        }
    }
    (problem, None)
}

#[derive(Deserialize)]
struct FieldList {
    fields: Vec<FieldOut>,
}

/// What the editor loads before it shows: the channel's zone and business-hours sets,
/// its fields (for the filter builder) and segments, and the campaign being edited.
#[derive(Clone)]
struct Loaded {
    zone: Option<String>,
    hours: Vec<String>,
    fields: Vec<FieldOut>,
    segments: Vec<SegmentOut>,
    campaign: Option<CampaignOut>,
}

async fn load(channel: &str, id: Option<&str>) -> Result<Loaded, Failure> {
    let base = format!("/admin/v1/channels/{}", api::encode(channel));
    let settings = api::get::<serde_json::Value>(&base).await?;
    let fields = api::get::<FieldList>(&format!("{base}/fields")).await?.fields;
    let segments = api::get::<SegmentList>(&format!("{base}/segments")).await?.segments;
    let campaign = match id {
        Some(id) => Some(api::get::<CampaignOut>(&format!("/admin/v1/campaigns/{}", api::encode(id))).await?),
        None => None,
    };
    Ok(Loaded {
        zone: settings.get("timeZone").and_then(|z| z.as_str()).map(str::to_owned),
        hours: settings
            .get("businessHours")
            .and_then(|h| h.as_array())
            .map(|sets| sets.iter().filter_map(|s| s.get("name")?.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        fields,
        segments,
        campaign,
    })
}

/// The screen: `id` `None` creates a campaign of `kind`.
#[component]
pub fn CampaignEditor(ui: Ui, channel: String, id: Option<String>, kind: KindDoc) -> impl IntoView {
    let loaded = RwSignal::new(None::<Loaded>);
    let problem = RwSignal::new(None::<Problem>);
    {
        let (channel, id) = (channel.clone(), id.clone());
        spawn_local(async move {
            match load(&channel, id.as_deref()).await {
                Ok(found) => loaded.set(Some(found)),
                Err(failure) => problem.set(load_failed(ui, failure)),
            }
        });
    }
    move || {
        if let Some(p) = problem.get() {
            return view! { <div class="alert" role="alert">{p.message(ui.lang.get())}</div> }.into_any();
        }
        match loaded.get() {
            None => ui.loading(),
            Some(found) => view! { <Editor ui channel=channel.clone() kind found /> }.into_any(),
        }
    }
}

#[component]
fn Editor(ui: Ui, channel: String, kind: KindDoc, found: Loaded) -> impl IntoView {
    let kind = found.campaign.as_ref().map_or(kind, |c| c.settings.kind);
    let zone = found.zone.clone();
    let draft = Draft::new(kind, found.campaign.as_ref().map(|c| &c.settings), zone.as_deref());
    let id = StoredValue::new(found.campaign.as_ref().map(|c| c.settings.id.clone()));
    let state = RwSignal::new(found.campaign.as_ref().map_or(CampaignState::Draft, |c| c.settings.state));
    let problems = Problems::new(field_names());
    let mistake = RwSignal::new(None::<Mistake>);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let question = RwSignal::new(None::<Question>);
    let fields = Signal::derive({
        let f = found.fields.clone();
        move || f.clone()
    });
    let automated = kind == KindDoc::Automated;
    let owner = ui.is_owner(&channel);
    let segments = found.segments.clone();
    let hours = found.hours.clone();

    let message = Memo::new(move |_| draft.message());
    let popup = Memo::new(move |_| message.with(popup_of));
    let outbound = Memo::new(move |_| CampaignMessage { name: draft.name.get(), message: message.get() });

    let send = {
        let (channel, zone) = (channel.clone(), zone.clone());
        move || {
            let body = draft.build(zone.as_deref());
            busy.set(true);
            saved.set(false);
            let channel = channel.clone();
            spawn_local(async move {
                let answer = match id.get_value() {
                    Some(id) => {
                        api::send_json::<CampaignOut>(
                            "PUT",
                            &format!("/admin/v1/campaigns/{}", api::encode(&id)),
                            &body,
                        )
                        .await
                    }
                    None => {
                        let path = format!("/admin/v1/channels/{}/campaigns", api::encode(&channel));
                        api::send_json::<CampaignOut>("POST", &path, &body).await
                    }
                };
                busy.set(false);
                question.set(None);
                match answer {
                    Ok(campaign) => {
                        let created = id.get_value().is_none();
                        state.set(campaign.settings.state);
                        id.set_value(Some(campaign.settings.id.clone()));
                        draft.loaded.set_value(Some(campaign.settings.clone()));
                        saved.set(true);
                        if created {
                            ui.go(
                                Screen::Campaign { channel, id: campaign.settings.id, page: CampaignPage::Edit },
                                true,
                            );
                        }
                    }
                    Err(failure) => {
                        let (p, found) = save_problem(failure);
                        if found.is_some() {
                            mistake.set(found);
                        }
                        draft.show_problem_at(std::slice::from_ref(&p));
                        problems.set(vec![p]);
                    }
                }
            });
        }
    };
    let submit = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            saved.set(false);
            let found = draft.check();
            if !found.is_empty() {
                draft.show_problem_at(&found);
                problems.set(found);
                return;
            }
            problems.clear();
            if draft.audience.get_untracked() == "filter" && mistake.get_untracked().is_some() {
                problems.set(vec![Problem::at("audience", Key::FilterPending)]);
                return;
            }
            if state.get_untracked() == CampaignState::Running {
                question.set(Some(Question {
                    ask: Key::CeRunningAsk,
                    subject: draft.name.get_untracked(),
                    explain: Key::CeRunningExplain,
                    confirm: Key::CeRunningConfirm,
                }));
                return;
            }
            send();
        }
    };
    let confirm = Callback::new(move |()| send());

    // "Try it on my site": a single-use link to the channel's site showing what the editor
    // holds now, unsaved changes included; offered once the campaign exists.
    let try_link = RwSignal::new(None::<PreviewLinkOut>);
    let try_on_site = {
        let zone = zone.clone();
        move |_| {
            let Some(campaign) = id.get_value() else { return };
            if busy.get_untracked() {
                return;
            }
            let found = draft.check();
            if !found.is_empty() {
                draft.show_problem_at(&found);
                problems.set(found);
                return;
            }
            problems.clear();
            try_link.set(None);
            // The site shows a campaign's first message: the variant shown goes first.
            let mut body = draft.build(zone.as_deref());
            let shown = draft.shown.get_untracked();
            if let Some(variant) = body.variants.as_mut().and_then(|all| all.get_mut(shown)).filter(|_| shown > 0)
                && let Some(message) = variant.message.as_mut()
            {
                std::mem::swap(message, &mut body.message);
            }
            busy.set(true);
            spawn_local(async move {
                let path = format!("/admin/v1/campaigns/{}/preview-link", api::encode(&campaign));
                let answer = api::send_json::<PreviewLinkOut>("POST", &path, &body).await;
                busy.set(false);
                match answer {
                    Ok(link) => {
                        try_link.set(Some(link));
                        crate::ui::focus_later("try-link");
                    }
                    Err(failure) => {
                        let (mut p, found) = save_problem(failure);
                        if found.is_some() {
                            mistake.set(found);
                        }
                        if let Some(field) = &p.field {
                            p.field = Some(variant_split::unswapped_field(field, shown));
                        }
                        draft.show_problem_at(std::slice::from_ref(&p));
                        problems.set(vec![p]);
                    }
                }
            });
        }
    };

    let back = Screen::Channel {
        channel: channel.clone(),
        page: if automated { ChannelPage::Campaigns } else { ChannelPage::Broadcasts },
    };
    let title = move || {
        let key = match (id.get_value().is_some(), automated) {
            (true, _) => Key::CeEditTitle,
            (false, true) => Key::CeNewCampaign,
            (false, false) => Key::CeNewBroadcast,
        };
        ui.s(key)
    };
    let state_key = move || match state.get() {
        CampaignState::Draft => Key::CeStateDraft,
        CampaignState::Scheduled => Key::CeStateScheduled,
        CampaignState::Running => Key::CeStateRunning,
        CampaignState::Paused => Key::CeStatePaused,
        CampaignState::Ended => Key::CeStateEnded,
    };

    view! {
        <div class="campaign-edit">
            <p class="crumbs">
                <a href=back.path() on:click=ui.follow(back.clone())>{ui.t(if automated { Key::NavCampaigns } else { Key::NavBroadcasts })}</a>
            </p>
            <div class="campaign-edit-head">
                <h1 id="campaign-edit-title" tabindex="-1">{title}</h1>
                <span class=move || format!("state-badge state-{}", op_name(state.get()))>{move || ui.s(state_key())}</span>
            </div>
            <div class="campaign-edit-grid">
                <form class="form campaign-form" novalidate on:submit=submit>
                    <FormAlert ui problems />
                    <fieldset class="panel">
                        <legend>{ui.t(Key::CeSectionMessage)}</legend>
                        <TextInput ui problems name="name" label=Key::CeName value=draft.name required=true hint=Key::CeNameHint />
                        <VariantPicker ui draft />
                        {move || {
                            // The inputs of the variant shown, named for it.
                            let index = draft.shown.get().min(draft.variants.with(Vec::len).saturating_sub(1));
                            let variant = draft.variants.with(|all| all[index]);
                            view! { <MessageFields ui problems draft message=variant.message index /> }
                        }}
                    </fieldset>
                    <Variants ui problems draft started=Signal::derive(move || state.get() != CampaignState::Draft) />
                    <Audience ui problems channel=channel.clone() draft fields segments mistake />
                    {automated.then(|| view! { <Trigger ui problems draft /> })}
                    <Operation ui problems draft automated owner hours />
                    <Goal ui problems draft />
                    <div class="actions sticky-actions">
                        <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                            {move || ui.s(if busy.get() { Key::Saving } else if id.get_value().is_some() { Key::Save } else { Key::CeCreate })}
                        </button>
                        {move || id.get_value().is_some().then(|| {
                            let try_on_site = try_on_site.clone();
                            view! {
                                <button type="button" class="secondary" id="try-on-site" on:click=try_on_site>{ui.t(Key::CeTryOnSite)}</button>
                            }
                        })}
                        <a class="link" href=back.path() on:click=ui.follow(back.clone())>{ui.t(Key::Cancel)}</a>
                        <p class="saved" role="status">{move || saved.get().then(|| ui.s(Key::CeSaved))}</p>
                        {move || try_link.get().map(|link| view! {
                            <p class="try-link" role="status">
                                <a id="try-link" href=link.url target="_blank" rel="noopener">{ui.t(Key::CeTryOpen)}</a>
                                " "
                                <span class="hint">{ui.t(Key::CeTryHint)}</span>
                            </p>
                        })}
                    </div>
                </form>
                <Preview
                    ui
                    caption=Signal::derive(move || {
                        (draft.variants.with(Vec::len) > 1)
                            .then(|| fill(ui.s(Key::VarShowing), "letter", &letter(draft.shown.get()).to_string()))
                    })
                    popup
                    outbound
                    email_on=Signal::derive(move || draft.email.get())
                    sms_on=Signal::derive(move || draft.sms.get())
                />
            </div>
            <ConfirmDialog ui question busy on_confirm=confirm />
        </div>
    }
}

/// A labelled textarea for API field `name`, with its problem beside it.
#[component]
fn TextArea(
    ui: Ui,
    problems: Problems,
    name: &'static str,
    label: Key,
    value: RwSignal<String>,
    hint: Key,
) -> impl IntoView {
    let error = problems.beside(ui, name);
    let (error_id, hint_id) = (format!("{name}-error"), format!("{name}-hint"));
    let described = crate::form::described_by(true, hint_id.clone(), error_id.clone(), error);
    view! {
        <div class="field">
            <label for=name>{ui.t(label)}</label>
            <p id=hint_id class="hint">{ui.t(hint)}</p>
            <textarea
                id=name
                name=name
                rows="5"
                required=true
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
            ></textarea>
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}

#[component]
fn Radio(
    ui: Ui,
    name: &'static str,
    value: &'static str,
    label: Key,
    checked: Signal<bool>,
    pick: Callback<()>,
) -> impl IntoView {
    let id = format!("{name}-{value}");
    let for_id = id.clone();
    view! {
        <label class="radio" for=for_id>
            <input type="radio" id=id name=name value=value prop:checked=move || checked.get() on:change=move |_| pick.run(()) />
            <span>{ui.t(label)}</span>
        </label>
    }
}

#[component]
fn Check(
    ui: Ui,
    id: &'static str,
    label: Key,
    on: RwSignal<bool>,
    #[prop(optional)] disabled: Option<Signal<bool>>,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field check">
            <label class="checkbox" for=id>
                <input
                    type="checkbox"
                    id=id
                    prop:checked=move || on.get()
                    disabled=move || disabled.is_some_and(|d| d.get())
                    aria-describedby=hint.map(|_| hint_id.clone())
                    on:change=move |ev| on.set(event_target_checked(&ev))
                />
                <span>{ui.t(label)}</span>
            </label>
            {hint.map(|h| view! { <p id=format!("{id}-hint") class="hint">{ui.t(h)}</p> })}
        </div>
    }
}

/// A `<select>` of `options` (value, label) writing `value`.
#[component]
fn Pick(ui: Ui, id: String, label: Key, value: RwSignal<String>, options: Vec<(String, Key)>) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(v, k)| {
            let selected = {
                let v = v.clone();
                move || value.with(|now| *now == v)
            };
            view! { <option value=v selected=selected>{ui.t(k)}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{ui.t(label)}</label>
            <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
                {options}
            </select>
        </div>
    }
}

fn url_ops() -> Vec<(String, Key)> {
    [
        (UrlOp::Contains, Key::CeOpContains),
        (UrlOp::Equals, Key::CeOpEquals),
        (UrlOp::StartsWith, Key::CeOpStartsWith),
        (UrlOp::Matches, Key::CeOpMatches),
    ]
    .into_iter()
    .map(|(op, k)| (op_name(op), k))
    .collect()
}

fn property_ops() -> Vec<(String, Key)> {
    [
        (PropertyOp::Equals, Key::CeOpEquals),
        (PropertyOp::NotEquals, Key::CeOpNotEquals),
        (PropertyOp::Contains, Key::CeOpContains),
        (PropertyOp::StartsWith, Key::CeOpStartsWith),
        (PropertyOp::Matches, Key::CeOpMatches),
        (PropertyOp::GreaterThan, Key::CeOpGreater),
        (PropertyOp::LessThan, Key::CeOpLess),
        (PropertyOp::Exists, Key::CeOpExists),
    ]
    .into_iter()
    .map(|(op, k)| (op_name(op), k))
    .collect()
}

/// The remove button of row `key` in `rows`, focusing `after` (the list's add button).
fn remove_button(ui: Ui, rows: RwSignal<Vec<Row>>, key: u32, label: String, after: &'static str) -> impl IntoView {
    view! {
        <button type="button" class="secondary small" aria-label=label on:click=move |_| {
            rows.update(|all| all.retain(|r| r.key != key));
            crate::ui::focus_later(after);
        }>{ui.t(Key::CeRemove)}</button>
    }
}

/// The message inputs of variant `index` (the campaign's own message for the first).
#[component]
fn MessageFields(ui: Ui, problems: Problems, draft: Draft, message: MessageDraft, index: usize) -> impl IntoView {
    let prefix = message_prefix(index);
    let name = |field: &str| named(&format!("{prefix}.{field}"));
    view! {
        <div class="message-fields" id="message-fields" role="group" aria-label=move || fill(ui.s(Key::VarName), "letter", &letter(index).to_string())>
            <div class="two">
                <TextInput ui problems name=name("sender.name") label=Key::CeSender value=message.sender required=true />
                <TextInput ui problems name=name("sender.avatarUrl") label=Key::CeAvatar value=message.avatar kind="url" hint=Key::CeUrlHint />
            </div>
            <TextArea ui problems name=name("text") label=Key::CeText value=message.text hint=Key::CeTextHint />
            <TextInput ui problems name=name("imageUrl") label=Key::CeImage value=message.image kind="url" hint=Key::CeUrlHint />
            <Buttons ui problems draft rows=message.buttons prefix=prefix.clone() />
            <fieldset class="choice">
                <legend>{ui.t(Key::CeDisplay)}</legend>
                <Radio name="display" value="bubble" label=Key::CeBubble ui checked=Signal::derive(move || message.display.get() == Display::Bubble) pick=Callback::new(move |()| message.display.set(Display::Bubble)) />
                <Radio name="display" value="fullscreen" label=Key::CeFullscreen ui checked=Signal::derive(move || message.display.get() == Display::Fullscreen) pick=Callback::new(move |()| message.display.set(Display::Fullscreen)) />
            </fieldset>
        </div>
    }
}

/// Which variant's message the inputs and the preview show: a segmented control, there
/// when the campaign has more than one variant.
#[component]
fn VariantPicker(ui: Ui, draft: Draft) -> impl IntoView {
    let buttons = move || {
        (0..draft.variants.with(Vec::len))
            .map(|i| {
                let name = move || fill(ui.s(Key::VarName), "letter", &letter(i).to_string());
                view! {
                    <button type="button" class="ce-toggle" id=format!("variant-pick-{i}")
                        aria-pressed=move || if draft.shown.get() == i { "true" } else { "false" }
                        aria-controls="message-fields"
                        on:click=move |_| draft.shown.set(i)>
                        {name}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <div class="variant-pick" hidden=move || draft.variants.with(|v| v.len() < 2)>
            <span class="variant-pick-label" id="variant-pick-label">{ui.t(Key::VarPick)}</span>
            <div class="ce-toggles" role="group" aria-labelledby="variant-pick-label">{buttons}</div>
        </div>
    }
}

/// The split: each variant's share, the control group, their total; add and remove a
/// variant. Once the campaign has `started`, customers keep the arm they were given (the
/// engine stores it by the variant's place), so only the last variant may be removed.
#[component]
fn Variants(ui: Ui, problems: Problems, draft: Draft, started: Signal<bool>) -> impl IntoView {
    let rows = move || {
        let all = draft.variants.get();
        let count = all.len();
        all.into_iter()
            .enumerate()
            .map(|(i, v)| {
                let l = letter(i).to_string();
                let removable = {
                    let last = i + 1 == count;
                    move || count > 1 && (last || !started.get())
                };
                let remove = move |_| {
                    draft.variants.update(|all| all.retain(|x| x.key != v.key));
                    let shown = draft.shown.get_untracked();
                    if shown >= i && shown > 0 {
                        draft.shown.set(shown - 1);
                    }
                    draft.even_out();
                    crate::ui::focus_later("variants-add");
                };
                let lone = {
                    let l = l.clone();
                    move || {
                        let control = draft.control.with(|c| c.trim().parse::<i64>().ok()).unwrap_or(0);
                        let text = fill(ui.s(Key::VarLone), "letter", &l);
                        fill(&text, "n", &ui.number((100 - control).clamp(0, 100) as f64))
                    }
                };
                let remove_label = fill(ui.s(Key::VarRemove), "letter", &l);
                let share_label = fill(ui.s(Key::VarShare), "letter", &l);
                view! {
                    <div class="variant-row">
                        {if count == 1 {
                            view! { <p class="variant-lone">{lone}</p> }.into_any()
                        } else {
                            view! { <ShareInput ui problems name=named(&share_field(i)) label=share_label value=v.share /> }.into_any()
                        }}
                        {move || removable().then(|| view! {
                            <button type="button" class="secondary small" aria-label=remove_label.clone() on:click=remove>{ui.t(Key::CeRemove)}</button>
                        })}
                    </div>
                }
            })
            .collect_view()
    };
    let add = move |_| {
        let v = draft.variant();
        // The new variant starts from the message shown, to be changed.
        let from = draft.shown_variant().message;
        untrack(|| {
            v.message.sender.set(from.sender.get());
            v.message.avatar.set(from.avatar.get());
            v.message.text.set(from.text.get());
            v.message.image.set(from.image.get());
            v.message.display.set(from.display.get());
            let buttons = from
                .buttons
                .get()
                .iter()
                .map(|b| {
                    let row = draft.row();
                    row.a.set(b.a.get());
                    row.b.set(b.b.get());
                    row
                })
                .collect();
            v.message.buttons.set(buttons);
        });
        draft.variants.update(|all| all.push(v));
        draft.even_out();
        draft.shown.set(draft.variants.with_untracked(Vec::len) - 1);
        crate::ui::focus_later(named(&format!("{}.text", message_prefix(draft.shown.get_untracked()))));
    };
    let total = move || {
        let count = draft.variants.with(Vec::len);
        (count > 1).then(|| variant_split::total(&draft.shares(), &draft.control.get())).flatten()
    };
    // A refusal of the split goes once the split as typed would be accepted.
    Effect::new(move |was_refused: Option<bool>| {
        let refused = variant_split::check(&draft.shares(), &draft.control.get()).is_err();
        if was_refused == Some(true) && !refused {
            problems.clear();
        }
        refused
    });
    let error = problems.beside(ui, "variants");
    view! {
        <fieldset class="panel variants" id="variants" tabindex="-1" aria-describedby="variants-lead variants-error">
            <legend>{ui.t(Key::VarSection)}</legend>
            <p class="hint" id="variants-lead">{ui.t(Key::VarLead)}</p>
            {move || started.get().then(|| view! { <p class="hint variant-started">{ui.t(Key::VarStarted)}</p> })}
            <div class="variant-rows">{rows}</div>
            <ShareInput ui problems name="controlPercent" label=Signal::derive(move || ui.s(Key::VarControl).to_owned()) value=draft.control hint=Key::VarControlHint />
            <p class=move || if total().is_some_and(|t| t != 100) { "variant-total off" } else { "variant-total" } aria-live="polite">
                {move || total().map(|t| fill(ui.s(Key::VarTotalNow), "n", &ui.number(t as f64)))}
            </p>
            <button type="button" id="variants-add" class="secondary small" disabled=move || draft.variants.with(|v| v.len() >= MAX_VARIANTS) on:click=add>{ui.t(Key::VarAdd)}</button>
            <p class="field-error" id="variants-error">{error}</p>
        </fieldset>
    }
}

/// A percentage input for API field `name`, its label filled in (`Share of variant B (%)`).
#[component]
fn ShareInput(
    ui: Ui,
    problems: Problems,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<Key>,
) -> impl IntoView {
    let error = problems.beside(ui, name);
    let (error_id, hint_id) = (format!("{name}-error"), format!("{name}-hint"));
    let described = crate::form::described_by(hint.is_some(), hint_id.clone(), error_id.clone(), error);
    view! {
        <div class="field share">
            <label for=name>{move || label.get()}</label>
            {hint.map(|hint| view! { <p id=hint_id.clone() class="hint">{ui.t(hint)}</p> })}
            <input
                id=name
                name=name
                type="number"
                inputmode="numeric"
                min="0"
                max="100"
                step="1"
                bind:value=value
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
            />
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}

#[component]
fn Buttons(ui: Ui, problems: Problems, draft: Draft, rows: RwSignal<Vec<Row>>, prefix: String) -> impl IntoView {
    let list_name = named(&format!("{prefix}.buttons"));
    let list = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let n = (i + 1).to_string();
                view! {
                    <div class="row-box" role="group" aria-label=fill(ui.s(Key::CeButtonN), "n", &n)>
                        <TextInput ui problems name=named(&format!("{prefix}.buttons[{i}].label")) label=Key::CeButtonLabel value=row.a />
                        <TextInput ui problems name=named(&format!("{prefix}.buttons[{i}].url")) label=Key::CeButtonUrl value=row.b hint=Key::CeUrlHint />
                        {remove_button(ui, rows, row.key, fill(ui.s(Key::CeButtonRemove), "n", &n), list_name)}
                    </div>
                }
            })
            .collect_view()
    };
    let error = problems.beside(ui, list_name);
    view! {
        <fieldset class="rows">
            <legend>{ui.t(Key::CeButtons)}</legend>
            {list}
            <button type="button" id=list_name class="secondary small" disabled=move || rows.with(|r| r.len() >= MAX_BUTTONS) on:click=move |_| {
                let row = draft.row();
                rows.update(|all| all.push(row));
                crate::ui::focus_later(named(&format!("{list_name}[{}].label", rows.with_untracked(Vec::len) - 1)));
            }>{ui.t(Key::CeButtonAdd)}</button>
            <p class="field-error">{error}</p>
        </fieldset>
    }
}

#[component]
fn Audience(
    ui: Ui,
    problems: Problems,
    channel: String,
    draft: Draft,
    fields: Signal<Vec<FieldOut>>,
    segments: Vec<SegmentOut>,
    mistake: RwSignal<Option<Mistake>>,
) -> impl IntoView {
    let mode = draft.audience;
    let have_segments = !segments.is_empty();
    if have_segments && draft.segment.get_untracked().is_empty() {
        draft.segment.set(segments[0].id.clone());
    }
    // The filter the count follows: everyone, the builder's filter, or the segment's.
    let counted = RwSignal::new(None::<FilterDoc>);
    {
        let segments = segments.clone();
        Effect::new(move |_| {
            let doc = match mode.get().as_str() {
                "filter" => draft.filter.get(),
                "segment" => draft.segment.with(|id| segments.iter().find(|s| s.id == *id).map(|s| s.filter.clone())),
                _ => None,
            };
            if counted.get_untracked() != doc {
                counted.set(doc);
            }
        });
    }
    let segment_options: Vec<(String, String)> = segments.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
    let error = problems.beside(ui, "audience");
    let segment_error = problems.beside(ui, "audience.segment");
    view! {
        <fieldset class="panel" id="audience" tabindex="-1">
            <legend>{ui.t(Key::CeSectionAudience)}</legend>
            <div class="choice" role="radiogroup" aria-label=ui.t(Key::CeSectionAudience)>
                <Radio ui name="audience-mode" value="all" label=Key::CeAudienceAll checked=Signal::derive(move || mode.get() == "all") pick=Callback::new(move |()| mode.set("all".into())) />
                <Radio ui name="audience-mode" value="filter" label=Key::CeAudienceFilter checked=Signal::derive(move || mode.get() == "filter") pick=Callback::new(move |()| mode.set("filter".into())) />
                {have_segments.then(|| view! {
                    <Radio ui name="audience-mode" value="segment" label=Key::CeAudienceSegment checked=Signal::derive(move || mode.get() == "segment") pick=Callback::new(move |()| mode.set("segment".into())) />
                })}
            </div>
            <p class="field-error">{error}</p>
            <MatchCount ui channel=channel.clone() filter=counted />
            <div hidden=move || mode.get() != "filter">
                <FilterBuilder ui channel=channel.clone() fields filter=draft.filter no_save=true mistake />
            </div>
            <div class="field" hidden=move || mode.get() != "segment">
                <label for="audience.segment">{ui.t(Key::CeSegment)}</label>
                <select id="audience.segment" on:change=move |ev| draft.segment.set(event_target_value(&ev)) aria-invalid=move || segment_error().is_some().then_some("true")>
                    {segment_options.into_iter().map(|(id, name)| {
                        let selected = { let id = id.clone(); move || draft.segment.with(|s| *s == id) };
                        view! { <option value=id selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                <p class="field-error">{segment_error}</p>
            </div>
        </fieldset>
    }
}

/// Property conditions of `list` (an API list name such as `trigger.conditions`).
#[component]
fn Conditions(ui: Ui, problems: Problems, draft: Draft, rows: RwSignal<Vec<Row>>, list: &'static str) -> impl IntoView {
    let view_rows = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let n = (i + 1).to_string();
                let op_id = format!("{list}[{i}].op");
                view! {
                    <div class="row-box three" role="group" aria-label=fill(ui.s(Key::CeConditionN), "n", &n)>
                        <TextInput ui problems name=named(&format!("{list}[{i}].property")) label=Key::CeProperty value=row.a />
                        <Pick ui id=op_id label=Key::CeOp value=row.b options=property_ops() />
                        <div hidden=move || row.b.get() == "exists">
                            <TextInput ui problems name=named(&format!("{list}[{i}].value")) label=Key::CeValue value=row.c />
                        </div>
                        {remove_button(ui, rows, row.key, fill(ui.s(Key::CeConditionRemove), "n", &n), list)}
                    </div>
                }
            })
            .collect_view()
    };
    let error = problems.beside(ui, list);
    view! {
        <fieldset class="rows">
            <legend>{ui.t(Key::CeConditions)}</legend>
            {view_rows}
            <button type="button" id=list class="secondary small" disabled=move || rows.with(|r| r.len() >= MAX_ROWS) on:click=move |_| {
                let row = draft.row();
                row.b.set(op_name(PropertyOp::Equals));
                rows.update(|all| all.push(row));
                crate::ui::focus_later(named(&format!("{list}[{}].property", rows.with_untracked(Vec::len) - 1)));
            }>{ui.t(Key::CeConditionAdd)}</button>
            <p class="field-error">{error}</p>
        </fieldset>
    }
}

#[component]
fn Trigger(ui: Ui, problems: Problems, draft: Draft) -> impl IntoView {
    let rules = draft.url_rules;
    let rule_rows = move || {
        let mut seen = (0usize, 0usize);
        rules
            .get()
            .into_iter()
            .map(|row| {
                let include = row.c.get_untracked() != "exclude";
                let i = if include { seen.0 } else { seen.1 };
                if include {
                    seen.0 += 1;
                } else {
                    seen.1 += 1;
                }
                let list = if include { "include" } else { "exclude" };
                let value_id = named(&format!("trigger.url.{list}[{i}].value"));
                let op_id = format!("trigger.url.{list}[{i}].op");
                let which_id = format!("trigger.url.{list}[{i}].list");
                view! {
                    <div class="row-box three" role="group" aria-label=ui.t(Key::CeUrlRule)>
                        <Pick ui id=which_id label=Key::CeUrlWhich value=row.c options=vec![("include".to_owned(), Key::CeUrlInclude), ("exclude".to_owned(), Key::CeUrlExclude)] />
                        <Pick ui id=op_id label=Key::CeOp value=row.a options=url_ops() />
                        <TextInput ui problems name=value_id label=Key::CeUrlValue value=row.b hint=Key::CeUrlValueHint />
                        {remove_button(ui, rules, row.key, ui.s(Key::CeUrlRemove).to_owned(), "trigger.url")}
                    </div>
                }
            })
            .collect_view()
    };
    let url_error = problems.beside(ui, "trigger.url");
    let page_view = move || draft.event.with(|e| e.trim() == PAGE_VIEW);
    view! {
        <fieldset class="panel">
            <legend>{ui.t(Key::CeSectionTrigger)}</legend>
            <TextInput ui problems name="trigger.event" label=Key::CeEvent value=draft.event required=true hint=Key::CeEventHint />
            <fieldset class="rows" hidden=move || !page_view() && rules.with(Vec::is_empty)>
                <legend>{ui.t(Key::CeUrlRules)}</legend>
                <p class="hint">{ui.t(Key::CeUrlRulesHint)}</p>
                {rule_rows}
                <button type="button" id="trigger.url" class="secondary small" disabled=move || rules.with(|r| r.len() >= MAX_ROWS) on:click=move |_| {
                    let row = draft.row();
                    row.c.set("include".into());
                    row.a.set(op_name(UrlOp::Contains));
                    rules.update(|all| all.push(row));
                    let i = rules.with_untracked(|all| all.iter().filter(|r| r.c.get_untracked() == "include").count()) - 1;
                    crate::ui::focus_later(named(&format!("trigger.url.include[{i}].value")));
                }>{ui.t(Key::CeUrlAdd)}</button>
                <p class="field-error">{url_error}</p>
            </fieldset>
            <Conditions ui problems draft rows=draft.conditions list="trigger.conditions" />
            <Check ui id="wait-on" label=Key::CeWaitOn on=draft.wait_on />
            <div class="three" id="wait" tabindex="-1" hidden=move || !draft.wait_on.get()>
                <TextInput ui problems name="wait.days" label=Key::CeDays value=draft.wait_days kind="number" />
                <TextInput ui problems name="wait.hours" label=Key::CeHours value=draft.wait_hours kind="number" />
                <TextInput ui problems name="wait.minutes" label=Key::CeMinutes value=draft.wait_minutes kind="number" />
                <p class="field-error">{problems.beside(ui, "wait")}</p>
            </div>
            <Check ui id="follow-on" label=Key::CeFollowOn on=draft.follow_on hint=Key::CeFollowHint />
            <div class="two" hidden=move || !draft.follow_on.get()>
                <TextInput ui problems name="followUp.trigger.event" label=Key::CeFollowEvent value=draft.follow_event />
                <TextInput ui problems name="followUp.withinDays" label=Key::CeWithinDays value=draft.follow_days kind="number" />
            </div>
        </fieldset>
    }
}

#[component]
fn Operation(
    ui: Ui,
    problems: Problems,
    draft: Draft,
    automated: bool,
    owner: bool,
    hours: Vec<String>,
) -> impl IntoView {
    let windows = draft.windows;
    let window_rows = move || {
        windows
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, w)| {
                let days_id = named(&format!("schedule.windows[{i}].days"));
                let days = WEEK
                    .iter()
                    .map(|(day, key)| {
                        let day = *day;
                        let id = format!("window-{}-{}", w.key, op_name(day));
                        let for_id = id.clone();
                        view! {
                            <label class="day" for=for_id>
                                <input type="checkbox" id=id prop:checked=move || w.days.with(|d| d.contains(&day)) on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    w.days.update(|d| { d.retain(|x| *x != day); if on { d.push(day); } });
                                } />
                                <span>{ui.t(*key)}</span>
                            </label>
                        }
                    })
                    .collect_view();
                let n = (i + 1).to_string();
                view! {
                    <div class="row-box window" role="group" aria-label=fill(ui.s(Key::CeWindowN), "n", &n)>
                        <fieldset class="days" id=days_id tabindex="-1">
                            <legend class="visually-hidden">{ui.t(Key::CeWeekdays)}</legend>
                            {days}
                            <p class="field-error">{problems.beside(ui, days_id)}</p>
                        </fieldset>
                        <TextInput ui problems name=named(&format!("schedule.windows[{i}].from")) label=Key::CeFrom value=w.from kind="time" />
                        <TextInput ui problems name=named(&format!("schedule.windows[{i}].to")) label=Key::CeTo value=w.to kind="time" />
                        <button type="button" class="secondary small" aria-label=fill(ui.s(Key::CeWindowRemove), "n", &n) on:click=move |_| {
                            windows.update(|all| all.retain(|x| x.key != w.key));
                            crate::ui::focus_later("schedule.windows");
                        }>{ui.t(Key::CeRemove)}</button>
                    </div>
                }
            })
            .collect_view()
    };
    let add_window = move |_| {
        let key = draft.next.get_value();
        draft.next.set_value(key + 1);
        windows.update(|all| {
            all.push(Window {
                key,
                days: RwSignal::new(vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
                from: RwSignal::new("09:00".into()),
                to: RwSignal::new("18:00".into()),
            })
        });
    };
    let have_hours = !hours.is_empty();
    if have_hours && draft.hours_set.get_untracked().is_empty() {
        draft.hours_set.set(hours[0].clone());
    }
    let hours_options: Vec<(String, String)> = hours.iter().map(|h| (h.clone(), h.clone())).collect();
    // A member may not turn off "respect opt-out"; an owner's "off" stays as it was.
    let locked = Signal::derive(move || !owner && draft.respect.get());
    let schedule = draft.schedule;
    view! {
        <fieldset class="panel">
            <legend>{ui.t(Key::CeSectionOperation)}</legend>
            <div class="two">
                <TextInput ui problems name="startsAt" label=if automated { Key::CeStarts } else { Key::CeSendAt } value=draft.starts kind="datetime-local" hint=if automated { Key::CeStartsHint } else { Key::CeSendAtHint } />
                {automated.then(|| view! { <TextInput ui problems name="endsAt" label=Key::CeEnds value=draft.ends kind="datetime-local" hint=Key::CeEndsHint /> })}
            </div>
            {automated.then(|| view! {
                <Check ui id="repeat-on" label=Key::CeRepeatOn on=draft.repeat_on hint=Key::CeRepeatHint />
                <div hidden=move || !draft.repeat_on.get()>
                    <TextInput ui problems name="repeat.everyHours" label=Key::CeRepeatHours value=draft.repeat_hours kind="number" />
                </div>
                <fieldset class="choice" id="schedule" tabindex="-1">
                    <legend>{ui.t(Key::CeSchedule)}</legend>
                    <Radio ui name="schedule" value="always" label=Key::CeScheduleAlways checked=Signal::derive(move || schedule.get() == "always") pick=Callback::new(move |()| schedule.set("always".into())) />
                    <Radio ui name="schedule" value="windows" label=Key::CeScheduleWindows checked=Signal::derive(move || schedule.get() == "windows") pick=Callback::new(move |()| {
                        schedule.set("windows".into());
                        if windows.with_untracked(Vec::is_empty) { add_window(()); }
                    }) />
                    {have_hours.then(|| view! {
                        <Radio ui name="schedule" value="hours" label=Key::CeScheduleHours checked=Signal::derive(move || schedule.get() == "hours") pick=Callback::new(move |()| schedule.set("hours".into())) />
                    })}
                    <p class="field-error">{problems.beside(ui, "schedule")}</p>
                </fieldset>
                <div class="rows" hidden=move || schedule.get() != "windows">
                    <WeekGrid ui draft />
                    {window_rows}
                    <button type="button" id="schedule.windows" class="secondary small" on:click=move |_| add_window(())>{ui.t(Key::CeWindowAdd)}</button>
                    <p class="field-error">{problems.beside(ui, "schedule.windows")}</p>
                </div>
                <div class="field" hidden=move || schedule.get() != "hours">
                    <label for="schedule.businessHours">{ui.t(Key::CeHoursSet)}</label>
                    <select id="schedule.businessHours" on:change=move |ev| draft.hours_set.set(event_target_value(&ev))>
                        {hours_options.clone().into_iter().map(|(v, name)| {
                            let selected = { let v = v.clone(); move || draft.hours_set.with(|h| *h == v) };
                            view! { <option value=v selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error">{problems.beside(ui, "schedule.businessHours")}</p>
                </div>
                <Check ui id="deleteUnviewed" label=Key::CeDeleteUnviewed on=draft.delete_unviewed hint=Key::CeDeleteUnviewedHint />
                <Check ui id="onDemand" label=Key::CeOnDemand on=draft.on_demand hint=Key::CeOnDemandHint />
            })}
            <fieldset class="choice">
                <legend>{ui.t(Key::CeOffline)}</legend>
                <p class="hint">{ui.t(Key::CeOfflineHint)}</p>
                <Check ui id="offline.email" label=Key::CeOfflineEmail on=draft.email />
                <Check ui id="offline.sms" label=Key::CeOfflineSms on=draft.sms />
                <Check ui id="offline.respectOptOut" label=Key::CeRespect on=draft.respect disabled=locked hint=if owner { Key::CeRespectHint } else { Key::CeRespectLocked } />
                <p class="field-error">{problems.beside(ui, "offline.respectOptOut")}</p>
            </fieldset>
        </fieldset>
    }
}

#[component]
fn Goal(ui: Ui, problems: Problems, draft: Draft) -> impl IntoView {
    let goal = draft.goal;
    view! {
        <fieldset class="panel">
            <legend>{ui.t(Key::CeSectionGoal)}</legend>
            <div class="choice" role="radiogroup" aria-label=ui.t(Key::CeSectionGoal)>
                <Radio ui name="goal" value="clicked" label=Key::CeGoalClicked checked=Signal::derive(move || goal.get() == "clicked") pick=Callback::new(move |()| goal.set("clicked".into())) />
                <Radio ui name="goal" value="viewed" label=Key::CeGoalViewed checked=Signal::derive(move || goal.get() == "viewed") pick=Callback::new(move |()| goal.set("viewed".into())) />
                <Radio ui name="goal" value="event" label=Key::CeGoalEvent checked=Signal::derive(move || goal.get() == "event") pick=Callback::new(move |()| goal.set("event".into())) />
            </div>
            <div hidden=move || goal.get() != "event">
                <TextInput ui problems name="goal.name" label=Key::CeGoalName value=draft.goal_event hint=Key::CeGoalNameHint />
                <Conditions ui problems draft rows=draft.goal_conditions list="goal.conditions" />
            </div>
        </fieldset>
    }
}

/// The weekly windows drawn on a grid of the week's hours, Monday first, as the channel's
/// clock reads them: an hour is filled when the windows cover all of it and shaded when
/// they cover part. Clicking an hour adds it (or, when filled, removes it) and rewrites
/// the windows below to cover exactly that (minutes elsewhere are kept). The rows below
/// are the keyboard's way to the same settings, so the grid is hidden from assistive
/// technology and takes no focus.
#[component]
fn WeekGrid(ui: Ui, draft: Draft) -> impl IntoView {
    let windows = draft.windows;
    // New rows' signals belong to this component, not to the grid's render (a click runs
    // under the owner of the cell it hit, which the next render disposes).
    let owner = Owner::current();
    // The windows as a schedule; `None` while one is not valid yet (being typed).
    let schedule = move |tracked: bool| {
        let docs: Vec<WindowDoc> = if tracked {
            windows
                .get()
                .iter()
                .map(|w| {
                    w.days.track();
                    w.from.track();
                    w.to.track();
                    w.doc()
                })
                .collect()
        } else {
            windows.get_untracked().iter().map(Window::doc).collect()
        };
        schedule_from_docs(&docs, "schedule.windows").ok()
    };
    let toggle = Callback::new(move |(day, hour): (usize, u16)| {
        let Some(now) = schedule(false) else { return };
        let mut week = Week::of(&now);
        let (from, to) = (hour * 60, hour * 60 + 60);
        let full = week.covered(day, from, to) == 60;
        week.set(day, from, to, !full);
        let docs = schedule_to_docs(&week.schedule());
        let make = move || {
            docs.into_iter()
                .map(|w| {
                    let key = draft.next.get_value();
                    draft.next.set_value(key + 1);
                    Window { key, days: RwSignal::new(w.days), from: RwSignal::new(w.from), to: RwSignal::new(w.to) }
                })
                .collect::<Vec<_>>()
        };
        let rows = match &owner {
            Some(owner) => owner.with(make),
            None => make(),
        };
        windows.set(rows);
    });
    let hours = (0..24u16)
        .map(|h| view! { <span class="wg-hour">{(h % 3 == 0).then(|| format!("{h:02}"))}</span> })
        .collect_view();
    let grid = move || {
        let week = schedule(true).map(|s| Week::of(&s));
        WEEK.iter()
            .enumerate()
            .map(|(day, (_, key))| {
                let cells = (0..24u16)
                    .map(|hour| {
                        let covered = week.as_ref().map_or(0, |w| w.covered(day, hour * 60, hour * 60 + 60));
                        let class = match covered {
                            60 => "wg-cell on",
                            0 => "wg-cell",
                            _ => "wg-cell part",
                        };
                        view! { <span class=class data-day=day data-hour=hour on:click=move |_| toggle.run((day, hour))></span> }
                    })
                    .collect_view();
                view! { <span class="wg-day">{ui.t(*key)}</span>{cells} }
            })
            .collect_view()
    };
    view! {
        <div class="week-grid-box">
            <div class="week-grid" aria-hidden="true">
                <span></span>{hours}
                {grid}
            </div>
            <p class="hint">{ui.t(Key::CeGridHint)}</p>
        </div>
    }
}
