//! What the campaign lists show: which campaigns of a kind match the search and the state
//! filter, in which order, each step's rate, and which actions a campaign's state allows.
//! Pure; the screen (`campaigns.rs`) draws it.
//!
//! Invariant: an action is offered exactly when the API's own rule
//! (`CampaignState::after`, deletion of drafts only) would accept it now, so a button
//! never promises what the server refuses (a refusal can still come when the campaign
//! changed meanwhile; the screen shows the API's message then).

use kizuna_shared::campaign::{CampaignState, Command, KindDoc};
use kizuna_shared::counting::Counts;
use kizuna_shared::time::Millis;
use kizuna_shared::wire::admin::CampaignListed;

/// One row of a list, read from the API's listed campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: KindDoc,
    /// The state now, as the API says.
    pub state: CampaignState,
    pub starts_at: Option<Millis>,
    pub ends_at: Option<Millis>,
    pub stats: Counts,
    pub created_at: i64,
}

impl From<&CampaignListed> for Row {
    fn from(listed: &CampaignListed) -> Row {
        let s = &listed.campaign.settings;
        Row {
            id: s.id.clone(),
            name: s.name.clone(),
            kind: s.kind,
            state: s.state,
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            stats: listed.stats,
            created_at: listed.campaign.created_at,
        }
    }
}

/// The columns a list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    State,
    Schedule,
    Sent,
    View,
    Click,
    Goal,
}

impl Column {
    pub const ALL: [Column; 7] =
        [Column::Name, Column::State, Column::Schedule, Column::Sent, Column::View, Column::Click, Column::Goal];

    /// Whether a first click sorts this column from the largest (numbers, times) down.
    pub fn starts_descending(self) -> bool {
        !matches!(self, Column::Name | Column::State)
    }
}

/// The order of states in a list: what needs attention first.
fn state_rank(state: CampaignState) -> u8 {
    match state {
        CampaignState::Running => 0,
        CampaignState::Scheduled => 1,
        CampaignState::Paused => 2,
        CampaignState::Draft => 3,
        CampaignState::Ended => 4,
    }
}

/// Every state, in list order (the state filter's options).
pub const STATES: [CampaignState; 5] = [
    CampaignState::Running,
    CampaignState::Scheduled,
    CampaignState::Paused,
    CampaignState::Draft,
    CampaignState::Ended,
];

/// What the person asked of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Part of the name, any case; blank: every name.
    pub search: String,
    /// `None`: every state.
    pub state: Option<CampaignState>,
    pub sort: Column,
    pub descending: bool,
}

impl Default for View {
    /// Newest first, as a marketer looks for what they made last.
    fn default() -> View {
        View { search: String::new(), state: None, sort: Column::Schedule, descending: true }
    }
}

