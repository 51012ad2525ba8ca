//! Work shared by handlers, the visitor object, the queue and the cron: counting,
//! audiences, broadcasts, bulk jobs, sending email and SMS. Services import storage and
//! the visitor protocol, never `api` or `object`.

pub mod account_mail;
pub mod audience;
pub mod broadcast;
pub mod bulk_jobs;
pub mod consumer;
pub mod counting;
pub mod cron;
pub mod downloads;
pub mod jobs;
pub mod seal;
pub mod send;
pub mod tag;
