//! The admin API (bearer tokens of accounts; the route table declares each route's role).

pub mod accounts;
pub mod bulk;
pub mod campaigns;
pub mod channel;
pub mod channels;
pub mod customers;
pub mod downloads;
pub mod fields;
pub mod invitations;
pub mod paging;
pub mod segments;
pub mod stats;
pub mod variants;
