//! Downloads (issue 13): a campaign's results workbook, customer exports (jobs, their
//! list, cancel, files), one customer's data, and the audit log. Each download runs
//! `services::downloads::guard` first: only a signed-in owner gets a file; anyone else's
//! attempt is logged as denied and answered 403.

use crate::auth::Caller;
use crate::env::new_id;
use crate::error::ApiError;
use crate::kv;
use crate::reply;
use crate::request;
use crate::services::audience::{channel_schema, search_doc};
use crate::services::bulk_jobs::target_sql;
use crate::services::downloads::exports::{channel_columns, export_file_name, file_bytes};
use crate::services::downloads::files::{Random, file_error, file_name, local};
use crate::services::downloads::{Subject, checked, guard, log, results};
use crate::services::jobs::{Job, enqueue};
use crate::services::seal;
use crate::store;
use crate::store::Db;
use crate::store::downloads::{AuditQuery, AuditRow, ExportFileRow, ExportRow, NewExport};
use kizuna_shared::bulk::BulkTarget;
use kizuna_shared::download::{AuditAction, ExportColumn, FileKind, KEEP_FILES, choose_columns};
use kizuna_shared::ids::{ChannelId, VisitorId};
use kizuna_shared::time::Millis;
use kizuna_shared::wire::downloads::{
    ActorOut, AuditEntryOut, AuditPageOut, AuditSearch, DownloadIn, ExportColumnsOut, ExportFileOut, ExportIn,
    ExportJobOut, ExportJobsOut, ExportScope, ExportState,
};
use serde_json::{Value, json};
use worker::{Env, Headers, Request, Response};

/// The reason a body gives, read leniently: a refused attempt is logged with it before
/// the body is checked.
fn stated_reason(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("reason").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default()
}

/// A file as the answer: no caching, a download name.
fn file_response(bytes: Vec<u8>, kind: FileKind, name: &str) -> Result<Response, ApiError> {
    let headers = Headers::new();
    headers.set("content-type", kind.content_type())?;
    headers.set("content-disposition", &format!("attachment; filename=\"{name}\""))?;
    headers.set("cache-control", "no-store")?;
    headers.set("x-content-type-options", "nosniff")?;
    reply::cors_headers(&headers);
    Ok(Response::builder().with_status(200).with_headers(headers).fixed(bytes))
}

/// `POST /admin/v1/campaigns/{id}/download`: the results workbook, with the password.
pub async fn campaign_results(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let (campaign, channel) = (caller.campaign()?, caller.channel()?);
    let body = request::read_body(&mut req).await?;
    let db = Db::open(env)?;
    let subject = Subject {
        campaign_id: Some(campaign.as_str().to_owned()),
        file_kind: Some(FileKind::Xlsx),
        ..Subject::default()
    };
    let allowed = guard(&db, &req, caller, AuditAction::CampaignResults, &stated_reason(&body), &subject, now).await?;
    let input: DownloadIn = request::parse_json(&body)?;
    let reason = checked(&input)?;
    let row = store::campaigns::campaign_row(&db, campaign.as_str()).await?.ok_or(ApiError::NotFound("campaign"))?;
    let channel_doc = kv::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let columns = channel_columns(&db, channel).await?;
    let built = results::workbook(&db, &channel_doc, campaign, &row, &columns, &input.password, now).await?;
    let subject = Subject {
        rows: Some(built.deliveries),
        columns: Some(columns.iter().map(|c| c.key.clone()).collect()),
        ..subject
    };
    log(&db, &allowed, AuditAction::CampaignResults, true, &reason, &subject, now).await?;
    let day = kizuna_shared::time::Day::of(now, channel_doc.zone.offset_minutes_at(now)).iso();
    file_response(
        built.file,
        FileKind::Xlsx,
        &file_name(&format!("{}-results-{day}", campaign.as_str()), FileKind::Xlsx),
    )
}

/// `GET /admin/v1/channels/{channel}/exports/columns`
pub async fn columns(env: &Env, caller: &Caller) -> Result<Response, ApiError> {
    let columns = channel_columns(&Db::open(env)?, caller.channel()?).await?;
    Ok(reply::json(200, &ExportColumnsOut { columns }))
}

