//! A channel's published campaigns, ready for the engine.
//!
//! Invariant: campaigns are kept in priority order, and an event consults only the
//! campaigns whose trigger or goal names it, so unrelated campaigns cost nothing.

use crate::campaign::{Campaign, Goal};
use crate::ids::CampaignId;
use std::collections::HashMap;

/// A channel's published campaigns in priority order, indexed by the event names their
/// triggers and goals listen to (follow-ups are found through the visitor's progress).
#[derive(Debug, Clone, Default)]
pub struct CampaignSet {
    campaigns: Vec<Campaign>,
    by_id: HashMap<CampaignId, usize>,
    by_trigger: HashMap<String, Vec<usize>>,
    by_goal: HashMap<String, Vec<usize>>,
}

impl CampaignSet {
    pub fn new(mut campaigns: Vec<Campaign>) -> CampaignSet {
        campaigns.sort_by_key(|c| c.priority);
        let mut set = CampaignSet { campaigns, ..CampaignSet::default() };
        for (i, c) in set.campaigns.iter().enumerate() {
            set.by_id.insert(c.id.clone(), i);
            if let Some(trigger) = c.trigger() {
                set.by_trigger.entry(trigger.event.clone()).or_default().push(i);
            }
            if let Goal::Event(goal) = &c.goal {
                set.by_goal.entry(goal.event.clone()).or_default().push(i);
            }
        }
        set
    }

    pub fn get(&self, id: &CampaignId) -> Option<&Campaign> {
        self.by_id.get(id).map(|&i| &self.campaigns[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &Campaign> {
        self.campaigns.iter()
    }

    pub fn len(&self) -> usize {
        self.campaigns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.campaigns.is_empty()
    }

    /// The campaign with `id` and its rank: 0 for the first in priority order.
    pub(super) fn ranked(&self, id: &CampaignId) -> Option<(usize, &Campaign)> {
        self.by_id.get(id).map(|&i| (i, &self.campaigns[i]))
    }

    /// The campaigns whose trigger listens to events named `name`, in priority order.
    pub(super) fn triggered_by<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Campaign> + 'a {
        self.by_trigger.get(name).into_iter().flatten().map(|&i| &self.campaigns[i])
    }

    /// The campaigns whose goal is an event named `name`, in priority order.
    pub(super) fn with_goal<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Campaign> + 'a {
        self.by_goal.get(name).into_iter().flatten().map(|&i| &self.campaigns[i])
    }
}

#[cfg(test)]
mod tests;