/// The rows of `kind` that `view` asks for, in its order; ties by name, then id.
pub fn shown(rows: &[Row], kind: KindDoc, view: &View) -> Vec<Row> {
    let needle = view.search.trim().to_lowercase();
    let mut out: Vec<Row> = rows
        .iter()
        .filter(|r| r.kind == kind)
        .filter(|r| view.state.is_none_or(|s| r.state == s))
        .filter(|r| needle.is_empty() || r.name.to_lowercase().contains(&needle))
        .cloned()
        .collect();
    out.sort_by(|a, b| {
        let by = match view.sort {
            Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            Column::State => state_rank(a.state).cmp(&state_rank(b.state)),
            // A campaign without a start time sorts by when it was made.
            Column::Schedule => a.starts_at.unwrap_or(a.created_at).cmp(&b.starts_at.unwrap_or(b.created_at)),
            Column::Sent => a.stats.sent.cmp(&b.stats.sent),
            Column::View => a.stats.view.cmp(&b.stats.view),
            Column::Click => a.stats.click.cmp(&b.stats.click),
            Column::Goal => a.stats.goal.cmp(&b.stats.goal),
        };
        let by = if view.descending { by.reverse() } else { by };
        by.then_with(|| a.name.cmp(&b.name)).then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// A rate as a percentage with one decimal (`0.4567` → `45.7`).
pub fn percent(rate: f64) -> f64 {
    (rate * 1000.0).round() / 10.0
}

/// What a campaign's row offers now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offered {
    pub start: bool,
    pub pause: bool,
    pub stop: bool,
    pub delete: bool,
    pub edit: bool,
}

/// The actions `row`'s state allows at `now` (duplicate is always allowed). A scheduled
/// campaign is not offered Start: the API accepts it, but it stays scheduled.
pub fn offered(row: &Row, now: Millis) -> Offered {
    let allows = |command| row.state.after(command, row.starts_at, row.ends_at, now).is_ok();
    Offered {
        start: allows(Command::Start) && row.state != CampaignState::Scheduled,
        pause: allows(Command::Pause),
        stop: allows(Command::Stop),
        delete: row.state == CampaignState::Draft,
        edit: row.state != CampaignState::Ended,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CampaignState::*;

    const NOW: Millis = 1_795_000_000_000;

    fn row(id: &str, name: &str, state: CampaignState, sent: u64) -> Row {
        Row {
            id: id.into(),
            name: name.into(),
            kind: KindDoc::Broadcast,
            state,
            starts_at: None,
            ends_at: None,
            stats: Counts { sent, view: sent / 2, click: sent / 4, goal: 0 },
            created_at: 0,
        }
    }

    fn names(rows: &[Row]) -> Vec<String> {
        rows.iter().map(|r| r.name.clone()).collect()
    }

    #[test]
    fn a_list_shows_only_its_kind() {
        let mut automated = row("a", "Auto", Running, 0);
        automated.kind = KindDoc::Automated;
        let rows = [row("b", "Blast", Draft, 0), automated];
        assert_eq!(names(&shown(&rows, KindDoc::Broadcast, &View::default())), ["Blast"]);
        assert_eq!(names(&shown(&rows, KindDoc::Automated, &View::default())), ["Auto"]);
    }

    #[test]
    fn search_finds_part_of_a_name_in_any_case_and_japanese() {
        let rows =
            [row("1", "Spring SALE", Draft, 0), row("2", "新茶のお知らせ", Draft, 0), row("3", "Winter", Draft, 0)];
        let view = |search: &str| View { search: search.into(), ..View::default() };
        assert_eq!(names(&shown(&rows, KindDoc::Broadcast, &view(" sale "))), ["Spring SALE"]);
        assert_eq!(names(&shown(&rows, KindDoc::Broadcast, &view("新茶"))), ["新茶のお知らせ"]);
        assert_eq!(shown(&rows, KindDoc::Broadcast, &view("")).len(), 3);
    }

    #[test]
    fn the_state_filter_keeps_one_state() {
        let rows = [row("1", "A", Draft, 0), row("2", "B", Running, 0), row("3", "C", Ended, 0)];
        let view = View { state: Some(Running), ..View::default() };
        assert_eq!(names(&shown(&rows, KindDoc::Broadcast, &view)), ["B"]);
    }

    #[test]
    fn every_column_sorts_both_ways_with_ties_by_name() {
        let rows = [row("1", "b", Ended, 8), row("2", "a", Running, 8), row("3", "C", Draft, 2)];
        let by =
            |sort, descending| names(&shown(&rows, KindDoc::Broadcast, &View { sort, descending, ..View::default() }));
        assert_eq!(by(Column::Sent, true), ["a", "b", "C"], "ties keep name order");
        assert_eq!(by(Column::Sent, false), ["C", "a", "b"]);
        assert_eq!(by(Column::Name, false), ["a", "b", "C"], "names sort without case");
        assert_eq!(by(Column::State, false), ["a", "C", "b"], "running, draft, ended");
        for column in Column::ALL {
            assert_eq!(by(column, true).len(), 3);
        }
    }

    #[test]
    fn the_schedule_sorts_by_start_time_or_else_by_creation() {
        let mut later = row("1", "later", Scheduled, 0);
        later.starts_at = Some(NOW + 10);
        let mut made = row("2", "made", Draft, 0);
        made.created_at = NOW;
        let rows = [made, later];
        let view = View { sort: Column::Schedule, descending: false, ..View::default() };
        assert_eq!(names(&shown(&rows, KindDoc::Broadcast, &view)), ["made", "later"]);
    }

    #[test]
    fn a_rate_reads_as_a_percentage_with_one_decimal() {
        assert_eq!(percent(2.0 / 3.0), 66.7);
    }

    #[test]
    fn a_draft_offers_start_and_delete_but_not_pause_or_stop() {
        let o = offered(&row("1", "A", Draft, 0), NOW);
        assert_eq!(o, Offered { start: true, pause: false, stop: false, delete: true, edit: true });
    }

    #[test]
    fn a_running_campaign_offers_pause_and_stop() {
        let o = offered(&row("1", "A", Running, 0), NOW);
        assert_eq!(o, Offered { start: false, pause: true, stop: true, delete: false, edit: true });
    }

    #[test]
    fn a_paused_campaign_offers_start_again_and_stop() {
        let o = offered(&row("1", "A", Paused, 0), NOW);
        assert_eq!(o, Offered { start: true, pause: false, stop: true, delete: false, edit: true });
    }

    #[test]
    fn a_scheduled_campaign_offers_pause_and_stop_but_not_start_again() {
        let mut later = row("1", "A", Scheduled, 0);
        later.starts_at = Some(NOW + 1);
        assert_eq!(offered(&later, NOW), Offered { start: false, pause: true, stop: true, delete: false, edit: true });
    }

    #[test]
    fn an_ended_campaign_offers_nothing_but_a_copy() {
        assert_eq!(offered(&row("1", "A", Ended, 0), NOW), Offered::default());
    }

    #[test]
    fn a_draft_past_its_end_time_is_not_offered_start() {
        let mut late = row("1", "A", Draft, 0);
        late.ends_at = Some(NOW - 1);
        assert!(!offered(&late, NOW).start);
    }
}
