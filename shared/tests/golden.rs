//! Golden fixtures of the shapes that outlive one deployment: the visitor object's
//! record, the KV documents (channel, campaign, the published campaign list) and the
//! bulk-job target and change stored in D1.
//!
//! Invariant: each file under `tests/golden/` deserializes into today's type and
//! re-serializes (`serde_json::to_string_pretty` plus a final newline) to exactly its own
//! bytes, and reading it twice gives equal values. The files were captured from the code
//! before the issue-9 refactor and are never regenerated: a failure here means a stored
//! shape changed, which needs a new version of the shape, not a new fixture.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use kizuna_shared::bulk::{BulkChange, BulkTarget};
use kizuna_shared::store::{CampaignDocV1, ChannelDocV1, VisitorRecordV1};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Reads `name.json` as `T`, writes it back and compares byte for byte.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str) {
    let path = dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}.json no longer reads: {e}"));
    let again = serde_json::to_string_pretty(&value).expect("serializes") + "\n";
    assert_eq!(again, text, "{name}.json re-serializes differently");
    let twice: T = serde_json::from_str(&again).expect("reads again");
    assert_eq!(twice, value, "{name}.json reads to another value the second time");
}

/// Every fixture this file checks; a fixture on disk that no test reads is an error.
const FIXTURES: &[&str] = &[
    "visitor-record-full",
    "visitor-record-empty",
    "campaign-automated-full",
    "campaign-automated-segment",
    "campaign-broadcast",
    "campaign-draft-minimal",
    "published-campaigns",
    "channel-full",
    "channel-minimal",
    "bulk-target-ids",
    "bulk-target-filter",
    "bulk-change-full",
    "bulk-change-tags-only",
];

#[test]
fn every_fixture_on_disk_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".json").to_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn visitor_records_round_trip() {
    round_trip::<VisitorRecordV1>("visitor-record-full");
    round_trip::<VisitorRecordV1>("visitor-record-empty");
}

#[test]
fn campaign_documents_round_trip() {
    round_trip::<CampaignDocV1>("campaign-automated-full");
    round_trip::<CampaignDocV1>("campaign-automated-segment");
    round_trip::<CampaignDocV1>("campaign-broadcast");
    round_trip::<CampaignDocV1>("campaign-draft-minimal");
}

/// The KV value at `v2/campaigns/{channel}` has no type of its own: a list of documents.
#[test]
fn the_published_campaign_list_round_trips() {
    round_trip::<Vec<CampaignDocV1>>("published-campaigns");
}

#[test]
fn channel_documents_round_trip() {
    round_trip::<ChannelDocV1>("channel-full");
    round_trip::<ChannelDocV1>("channel-minimal");
}

#[test]
fn bulk_job_targets_and_changes_round_trip() {
    round_trip::<BulkTarget>("bulk-target-ids");
    round_trip::<BulkTarget>("bulk-target-filter");
    round_trip::<BulkChange>("bulk-change-full");
    round_trip::<BulkChange>("bulk-change-tags-only");
}

/// The fixtures are valid today, not just readable: the documents become domain values.
#[test]
fn the_document_fixtures_are_valid_domain_values() {
    use kizuna_shared::campaign::Campaign;
    use kizuna_shared::channel::Channel;
    for name in
        ["campaign-automated-full", "campaign-automated-segment", "campaign-broadcast", "campaign-draft-minimal"]
    {
        let doc: CampaignDocV1 =
            serde_json::from_str(&std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap()).unwrap();
        Campaign::try_from(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    for name in ["channel-full", "channel-minimal"] {
        let doc: ChannelDocV1 =
            serde_json::from_str(&std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap()).unwrap();
        Channel::try_from(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}
