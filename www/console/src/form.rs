//! Forms: the problems a form has (each shown beside the input of the field the API or
//! the console's own check named, or above the form), and the labelled inputs that show
//! them. An input's `id` is its API field name, so a problem finds its input.

use crate::i18n::Key;
use crate::problem::{Failure, Problem};
use crate::ui::Ui;
use leptos::prelude::*;

/// The problems of one form.
#[derive(Clone, Copy)]
pub struct Problems {
    all: RwSignal<Vec<Problem>>,
    /// The API field names this form has inputs for; a problem naming another field is
    /// shown above the form.
    fields: &'static [&'static str],
}

impl Problems {
    pub fn new(fields: &'static [&'static str]) -> Problems {
        Problems { all: RwSignal::new(Vec::new()), fields }
    }

    /// Shows `found` and moves focus to the first named input.
    pub fn set(self, found: Vec<Problem>) {
        let first = found.iter().find_map(|p| p.field.clone().filter(|f| self.has(f)));
        self.all.set(found);
        if let Some(field) = first {
            // After the view updates, so the input is `aria-invalid` when focused.
            crate::ui::focus_later(field);
        }
    }

    pub fn failed(self, failure: Failure) {
        self.set(vec![Problem::from(failure)]);
    }

    /// Before sending: shows what the console's own check `found` and answers `false`,
    /// or clears the form's problems, marks it `busy` and answers `true`.
    pub fn ready(self, found: Vec<Problem>, busy: RwSignal<bool>) -> bool {
        if !found.is_empty() {
            self.set(found);
            return false;
        }
        self.clear();
        busy.set(true);
        true
    }

    pub fn clear(self) {
        self.all.set(Vec::new());
    }

    fn has(self, field: &str) -> bool {
        self.fields.contains(&field)
    }

    /// The message beside `field`, reactive.
    pub fn beside(self, ui: Ui, field: &'static str) -> impl Fn() -> Option<String> + Copy + 'static {
        move || {
            self.all
                .with(|all| all.iter().find(|p| p.field.as_deref() == Some(field)).map(|p| p.message(ui.lang.get())))
        }
    }

    /// The message above the form: a problem naming no input of this form.
    pub fn above(self, ui: Ui) -> impl Fn() -> Option<String> + Copy + 'static {
        move || {
            self.all.with(|all| {
                all.iter().find(|p| p.field.as_deref().is_none_or(|f| !self.has(f))).map(|p| p.message(ui.lang.get()))
            })
        }
    }
}

/// The alert above a form; always in the page so screen readers hear what appears.
#[component]
pub fn FormAlert(ui: Ui, problems: Problems) -> impl IntoView {
    let above = problems.above(ui);
    view! { <div class="alert" role="alert">{above}</div> }
}

/// An input's `aria-describedby`: its hint (when it has one) and its error line (while
/// it shows a problem), by id; `None` when neither is there.
pub fn described_by(
    has_hint: bool,
    hint_id: String,
    error_id: String,
    error: impl Fn() -> Option<String> + 'static,
) -> impl Fn() -> Option<String> + 'static {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled input for API field `name`, with its problem beside it.
#[component]
pub fn TextInput(
    ui: Ui,
    problems: Problems,
    /// The API's field name, also the input's `id`.
    name: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<Key>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error = problems.beside(ui, name);
    let (error_id, hint_id) = (format!("{name}-error"), format!("{name}-hint"));
    let described = described_by(hint.is_some(), hint_id.clone(), error_id.clone(), error);
    view! {
        <div class="field">
            <label for=name>{ui.t(label)}</label>
            {hint.map(|hint| view! { <p id=hint_id.clone() class="hint">{ui.t(hint)}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                bind:value=value
                aria-invalid=move || error().is_some().then_some("true")
                aria-describedby=described
            />
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}
