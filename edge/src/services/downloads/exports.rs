//! Customer exports as jobs: the request checks and counts, seals the password and
//! queues the job; each queue message writes one file of at most 30,000 customers (a
//! workbook, or a CSV in an AES-256 ZIP), puts it in R2 under `exports/{id}/{n}` and
//! queues the next; the last one ends the job, erases the sealed password and emails the
//! owner who asked. The cron restarts a job whose chain broke and deletes files 24 hours
//! after their job ended.
//!
//! Invariant: a file is recorded with a compare-and-set of the job's cursor
//! (`store::downloads::add_file`), so a repeated message rewrites the same object and
//! records nothing twice; a cancelled or ended job writes nothing more.

use super::files::{Random, file_error, file_name, local};
use super::rows::customer_row;
use crate::error::ApiError;
use crate::kv;
use crate::services::account_mail;
use crate::services::bulk_jobs::target_sql;
use crate::services::jobs::{Job, enqueue};
use crate::services::seal;
use crate::store;
use crate::store::Db;
use crate::store::downloads::ExportRow;
use kizuna_files::{Cell, CsvZipWriter, WorkbookWriter};
use kizuna_shared::bulk::BulkTarget;
use kizuna_shared::download::{ExportColumn, FileKind, KEEP_FILES, ROWS_PER_FILE, customer_columns};
use kizuna_shared::field::profile_settings;
use kizuna_shared::ids::ChannelId;
use kizuna_shared::time::{MINUTE, Millis};
use worker::Env;

/// Customers read from D1 at a time.
const PAGE: u32 = 1_000;

/// The R2 key of file `n` of job `id`.
pub fn object_key(id: &str, n: i64) -> String {
    format!("exports/{id}/{n}")
}

fn bucket(env: &Env) -> Result<worker::Bucket, ApiError> {
    Ok(env.bucket("FILES")?)
}

/// The columns a channel's files can hold now (fields as the channel orders them).
pub async fn channel_columns(db: &Db, channel: &ChannelId) -> Result<Vec<ExportColumn>, ApiError> {
    Ok(customer_columns(&profile_settings(&store::channels::field_settings(db, channel).await?)))
}

/// The job's stored target as SQL (every customer without one).
async fn job_sql(
    env: &Env,
    channel: &ChannelId,
    job: &ExportRow,
) -> Result<kizuna_shared::filter::sql::SqlFilter, ApiError> {
    match &job.target {
        None => Ok(store::customers::every_customer()),
        Some(target) => {
            let target: BulkTarget =
                serde_json::from_str(target).map_err(|e| ApiError::Internal(format!("export target: {e}")))?;
            target_sql(env, channel, &target, job.evaluated_at).await
        }
    }
}

/// One file of customers after `cursor`: its bytes, rows and the last id written.
pub struct Part {
    pub file: Vec<u8>,
    pub rows: u32,
    pub last: Option<String>,
}

/// Writes one file of up to [`ROWS_PER_FILE`] customers: the same function the
/// benchmark's workbook goes through (`kizuna_files`), fed page by page from D1.
#[allow(clippy::too_many_arguments)]
pub async fn write_part(
    db: &Db,
    channel: &kizuna_shared::channel::Channel,
    sql: &kizuna_shared::filter::sql::SqlFilter,
    columns: &[ExportColumn],
    format: FileKind,
    cursor: &str,
    password: &str,
    now: Millis,
) -> Result<Part, ApiError> {
    let zone = &channel.zone;
    let created = local(now, zone.offset_minutes_at(now));
    let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
    let mut random = Random::default();
    let mut book = (format == FileKind::Xlsx).then(|| WorkbookWriter::new(created));
    if let Some(book) = book.as_mut() {
        book.sheet("Customers", &titles).map_err(file_error)?;
    }
    let mut csv = match format {
        FileKind::Csv => {
            let mut zip = CsvZipWriter::new(password, created).map_err(file_error)?;
            zip.csv("customers.csv", &titles, &mut random).map_err(file_error)?;
            Some(zip)
        }
        _ => None,
    };
    let mut after = cursor.to_owned();
    let mut rows = 0u32;
    let mut last = None;
    while rows < ROWS_PER_FILE {
        let limit = PAGE.min(ROWS_PER_FILE - rows);
        let page = store::customers::customers_after(db, &channel.id, sql, &after, limit).await?;
        for customer in &page {
            let cells: Vec<Cell> = customer_row(customer, columns, zone);
            if let Some(book) = book.as_mut() {
                book.row(&cells).map_err(file_error)?;
            }
            if let Some(csv) = csv.as_mut() {
                csv.row(&cells).map_err(file_error)?;
            }
        }
        rows += page.len() as u32;
        let full = page.len() == limit as usize;
        if let Some(customer) = page.last() {
            after = customer.id.as_str().to_owned();
            last = Some(after.clone());
        }
        if !full {
            break;
        }
    }
    let file = match (book, csv) {
        (Some(book), _) => book.finish_encrypted(password, &mut random).map_err(file_error)?,
        (None, Some(csv)) => csv.finish().map_err(file_error)?,
        (None, None) => return Err(ApiError::Internal("an export is a workbook or a CSV".into())),
    };
    Ok(Part { file: random.check(file)?, rows, last })
}

