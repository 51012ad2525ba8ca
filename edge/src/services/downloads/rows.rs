//! A customer as a row of a file: one cell per chosen column, times in the channel's
//! zone, lists joined, a custom date as a time. The same row serves workbooks and CSV.

use super::files::{text_cell, time_cell};
use crate::store::customers::Customer;
use kizuna_files::Cell;
use kizuna_shared::download::ExportColumn;
use kizuna_shared::field::{FieldType, FieldValue};
use kizuna_shared::schedule::Zone;

/// The customer's cells for `columns`, in order.
pub fn customer_row(customer: &Customer, columns: &[ExportColumn], zone: &Zone) -> Vec<Cell> {
    columns.iter().map(|column| cell(customer, column, zone)).collect()
}

fn int(value: Option<i64>) -> Cell {
    value.map_or(Cell::Empty, Cell::Int)
}

fn cell(c: &Customer, column: &ExportColumn, zone: &Zone) -> Cell {
    let time = |at: Option<i64>| time_cell(at, zone);
    match column.key.as_str() {
        "id" => Cell::Text(c.id.as_str().to_owned()),
        "memberId" => text_cell(c.member_id.as_deref()),
        "member" => Cell::Bool(c.member),
        "name" => text_cell(c.name.as_deref()),
        "tags" => Cell::Text(c.tags.join(", ")),
        "city" => text_cell(c.city.as_deref()),
        "country" => text_cell(c.country.as_deref()),
        "language" => text_cell(c.language.as_deref()),
        "createdAt" => time(Some(c.created_at)),
        "lastSeenAt" => time(c.last_seen_at),
        "updatedAt" => time(Some(c.updated_at)),
        "sessionsCount" => Cell::Int(c.sessions_count),
        "web.browser" => text_cell(c.web.browser.as_deref()),
        "web.browserName" => text_cell(c.web.browser_name.as_deref()),
        "web.os" => text_cell(c.web.os.as_deref()),
        "web.osName" => text_cell(c.web.os_name.as_deref()),
        "web.device" => text_cell(c.web.device.as_deref()),
        "web.lastSeenAt" => time(c.web.last_seen_at),
        "web.sessionsCount" => int(c.web.sessions_count),
        "hasPushToken" => Cell::Bool(c.has_push_token),
        "unsubscribeEmail" => Cell::Bool(c.unsubscribe_email),
        "unsubscribeTexting" => Cell::Bool(c.unsubscribe_texting),
        "emailStatus" => Cell::Text(c.email_status.as_str().to_owned()),
        "profile.name" => text_cell(c.profile.name.as_deref()),
        "profile.email" => text_cell(c.profile.email.as_deref()),
        "profile.mobileNumber" => text_cell(c.profile.mobile_number.as_deref()),
        "profile.description" => text_cell(c.profile.description.as_deref()),
        "profile.lastCheckoutCompletedAt" => time(c.profile.last_checkout_completed_at),
        "profile.referrer" => text_cell(c.profile.referrer.as_deref()),
        "profile.utmSource" => text_cell(c.profile.utm[0].as_deref()),
        "profile.utmMedium" => text_cell(c.profile.utm[1].as_deref()),
        "profile.utmCampaign" => text_cell(c.profile.utm[2].as_deref()),
        "profile.utmContent" => text_cell(c.profile.utm[3].as_deref()),
        "profile.utmTerm" => text_cell(c.profile.utm[4].as_deref()),
        key => match key.strip_prefix("profile.").and_then(|name| c.profile.custom.get(name)) {
            Some(value) => custom(value, column.ty, zone),
            None => Cell::Empty,
        },
    }
}

fn number(n: f64) -> Cell {
    // A whole number within f64's exact range reads as an integer in the file.
    if n.fract() == 0.0 && n.abs() < 9.0e15 { Cell::Int(n as i64) } else { Cell::Float(n) }
}

fn custom(value: &FieldValue, ty: FieldType, zone: &Zone) -> Cell {
    match (value, ty) {
        (FieldValue::Number(ms), FieldType::Date) => time_cell(Some(*ms as i64), zone),
        (FieldValue::Number(n), _) => number(*n),
        (FieldValue::Bool(b), _) => Cell::Bool(*b),
        (FieldValue::Text(t), _) => Cell::Text(t.clone()),
        (FieldValue::Texts(list), _) => Cell::Text(list.join(", ")),
        (FieldValue::Numbers(list), _) => Cell::Text(list.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")),
    }
}