/// What an export takes, checked: its scope, its target (none for everyone) and the
/// search as the audit log keeps it.
async fn export_target(
    env: &Env,
    channel: &ChannelId,
    input: &ExportIn,
) -> Result<(ExportScope, Option<BulkTarget>, Option<AuditSearch>), ApiError> {
    if let Some(ids) = &input.ids {
        if input.is_search() {
            return Err(ApiError::invalid("ids", "give ids or a search (q, filter, segment), not both"));
        }
        if ids.is_empty() || ids.len() > kizuna_shared::bulk::MAX_IDS {
            return Err(ApiError::invalid("ids", format!("1 to {} customer ids", kizuna_shared::bulk::MAX_IDS)));
        }
        if let Some(i) = ids.iter().position(|id| VisitorId::parse(id).is_err()) {
            return Err(ApiError::invalid(format!("ids[{i}]"), "not a customer id"));
        }
        let mut ids = ids.clone();
        ids.sort();
        ids.dedup();
        let search = AuditSearch { ids: Some(ids.len() as u64), ..AuditSearch::default() };
        return Ok((ExportScope::Selection, Some(BulkTarget::Ids(ids)), Some(search)));
    }
    if !input.is_search() {
        return Ok((ExportScope::All, None, None));
    }
    let (schema, _) = channel_schema(env, channel).await?;
    let doc =
        search_doc(env, channel, &schema, input.q.as_deref(), input.filter.as_ref(), input.segment.as_deref()).await?;
    let search =
        AuditSearch { q: input.q.clone(), filter: input.filter.clone(), segment: input.segment.clone(), ids: None };
    Ok((ExportScope::Search, Some(BulkTarget::Filter(doc)), Some(search)))
}

fn scope_str(scope: ExportScope) -> &'static str {
    match scope {
        ExportScope::All => "all",
        ExportScope::Search => "search",
        ExportScope::Selection => "selection",
    }
}

/// `POST /admin/v1/channels/{channel}/exports`: 202 with the queued job.
pub async fn create_export(mut req: Request, env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let channel = caller.channel()?;
    let body = request::read_body(&mut req).await?;
    let db = Db::open(env)?;
    let subject = Subject::default();
    let allowed = guard(&db, &req, caller, AuditAction::CustomerExport, &stated_reason(&body), &subject, now).await?;
    let input: ExportIn = request::parse_json(&body)?;
    let reason = checked(&DownloadIn { reason: input.reason.clone(), password: input.password.clone() })?;
    let format = input.format()?;
    let all = channel_columns(&db, channel).await?;
    let columns: Vec<ExportColumn> = choose_columns(&all, input.columns.as_deref())?;
    let (scope, target, search) = export_target(env, channel, &input).await?;
    let sql = match &target {
        None => store::customers::every_customer(),
        Some(target) => target_sql(env, channel, target, now).await?,
    };
    let total = store::customers::count_customers(&db, channel, &sql).await?;
    let account =
        allowed.actor.account_id.clone().ok_or_else(|| ApiError::Internal("an owner acts as an account".into()))?;
    let id = new_id("exp_")?;
    let keys: Vec<String> = columns.iter().map(|c| c.key.clone()).collect();
    let target_json =
        target.as_ref().map(serde_json::to_string).transpose().map_err(|e| ApiError::Internal(e.to_string()))?;
    let columns_json = serde_json::to_string(&keys).map_err(|e| ApiError::Internal(e.to_string()))?;
    let sealed = seal::seal(env, &id, &input.password)?;
    store::downloads::insert_export(
        &db,
        &NewExport {
            id: &id,
            channel,
            requested_by: &account,
            requester_name: &allowed.actor.name,
            requester_email: allowed.actor.email.as_deref().unwrap_or(""),
            reason: &reason,
            format: format.as_str(),
            scope: scope_str(scope),
            target: target_json.as_deref(),
            columns: &columns_json,
            sealed_password: &sealed,
            total,
            now,
        },
    )
    .await?;
    let subject = Subject {
        export_id: Some(id.clone()),
        search,
        columns: Some(keys),
        rows: Some(u64::try_from(total).unwrap_or(0)),
        file_kind: Some(format),
        ..Subject::default()
    };
    log(&db, &allowed, AuditAction::CustomerExport, true, &reason, &subject, now).await?;
    enqueue(env, &Job::Export { id: id.clone() }).await?;
    let job = store::downloads::export(&db, &id, Some(channel)).await?.ok_or(ApiError::NotFound("export"))?;
    Ok(reply::json(202, &job_out(&job, &[], now)?))
}