/// One queue message: the job's next file, then the message for the one after, or the
/// job's end.
pub async fn run(env: &Env, id: &str, now: Millis) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    let Some(job) = store::downloads::export(&db, id, None).await? else { return Ok(()) };
    let open = job.state == "queued" || job.state == "running";
    if !open {
        return Ok(());
    }
    let fail = |problem: String| async move {
        store::downloads::end_export(&Db::open(env)?, id, "failed", Some(&problem), now).await?;
        Ok::<(), ApiError>(())
    };
    let Some(password) =
        job.sealed_password.as_deref().map(|sealed| seal::open(env, id, sealed)).transpose()?.flatten()
    else {
        return fail("the sealed password does not open (EXPORT_SECRET changed?): download again".into()).await;
    };
    let channel_id = ChannelId::parse(&job.channel_id).map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some(channel) = kv::channel(env, &channel_id, now).await? else {
        return fail("the channel is gone".into()).await;
    };
    let all = channel_columns(&db, &channel_id).await?;
    let keys: Vec<String> =
        serde_json::from_str(&job.columns).map_err(|e| ApiError::Internal(format!("export columns: {e}")))?;
    let columns: Vec<ExportColumn> = all.into_iter().filter(|c| keys.contains(&c.key)).collect();
    if columns.is_empty() {
        return fail("its columns were all removed from the channel's fields".into()).await;
    }
    let sql = match job_sql(env, &channel_id, &job).await {
        Ok(sql) => sql,
        Err(ApiError::Invalid { field, problem }) => return fail(format!("{field}: {problem}")).await,
        Err(other) => return Err(other),
    };
    let format = FileKind::parse(&job.format).ok_or_else(|| ApiError::Internal("export format".into()))?;
    store::downloads::touch_export(&db, id, now).await?;
    let part = write_part(&db, &channel, &sql, &columns, format, &job.cursor, &password, now).await?;
    let done = part.rows < ROWS_PER_FILE;
    let files = store::downloads::export_files(&db, &[id]).await?;
    let n = files.len() as i64 + 1;
    if part.rows > 0 || files.is_empty() {
        bucket(env)?.put(object_key(id, n), part.file.clone()).execute().await?;
        let to = part.last.clone().unwrap_or_else(|| job.cursor.clone());
        let moved = store::downloads::add_file(
            &db,
            id,
            n,
            i64::from(part.rows),
            part.file.len() as i64,
            (&job.cursor, &to),
            now,
        )
        .await?;
        if !moved {
            // Another run of this message got there first (or the job was cancelled).
            return Ok(());
        }
    }
    if done {
        if store::downloads::end_export(&db, id, "done", None, now).await? {
            tell_owner(env, &db, &job, &channel.name, now).await;
        }
    } else {
        enqueue(env, &Job::Export { id: id.to_owned() }).await?;
    }
    Ok(())
}

/// Emails the owner who asked that their files are ready (a failure is logged: the job
/// list shows the files all the same).
async fn tell_owner(env: &Env, db: &Db, job: &ExportRow, channel_name: &str, now: Millis) {
    let origin = crate::services::send::public_url(env);
    let Some(origin) = origin.or_else(|| crate::clock::dev_clock_enabled(env).then(|| "http://localhost:8787".into()))
    else {
        worker::console_log!("export {} done; no PUBLIC_URL to link from an email", job.id);
        return;
    };
    let link = format!("{}/console/#/channels/{}/exports", origin.trim_end_matches('/'), job.channel_id);
    let mail = kizuna_shared::account_mail::export_ready(&job.requester_email, channel_name, &link);
    if let Err(err) = account_mail::deliver(env, db, &mail, &format!("export-{}", job.id), now).await {
        worker::console_error!("telling the owner of export {} failed: {err:?}", job.id);
    }
}

/// The cron: restarts open jobs that have not moved for two minutes, and deletes the files
/// of jobs that ended more than 24 hours ago.
pub async fn cron(env: &Env, now: Millis) -> Result<(), ApiError> {
    let db = Db::open(env)?;
    for id in store::downloads::stalled_exports(&db, now - 2 * MINUTE).await? {
        worker::console_log!("restarting stalled export {id}");
        enqueue(env, &Job::Export { id }).await?;
    }
    for id in store::downloads::expired_exports(&db, now - KEEP_FILES).await? {
        delete_files(env, &db, &id).await?;
        store::downloads::files_deleted(&db, &id, now).await?;
    }
    Ok(())
}

/// Deletes a job's files from R2.
pub async fn delete_files(env: &Env, db: &Db, id: &str) -> Result<(), ApiError> {
    let bucket = bucket(env)?;
    for file in store::downloads::export_files(db, &[id]).await? {
        bucket.delete(object_key(id, file.n)).await?;
    }
    Ok(())
}

/// File `n` of a job, from R2; `None` once deleted.
pub async fn file_bytes(env: &Env, id: &str, n: i64) -> Result<Option<Vec<u8>>, ApiError> {
    let Some(object) = bucket(env)?.get(object_key(id, n)).execute().await? else { return Ok(None) };
    match object.body() {
        Some(body) => Ok(Some(body.bytes().await?)),
        None => Ok(None),
    }
}

/// The name file `n` of a job downloads as.
pub fn export_file_name(job: &ExportRow, n: i64, created_offset: i32) -> String {
    let day = kizuna_shared::time::Day::of(job.created_at, created_offset).iso();
    let kind = FileKind::parse(&job.format).unwrap_or(FileKind::Xlsx);
    file_name(&format!("customers-{day}-{}-{n}", job.id.trim_start_matches("exp_").get(..8).unwrap_or("")), kind)
}
