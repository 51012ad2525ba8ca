//! Golden fixtures of what crosses a deployment boundary in the edge: the queue's jobs
//! (messages survive a deploy), the calls to the visitor's object (an old worker may
//! call a new object during a rollout) and the object's replies.
//!
//! Invariant: each file under `edge/tests/golden/` deserializes into today's type and
//! re-serializes (`serde_json::to_string_pretty` plus a final newline) to exactly its own
//! bytes. The files were captured from the code before the issue-9 refactor and are never
//! regenerated. Note what they pin: `VisitorCall`'s fields and `RequestFacts` are
//! snake_case on the wire (`visitor_id`, `user_agent`; `rename_all` on the enum renames
//! only the variants), while the shared types inside them are camelCase.
//!
//! Every reply of the object round-trips through its type (`BootReply`, `MessagesReply`,
//! `EventsReply`, the record, and the protocol's small replies, which were `json!`
//! bodies when the files were captured), and the error replies are compared with what
//! `ApiError::reply` builds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::error::ApiError;
use crate::services::jobs::Job;
use crate::visitor::{BroadcastReply, Deleted, Forgotten, Ticked, Updated, VisitorCall};
use kizuna_shared::invalid::FieldError;
use kizuna_shared::store::VisitorRecordV1;
use kizuna_shared::wire::public::{BootReply, ErrorReply, EventsReply, MessagesReply};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn read(name: &str) -> String {
    let path = dir().join(format!("{name}.json"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("serializes") + "\n"
}

/// Reads `name.json` as `T`, writes it back and compares byte for byte.
fn round_trip<T: Serialize + DeserializeOwned>(name: &str) {
    let text = read(name);
    let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}.json no longer reads: {e}"));
    assert_eq!(pretty(&value), text, "{name}.json re-serializes differently");
}

const CALLS: &[&str] = &[
    "call-boot",
    "call-events",
    "call-events-minimal",
    "call-sign-in",
    "call-sign-in-absorb",
    "call-update-profile",
    "call-update-profile-clear",
    "call-read-record",
    "call-erase",
    "call-forget",
    "call-messages",
    "call-show",
    "call-tick",
    "call-broadcast",
];

const JOBS: &[&str] = &["job-bulk", "job-broadcast", "job-send-email", "job-send-sms"];

/// Replies built with `json!` in `visitor::serve`, without a type today.
/// The small replies that were `json!` bodies before the protocol was typed.
const SMALL_REPLIES: &[&str] = &[
    "reply-tick",
    "reply-broadcast-sent",
    "reply-broadcast-not-sent",
    "reply-update-profile",
    "reply-erase",
    "reply-forget",
];

const TYPED_REPLIES: &[&str] = &["reply-boot", "reply-sign-in", "reply-messages", "reply-events", "reply-read-record"];

const ERROR_REPLIES: &[&str] =
    &["reply-error-conflict", "reply-error-not-found", "reply-error-invalid", "reply-error-internal"];

#[test]
fn every_fixture_on_disk_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".json").to_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> =
        [CALLS, JOBS, SMALL_REPLIES, TYPED_REPLIES, ERROR_REPLIES].concat().iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_visitor_call_round_trips() {
    for name in CALLS {
        round_trip::<VisitorCall>(name);
    }
}

/// One fixture per variant: a new variant needs its own fixture.
#[test]
fn the_call_fixtures_cover_every_variant() {
    let mut seen: Vec<String> = CALLS
        .iter()
        .map(|name| {
            serde_json::from_str::<serde_json::Value>(&read(name)).unwrap()["call"].as_str().unwrap().to_owned()
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            "boot",
            "broadcast",
            "erase",
            "events",
            "forget",
            "messages",
            "readRecord",
            "show",
            "signIn",
            "tick",
            "updateProfile"
        ]
    );
}

#[test]
fn every_queue_job_round_trips() {
    for name in JOBS {
        round_trip::<Job>(name);
    }
}

#[test]
fn the_typed_object_replies_round_trip() {
    round_trip::<BootReply>("reply-boot");
    round_trip::<BootReply>("reply-sign-in");
    round_trip::<MessagesReply>("reply-messages");
    round_trip::<EventsReply>("reply-events");
    round_trip::<VisitorRecordV1>("reply-read-record");
    for name in ERROR_REPLIES {
        round_trip::<ErrorReply>(name);
    }
}

#[test]
fn the_small_object_replies_round_trip_through_their_protocol_types() {
    round_trip::<Ticked>("reply-tick");
    round_trip::<BroadcastReply>("reply-broadcast-sent");
    round_trip::<BroadcastReply>("reply-broadcast-not-sent");
    round_trip::<Updated>("reply-update-profile");
    round_trip::<Deleted>("reply-erase");
    round_trip::<Forgotten>("reply-forget");
}

/// The error bodies the object and the worker answer, as `ApiError::reply` builds them.
#[test]
fn error_replies_are_what_api_error_builds() {
    let conflict = ApiError::conflict(FieldError::new(
        "profile.birthday",
        "is write-once and already has a value; it keeps its first value",
    ));
    assert_eq!(pretty(&conflict.reply()), read("reply-error-conflict"));
    assert_eq!(pretty(&ApiError::NotFound("channel").reply()), read("reply-error-not-found"));
    assert_eq!(pretty(&ApiError::invalid("campaignId", "no such live campaign").reply()), read("reply-error-invalid"));
    assert_eq!(pretty(&ApiError::Internal("d1: failed".into()).reply()), read("reply-error-internal"));
}