fn state_of(text: &str) -> Result<ExportState, ApiError> {
    ExportState::parse(text).ok_or_else(|| ApiError::Internal(format!("export state {text:?}")))
}

/// A stored job as the API shows it.
fn job_out(job: &ExportRow, files: &[ExportFileRow], now: Millis) -> Result<ExportJobOut, ApiError> {
    let state = state_of(&job.state)?;
    let expires_at = job.finished_at.map(|at| at + KEEP_FILES);
    let expired = expires_at.is_some_and(|at| now >= at);
    let format = FileKind::parse(&job.format).ok_or_else(|| ApiError::Internal("export format".into()))?;
    let scope = match job.scope.as_str() {
        "search" => ExportScope::Search,
        "selection" => ExportScope::Selection,
        _ => ExportScope::All,
    };
    let files = if state == ExportState::Done && !expired {
        files
            .iter()
            .filter(|f| f.export_id == job.id)
            .map(|f| ExportFileOut {
                n: u32::try_from(f.n).unwrap_or(0),
                rows: u32::try_from(f.rows).unwrap_or(0),
                bytes: u64::try_from(f.bytes).unwrap_or(0),
                name: export_file_name(job, f.n, 0),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ExportJobOut {
        id: job.id.clone(),
        state,
        format,
        scope,
        columns: serde_json::from_str(&job.columns).map_err(|e| ApiError::Internal(e.to_string()))?,
        total: u64::try_from(job.total).unwrap_or(0),
        processed: u64::try_from(job.processed).unwrap_or(0),
        files,
        requested_by: ActorOut {
            account_id: Some(job.requested_by.clone()),
            name: job.requester_name.clone(),
            email: Some(job.requester_email.clone()).filter(|e| !e.is_empty()),
        },
        reason: job.reason.clone(),
        created_at: job.created_at,
        updated_at: job.updated_at,
        finished_at: job.finished_at,
        expires_at,
        error: job.error.clone(),
    })
}

/// `GET /admin/v1/channels/{channel}/exports`: the newest 100 jobs.
pub async fn list_exports(env: &Env, now: Millis, caller: &Caller) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let jobs = store::downloads::exports(&db, caller.channel()?, 100).await?;
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    let files = store::downloads::export_files(&db, &ids).await?;
    let items = jobs.iter().map(|job| job_out(job, &files, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(reply::json(200, &ExportJobsOut { items }))
}

async fn one_job(db: &Db, caller: &Caller, id: &str) -> Result<ExportRow, ApiError> {
    store::downloads::export(db, id, Some(caller.channel()?)).await?.ok_or(ApiError::NotFound("export"))
}

/// `GET /admin/v1/channels/{channel}/exports/{id}`
pub async fn export_status(env: &Env, now: Millis, caller: &Caller, id: &str) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let job = one_job(&db, caller, id).await?;
    let files = store::downloads::export_files(&db, &[id]).await?;
    Ok(reply::json(200, &job_out(&job, &files, now)?))
}

/// `POST /admin/v1/channels/{channel}/exports/{id}/cancel`: ends an open job (its
/// password is erased with it); 409 naming `state` when it has ended.
pub async fn cancel_export(env: &Env, now: Millis, caller: &Caller, id: &str) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    one_job(&db, caller, id).await?;
    if !store::downloads::end_export(&db, id, "cancelled", None, now).await? {
        return Err(ApiError::Conflict { field: "state".into(), problem: "the job has ended already".into() });
    }
    crate::services::downloads::exports::delete_files(env, &db, id).await?;
    export_status(env, now, caller, id).await
}

/// `GET /admin/v1/channels/{channel}/exports/{id}/files/{n}`: only for the owner who
/// asked, signed in; 404 for anyone else, and for everyone 24 hours after the job ended.
pub async fn export_file(
    req: Request,
    env: &Env,
    now: Millis,
    caller: &Caller,
    id: &str,
    n: &str,
) -> Result<Response, ApiError> {
    let db = Db::open(env)?;
    let n: i64 = n
        .parse()
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or_else(|| ApiError::invalid("n", "a file number from 1"))?;
    let subject = Subject { export_id: Some(id.to_owned()), ..Subject::default() };
    let allowed = guard(&db, &req, caller, AuditAction::ExportFile, "", &subject, now).await?;
    let job = one_job(&db, caller, id).await?;
    if allowed.actor.account_id.as_deref() != Some(job.requested_by.as_str()) {
        return Err(ApiError::NotFound("export"));
    }
    let expired = job.finished_at.is_none_or(|at| now >= at + KEEP_FILES);
    let file = store::downloads::export_file(&db, id, n).await?;
    let (Some(file), false, "done") = (file, expired, job.state.as_str()) else {
        return Err(ApiError::NotFound("file"));
    };
    let Some(bytes) = file_bytes(env, id, n).await? else { return Err(ApiError::NotFound("file")) };
    let kind = FileKind::parse(&job.format).unwrap_or(FileKind::Xlsx);
    let subject = Subject {
        rows: Some(u64::try_from(file.rows).unwrap_or(0)),
        columns: serde_json::from_str(&job.columns).ok(),
        file_kind: Some(kind),
        ..subject
    };
    log(&db, &allowed, AuditAction::ExportFile, true, &job.reason, &subject, now).await?;
    file_response(bytes, kind, &export_file_name(&job, n, 0))
}

/// `POST /admin/v1/channels/{channel}/customers/{id}/download`: everything Kizuna holds
/// about one customer today, as JSON in an AES-256 ZIP (a data-access request).
pub async fn customer_data(
    mut req: Request,
    env: &Env,
    now: Millis,
    caller: &Caller,
    id: &str,
) -> Result<Response, ApiError> {
    let channel = caller.channel()?;
    let body = request::read_body(&mut req).await?;
    let db = Db::open(env)?;
    let subject = Subject { customer_id: Some(id.to_owned()), file_kind: Some(FileKind::Json), ..Subject::default() };
    let allowed = guard(&db, &req, caller, AuditAction::CustomerData, &stated_reason(&body), &subject, now).await?;
    let input: DownloadIn = request::parse_json(&body)?;
    let reason = checked(&input)?;
    let customer = store::customers::customer(&db, channel, id).await?.ok_or(ApiError::NotFound("customer"))?;
    let mut messages = Vec::new();
    let mut after = None;
    loop {
        let page = store::deliveries::received(&db, channel, id, after.as_ref(), 500, now).await?;
        let full = page.len() == 500;
        after = page.last().map(|d| store::deliveries::SentAfter { sent_at: d.sent_at, id: d.id.clone() });
        messages.extend(page.into_iter().map(|d| {
            json!({
                "deliveryId": d.id, "campaignId": d.campaign_id, "campaignName": d.campaign_name,
                "display": d.display, "state": d.state, "sentAt": d.sent_at,
                "viewAt": d.view_at, "clickAt": d.click_at, "goalAt": d.goal_at,
            })
        }));
        if !full || messages.len() >= 100_000 {
            break;
        }
    }
    let outbound: Vec<Value> = store::downloads::customer_outbound(&db, channel, id, 100_000)
        .await?
        .into_iter()
        .map(|o| {
            json!({
                "deliveryId": o.delivery_id, "medium": o.medium, "campaignId": o.campaign_id, "state": o.state,
                "address": o.address, "reason": o.reason, "createdAt": o.created_at, "updatedAt": o.updated_at,
            })
        })
        .collect();
    let profile = super::customers::customer_out(customer);
    let doc = json!({
        "channel": channel.as_str(),
        "exportedAt": now,
        "customer": profile,
        "sessions": {
            "count": profile.sessions_count,
            "firstSeenAt": profile.created_at,
            "lastSeenAt": profile.last_seen_at,
            "lastSessionStartedAt": profile.last_session_started_at,
        },
        "messages": messages,
        "emailsAndSms": outbound,
    });
    let text = serde_json::to_vec_pretty(&doc).map_err(|e| ApiError::Internal(e.to_string()))?;
    let channel_doc = kv::channel(env, channel, now).await?.ok_or(ApiError::NotFound("channel"))?;
    let created = local(now, channel_doc.zone.offset_minutes_at(now));
    let entry = format!("customer-{id}.json");
    let mut random = Random::default();
    let zip = kizuna_files::aes_zip(&[(entry.as_str(), text.as_slice())], &input.password, created, &mut random)
        .map_err(file_error)?;
    let zip = random.check(zip)?;
    let subject = Subject { rows: Some(1), ..subject };
    log(&db, &allowed, AuditAction::CustomerData, true, &reason, &subject, now).await?;
    file_response(zip, FileKind::Json, &file_name(&format!("customer-{id}"), FileKind::Json))
}

/// `GET /admin/v1/channels/{channel}/audit?actor=&from=&to=&next=&limit=`: newest first.
pub async fn audit(req: Request, env: &Env, caller: &Caller) -> Result<Response, ApiError> {
    let url = req.url()?;
    let mut query = AuditQuery { limit: 50, ..AuditQuery::default() };
    for (key, value) in url.query_pairs() {
        let number =
            |field: &str| value.parse::<i64>().map_err(|_| ApiError::invalid(field, "a time in ms since 1970"));
        match key.as_ref() {
            "actor" if value.len() <= 100 => query.actor = Some(value.to_string()),
            "actor" => return Err(ApiError::invalid("actor", "an account id")),
            "from" => query.from = Some(number("from")?),
            "to" => query.to = Some(number("to")?),
            "limit" => {
                query.limit = value
                    .parse()
                    .ok()
                    .filter(|l| (1..=100).contains(l))
                    .ok_or_else(|| ApiError::invalid("limit", "1 to 100"))?;
            }
            "next" => {
                let (at, id) = value
                    .split_once('.')
                    .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
                    .filter(|(_, id): &(i64, String)| id.len() <= 64)
                    .ok_or_else(|| ApiError::invalid("next", "a cursor this list gave"))?;
                query.before = Some((at, id));
            }
            other => return Err(ApiError::invalid(other.to_owned(), "not a parameter of this list")),
        }
    }
    if let (Some(from), Some(to)) = (query.from, query.to)
        && from > to
    {
        return Err(ApiError::invalid("to", "the period ends before it starts"));
    }
    let rows = store::downloads::audit_page(&Db::open(env)?, caller.channel()?, &query).await?;
    let next =
        (rows.len() == query.limit as usize).then(|| rows.last().map(|r| format!("{}.{}", r.at, r.id))).flatten();
    let items = rows.into_iter().map(entry_out).collect::<Result<Vec<_>, _>>()?;
    Ok(reply::json(200, &AuditPageOut { items, next }))
}

fn entry_out(row: AuditRow) -> Result<AuditEntryOut, ApiError> {
    Ok(AuditEntryOut {
        action: AuditAction::parse(&row.action).ok_or_else(|| ApiError::Internal("audit action".into()))?,
        allowed: row.allowed == 1,
        actor: ActorOut { account_id: row.actor_account_id, name: row.actor_name, email: row.actor_email },
        search: row.search.and_then(|t| serde_json::from_str(&t).ok()),
        columns: row.columns.and_then(|c| serde_json::from_str(&c).ok()),
        rows: row.rows.and_then(|r| u64::try_from(r).ok()),
        file_kind: row.file_kind.as_deref().and_then(FileKind::parse),
        id: row.id,
        at: row.at,
        campaign_id: row.campaign_id,
        customer_id: row.customer_id,
        export_id: row.export_id,
        reason: row.reason,
        ip: row.ip,
    })
}
