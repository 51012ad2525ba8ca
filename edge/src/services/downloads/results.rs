//! A campaign's results workbook (seed 000): for a one-time broadcast the sheets
//! `OneTimeMsg data`, `OneTimeMsgUser data` and `User data`; for an automated campaign
//! `Campaign data`, `CampaignStat data` (one row per day of the campaign, in the channel's
//! zone), `CampaignUser data` and `User data`. Counts are deliveries; a `…User data` row
//! is one delivery, with its state and the times it was sent, viewed, reached its goal and
//! was clicked. The workbook holds all the campaign's data, whatever period the screen shows.

use super::files::{Random, file_error, local, time_cell};
use super::rows::customer_row;
use crate::error::ApiError;
use crate::store;
use crate::store::Db;
use crate::store::campaigns::CampaignRow;
use crate::store::downloads::{CampaignTimes, DeliveryCursor};
use kizuna_files::{Cell, WorkbookWriter};
use kizuna_shared::campaign::KindDoc;
use kizuna_shared::channel::Channel;
use kizuna_shared::counting::Counts;
use kizuna_shared::download::ExportColumn;
use kizuna_shared::ids::{CampaignId, ChannelId};
use kizuna_shared::time::{Day, Millis};

/// Rows read from D1 at a time.
const PAGE: u32 = 1_000;
/// The longest `CampaignStat data` sheet: ten years of days.
const MAX_DAYS: i64 = 3_660;

/// A results workbook and how many deliveries it lists.
pub struct Results {
    pub file: Vec<u8>,
    pub deliveries: u64,
}

fn counts(c: Counts) -> [Cell; 4] {
    let n = |v: u64| Cell::Int(i64::try_from(v).unwrap_or(i64::MAX));
    [n(c.sent), n(c.view), n(c.goal), n(c.click)]
}

/// The campaign's actual end: stopped, or its `endsAt` once passed.
pub fn actual_end(times: CampaignTimes, ends_at: Option<Millis>, now: Millis) -> Option<Millis> {
    times.ended_at.or(ends_at.filter(|&end| end <= now))
}

/// Builds the workbook for `campaign`, encrypted with `password`.
#[allow(clippy::too_many_arguments)]
pub async fn workbook(
    db: &Db,
    channel: &Channel,
    campaign: &CampaignId,
    row: &CampaignRow,
    columns: &[ExportColumn],
    password: &str,
    now: Millis,
) -> Result<Results, ApiError> {
    let doc = row.doc()?;
    let zone = &channel.zone;
    let times = store::downloads::campaign_times(db, campaign.as_str()).await?;
    let end = actual_end(times, doc.ends_at, now);
    let state = doc.state.effective(doc.starts_at, doc.ends_at, now);
    let created = local(now, zone.offset_minutes_at(now));
    let mut book = WorkbookWriter::new(created);
    let broadcast = doc.kind == KindDoc::Broadcast;

    // Totals and days: the daily counters over the campaign's whole life.
    let first = Day::of(row.created_at.min(times.started_at.unwrap_or(row.created_at)), zone.offset_minutes_at(now));
    let last = Day::of(now, zone.offset_minutes_at(now));
    let days = store::deliveries::daily_stats(db, campaign, first, last).await?;
    let mut total = Counts::default();
    for (_, c) in &days {
        total.add(*c);
    }

    let (summary, users, id_column) = if broadcast {
        ("OneTimeMsg data", "OneTimeMsgUser data", "oneTimeMsgId")
    } else {
        ("Campaign data", "CampaignUser data", "campaignId")
    };
    let time = |at: Option<Millis>| time_cell(at, zone);
    if broadcast {
        book.sheet(summary, &header(&["id", "name", "state", "sent", "view", "goal", "click", "createdAt", "startAt"]))
            .map_err(file_error)?;
        let mut cells =
            vec![Cell::Text(doc.id.clone()), Cell::Text(doc.name.clone()), Cell::Text(state.as_str().into())];
        cells.extend(counts(total));
        cells.extend([time(Some(row.created_at)), time(times.started_at)]);
        book.row(&cells).map_err(file_error)?;
    } else {
        book.sheet(
            summary,
            &header(&[
                "id",
                "name",
                "state",
                "sent",
                "view",
                "goal",
                "click",
                "startAt",
                "endAt",
                "createdAt",
                "updatedAt",
            ]),
        )
        .map_err(file_error)?;
        let mut cells =
            vec![Cell::Text(doc.id.clone()), Cell::Text(doc.name.clone()), Cell::Text(state.as_str().into())];
        cells.extend(counts(total));
        cells.extend([time(times.started_at), time(end), time(Some(row.created_at)), time(Some(row.updated_at))]);
        book.row(&cells).map_err(file_error)?;

        // One row per day of the campaign: from its start to its end (or today).
        book.sheet("CampaignStat data", &header(&["campaignId", "date", "sent", "view", "goal", "click"]))
            .map_err(file_error)?;
        if let Some(start) = times.started_at {
            let from = Day::of(start, zone.offset_minutes_at(start));
            let until = end.unwrap_or(now);
            let to = Day::of(until, zone.offset_minutes_at(until)).0.min(from.0 + MAX_DAYS);
            for day in from.0..=to {
                let day = Day(day);
                let c = days.iter().find(|(d, _)| *d == day).map_or(Counts::default(), |(_, c)| *c);
                let mut cells = vec![Cell::Text(doc.id.clone()), Cell::Text(day.iso())];
                cells.extend(counts(c));
                book.row(&cells).map_err(file_error)?;
            }
        }
    }

    // One row per delivery, in the order they were sent.
    book.sheet(users, &header(&[id_column, "userId", "state", "sent", "view", "goal", "click"])).map_err(file_error)?;
    let channel_id: &ChannelId = &channel.id;
    let mut cursor: Option<DeliveryCursor> = None;
    let mut deliveries = 0u64;
    loop {
        let page =
            store::downloads::campaign_deliveries(db, channel_id, campaign.as_str(), cursor.as_ref(), PAGE).await?;
        for d in &page {
            let sent = (d.state == "sent").then_some(d.sent_at);
            book.row(&[
                Cell::Text(doc.id.clone()),
                Cell::Text(d.visitor_id.clone()),
                Cell::Text(d.state.clone()),
                time(sent),
                time(d.view_at),
                time(d.goal_at),
                time(d.click_at),
            ])
            .map_err(file_error)?;
        }
        deliveries += page.len() as u64;
        match page.last() {
            Some(last) if page.len() == PAGE as usize => {
                cursor = Some((last.sent_at, last.visitor_id.clone(), last.id.clone()));
            }
            _ => break,
        }
    }

    // The profiles of the customers it reached (those not erased since).
    book.sheet("User data", &columns.iter().map(|c| c.title.clone()).collect::<Vec<_>>()).map_err(file_error)?;
    let reached = store::customers::reached_filter(campaign.as_str());
    let mut after = String::new();
    loop {
        let page = store::customers::customers_after(db, channel_id, &reached, &after, PAGE).await?;
        for customer in &page {
            book.row(&customer_row(customer, columns, zone)).map_err(file_error)?;
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = last.id.as_str().to_owned(),
            _ => break,
        }
    }

    let mut random = Random::default();
    let file = book.finish_encrypted(password, &mut random).map_err(file_error)?;
    Ok(Results { file: random.check(file)?, deliveries })
}

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}
