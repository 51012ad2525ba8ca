//! The filter builder: conditions on every field type with every operator the API has,
//! nested AND/OR groups, tags included and excluded, building the shared `FilterDoc` the
//! customer list searches with.
//!
//! Each input holds its own signal (typing never rebuilds the tree, so focus stays); a
//! snapshot of them is the pure edit tree of [`crate::filter_edit`], checked with the
//! shared validation 400 ms after the last change. Only a valid document (or `None` when
//! there is no condition) is written to `filter`; a mistake is shown beside its input.

use crate::api;
use crate::filter_edit::{self, Condition, Group, Mistake, Part, Tags, ValueKind};
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill};
use crate::problem::{Failure, Problem};
use crate::ui::Ui;
use crate::ui::focus_later;
use kizuna_shared::field::FieldType;
use kizuna_shared::filter::FilterDoc;
use kizuna_shared::wire::admin::{FieldOut, SegmentIn, SegmentOut};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use wasm_bindgen::JsValue;

#[derive(Clone, Copy)]
struct CondS {
    field: RwSignal<String>,
    op: RwSignal<String>,
    value: RwSignal<String>,
    second: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct TagsS {
    include: RwSignal<String>,
    include_all: RwSignal<bool>,
    exclude: RwSignal<String>,
    exclude_all: RwSignal<bool>,
}

#[derive(Clone, Copy)]
struct GroupS {
    all: RwSignal<bool>,
    parts: RwSignal<Vec<(u32, NodeS)>>,
}

#[derive(Clone, Copy)]
enum NodeS {
    Group(GroupS),
    Cond(CondS),
    Tags(TagsS),
    Search(RwSignal<String>),
}

/// What every part of one builder shares.
#[derive(Clone, Copy)]
struct Ctx {
    ui: Ui,
    fields: Signal<Vec<FieldOut>>,
    mistake: RwSignal<Option<Mistake>>,
    next: StoredValue<u32>,
}

impl Ctx {
    fn id(self) -> u32 {
        self.next.update_value(|n| *n += 1);
        self.next.get_value()
    }

    fn node(self, part: &Part) -> (u32, NodeS) {
        let node = match part {
            Part::Group(g) => NodeS::Group(self.group(g)),
            Part::Condition(c) => NodeS::Cond(CondS {
                field: RwSignal::new(c.field.clone()),
                op: RwSignal::new(c.op.clone()),
                value: RwSignal::new(c.value.clone()),
                second: RwSignal::new(c.second.clone()),
            }),
            Part::Tags(t) => NodeS::Tags(TagsS {
                include: RwSignal::new(t.include.clone()),
                include_all: RwSignal::new(t.include_all),
                exclude: RwSignal::new(t.exclude.clone()),
                exclude_all: RwSignal::new(t.exclude_all),
            }),
            Part::Search(s) => NodeS::Search(RwSignal::new(s.clone())),
        };
        (self.id(), node)
    }

    fn group(self, group: &Group) -> GroupS {
        GroupS {
            all: RwSignal::new(group.all),
            parts: RwSignal::new(group.parts.iter().map(|p| self.node(p)).collect()),
        }
    }

    /// The message of the mistake on input `input` of the part at `path`.
    fn mistake_at(self, path: Signal<String>, input: &'static str) -> impl Fn() -> Option<String> + Copy + 'static {
        move || {
            let path = path.get();
            self.mistake.with(|m| {
                let m = m.as_ref()?;
                (filter_edit::input_of(&path, &m.field)? == input).then(|| self.ui.s(m.key).to_owned())
            })
        }
    }
}

/// The edit tree the signals hold now (tracked: an effect reading it reruns on any change).
fn snapshot(group: GroupS) -> Group {
    Group {
        all: group.all.get(),
        parts: group
            .parts
            .get()
            .into_iter()
            .map(|(_, node)| match node {
                NodeS::Group(g) => Part::Group(snapshot(g)),
                NodeS::Cond(c) => Part::Condition(Condition {
                    field: c.field.get(),
                    op: c.op.get(),
                    value: c.value.get(),
                    second: c.second.get(),
                }),
                NodeS::Tags(t) => Part::Tags(Tags {
                    include: t.include.get(),
                    include_all: t.include_all.get(),
                    exclude: t.exclude.get(),
                    exclude_all: t.exclude_all.get(),
                }),
                NodeS::Search(s) => Part::Search(s.get()),
            })
            .collect(),
    }
}

/// A problem of a segment's save: the name's own messages, and a `filter.*` error beside
/// the filter's part (returned as a mistake).
pub fn segment_problem(failure: Failure) -> (Problem, Option<Mistake>) {
    if let Failure::Answered { error: Some(detail), .. } = &failure {
        match (detail.code.as_str(), detail.field.as_deref()) {
            ("conflict", Some("name")) => return (Problem::at("name", Key::SegmentNameTaken), None),
            ("invalid", Some("name")) => return (Problem::at("name", Key::SegmentNameMissing), None),
            (_, Some(field)) if field == "filter" || field.starts_with("filter.") => {
                let key = filter_edit::mistake_key(field, &detail.message);
                return (Problem::form(Key::FilterPending), Some(Mistake { field: field.to_owned(), key }));
            }
            _ => {}
        }
    }
    (Problem::from(failure), None)
}

/// The filter builder. Writes `filter` with the valid document the conditions make
/// (`None` without conditions); offers "Save as segment" unless `no_save`.
#[component]
pub fn FilterBuilder(
    ui: Ui,
    channel: String,
    fields: Signal<Vec<FieldOut>>,
    filter: RwSignal<Option<FilterDoc>>,
    /// Hides "Save as segment" (the segment editor saves the filter itself).
    #[prop(optional)]
    no_save: bool,
    /// Where the builder reports a mistake the API named (the segment editor's save).
    #[prop(optional)]
    mistake: Option<RwSignal<Option<Mistake>>>,
) -> impl IntoView {
    let mistake = mistake.unwrap_or_else(|| RwSignal::new(None));
    let ctx = Ctx { ui, fields, mistake, next: StoredValue::new(0) };
    let start = filter.get_untracked().map(|doc| Group::from_doc(&doc)).unwrap_or_else(|| Group::new(true));
    let root = ctx.group(&start);
    let generation = StoredValue::new(0u32);

    // Debounced: 400 ms after the last change, a valid document (or none) is written.
    Effect::new(move |_| {
        let edit = snapshot(root);
        let known = fields.get();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        set_timeout(
            move || {
                // The builder may be gone by now (its screen closed): every access is a `try_`.
                if generation.try_get_value() != Some(this) || known.is_empty() {
                    return;
                }
                match filter_edit::check(&edit, &known) {
                    Ok(doc) => {
                        mistake.try_set(None);
                        if filter.try_get_untracked().is_some_and(|now| now != doc) {
                            filter.try_set(doc);
                        }
                    }
                    Err(found) => {
                        mistake.try_set(Some(found));
                    }
                }
            },
            Duration::from_millis(400),
        );
    });

    let root_path = Signal::stored(filter_edit::ROOT.to_owned());
    let pending = move || mistake.with(Option::is_some).then(|| ui.s(Key::FilterPending));
    view! {
        <section class="filter-builder" aria-labelledby="filter-title">
            <h2 id="filter-title" class="filter-title">{ui.t(Key::FilterBuilderTitle)}</h2>
            <p class="filter-pending" role="status">{pending}</p>
            {group_view(ctx, root, root_path, 0, None)}
            {(!no_save).then(|| view! { <SaveAsSegment ui channel filter mistake /> })}
        </section>
    }
}

fn group_view(ctx: Ctx, group: GroupS, path: Signal<String>, depth: usize, remove: Option<Callback<()>>) -> AnyView {
    let ui = ctx.ui;
    let gid = ctx.id();
    let combine_id = format!("fb{gid}-combine");
    let add_id = format!("fb{gid}-add");
    let error = ctx.mistake_at(path, "");
    let add = move |part: Part, focus_input: bool| {
        let (id, node) = ctx.node(&part);
        group.parts.update(|p| p.push((id, node)));
        if focus_input {
            focus_later(format!("fb{id}-field"));
        }
    };
    let add_condition = move |_| add(Part::Condition(Condition::default()), true);
    let add_group = move |_| {
        let inner = Group { all: !group.all.get_untracked(), parts: vec![Part::Condition(Condition::default())] };
        let (id, node) = ctx.node(&Part::Group(inner));
        group.parts.update(|p| p.push((id, node)));
        if let Some((first, _)) = match node {
            NodeS::Group(g) => g.parts.get_untracked().first().copied(),
            _ => None,
        } {
            focus_later(format!("fb{first}-field"));
        }
    };
    let add_tags = move |_| {
        let (id, node) = ctx.node(&Part::Tags(Tags::default()));
        group.parts.update(|p| p.push((id, node)));
        focus_later(format!("fb{id}-include"));
    };
    let kind = move || if group.all.get() { "all" } else { "any" };
    let empty = move || depth == 0 && group.parts.with(Vec::is_empty);
    let parts = move || group.parts.get();
    let class =
        move || format!("filter-group depth-{} {}", depth.min(3), if group.all.get() { "is-all" } else { "is-any" });
    let label = format!("fb{gid}-label");
    let labelled = label.clone();
    view! {
        <div class=class role="group" aria-labelledby=labelled>
            <div class="filter-group-head">
                <span id=label class="visually-hidden">{ui.t(Key::FilterGroup)}</span>
                <label class="visually-hidden" for=combine_id.clone()>{ui.t(Key::FilterCombine)}</label>
                <select
                    id=combine_id
                    class="filter-combine"
                    on:change=move |ev| group.all.set(event_target_value(&ev) == "all")
                >
                    <option value="all" selected=move || group.all.get()>{ui.t(Key::FilterMatchAll)}</option>
                    <option value="any" selected=move || !group.all.get()>{ui.t(Key::FilterMatchAny)}</option>
                </select>
                {remove.map(|remove| view! {
                    <button type="button" class="secondary small" on:click=move |_| remove.run(())>
                        {ui.t(Key::FilterRemoveGroup)}
                    </button>
                })}
            </div>
            <p class="field-error" role="alert">{error}</p>
            <Show when=empty>
                <p class="hint">{ui.t(Key::FilterEmpty)}</p>
            </Show>
            <ol class="filter-parts">
                <For each=parts key=|(id, _)| *id let:item>
                    {
                        let (id, node) = item;
                        let part_path = Signal::derive(move || {
                            let index = group.parts.with(|p| p.iter().position(|(i, _)| *i == id).unwrap_or(0));
                            format!("{}.{}[{index}]", path.get(), kind())
                        });
                        let remove_me = Callback::new(move |()| {
                            group.parts.update(|p| p.retain(|(i, _)| *i != id));
                            focus_later(format!("fb{gid}-add"));
                        });
                        let inner = match node {
                            NodeS::Group(g) => group_view(ctx, g, part_path, depth + 1, Some(remove_me)),
                            NodeS::Cond(c) => condition_view(ctx, id, c, part_path, remove_me),
                            NodeS::Tags(t) => tags_view(ctx, id, t, part_path, remove_me),
                            NodeS::Search(s) => search_view(ctx, id, s, part_path, remove_me),
                        };
                        view! {
                            <li class="filter-part">
                                <span class="filter-joiner" aria-hidden="true">
                                    {move || {
                                        let first = group.parts.with(|p| p.first().map(|(i, _)| *i)) == Some(id);
                                        if first { "" } else if group.all.get() { "AND" } else { "OR" }
                                    }}
                                </span>
                                {inner}
                            </li>
                        }
                    }
                </For>
            </ol>
            <div class="actions filter-add">
                <button type="button" id=add_id class="secondary small" on:click=add_condition>
                    "+ " {ui.t(Key::FilterAddCondition)}
                </button>
                {(depth < kizuna_shared::filter::MAX_DEPTH - 1).then(|| view! {
                    <button type="button" class="secondary small" on:click=add_group>
                        "+ " {ui.t(Key::FilterAddGroup)}
                    </button>
                })}
                <button type="button" class="secondary small" on:click=add_tags>
                    "+ " {ui.t(Key::FilterAddTags)}
                </button>
            </div>
        </div>
    }
    .into_any()
}

fn type_of(ctx: Ctx, key: &str) -> Option<FieldType> {
    ctx.fields.with(|f| filter_edit::field_type(f, key))
}

fn condition_view(ctx: Ctx, id: u32, c: CondS, path: Signal<String>, remove: Callback<()>) -> AnyView {
    let ui = ctx.ui;
    let (field_id, op_id) = (format!("fb{id}-field"), format!("fb{id}-op"));
    let field_error = ctx.mistake_at(path, "field");
    let op_error = ctx.mistake_at(path, "op");
    let value_error = ctx.mistake_at(path, "value");
    let own_error = ctx.mistake_at(path, "");
    let field_options = move || {
        let used = c.field.get();
        ctx.fields.with(|fields| {
            filter_edit::offered(fields, &used)
                .into_iter()
                .map(|f| {
                    let key = f.key.clone();
                    let selected = key == used;
                    let label =
                        if f.display_name == f.key { f.key.clone() } else { format!("{} ({})", f.display_name, f.key) };
                    view! { <option value=key selected=selected>{label}</option> }
                })
                .collect_view()
        })
    };
    let choose_field = move |ev| {
        let key = event_target_value(&ev);
        let before = type_of(ctx, &c.field.get_untracked());
        let after = type_of(ctx, &key);
        c.field.set(key);
        if before != after {
            c.op.set(after.map(|ty| filter_edit::ops(ty)[0].to_owned()).unwrap_or_default());
            c.value.set(if after == Some(FieldType::Boolean) { "true".into() } else { String::new() });
            c.second.set(String::new());
        }
    };
    let ty = Signal::derive(move || type_of(ctx, &c.field.get()));
    let op_options = move || {
        let op = c.op.get();
        ty.get()
            .map(|ty| {
                filter_edit::ops(ty)
                    .iter()
                    .map(|o| {
                        let selected = *o == op;
                        view! { <option value=*o selected=selected>{ui.t(filter_edit::op_label(ty, o))}</option> }
                    })
                    .collect_view()
            })
            .unwrap_or_default()
    };
    let kind = Signal::derive(move || ty.get().map_or(ValueKind::None, |ty| filter_edit::value_kind(ty, &c.op.get())));
    let described = |id: String| move || Some(id.clone());
    let value_input = move || value_view(ui, id, c, kind.get(), value_error);
    view! {
        <div class="filter-condition">
            <div class="filter-cell">
                <label class="visually-hidden" for=field_id.clone()>{ui.t(Key::FilterField)}</label>
                <select
                    id=field_id.clone()
                    on:change=choose_field
                    aria-invalid=move || field_error().is_some().then_some("true")
                    aria-describedby=described(format!("{field_id}-error"))
                >
                    <option value="" selected=move || c.field.with(String::is_empty)>{ui.t(Key::FilterChooseField)}</option>
                    {field_options}
                </select>
                <p id=format!("{field_id}-error") class="field-error">{field_error}</p>
            </div>
            <Show when=move || ty.get().is_some()>
                <div class="filter-cell">
                    <label class="visually-hidden" for=op_id.clone()>{ui.t(Key::FilterOperator)}</label>
                    <select
                        id=op_id.clone()
                        on:change=move |ev| c.op.set(event_target_value(&ev))
                        aria-invalid=move || op_error().is_some().then_some("true")
                    >
                        {op_options}
                    </select>
                    <p class="field-error">{op_error}</p>
                </div>
            </Show>
            {value_input}
            <button type="button" class="icon-button" on:click=move |_| remove.run(())>
                <span aria-hidden="true">"×"</span>
                <span class="visually-hidden">{ui.t(Key::FilterRemove)}</span>
            </button>
            <p class="field-error filter-own-error">{own_error}</p>
        </div>
    }
    .into_any()
}

/// The value input(s) an operator needs, typed by the field's type.
fn value_view(
    ui: Ui,
    id: u32,
    c: CondS,
    kind: ValueKind,
    error: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
) -> AnyView {
    let value_id = format!("fb{id}-value");
    let error_id = format!("{value_id}-error");
    let invalid = move || error().is_some().then_some("true");
    let described = {
        let error_id = error_id.clone();
        move || error().is_some().then(|| error_id.clone())
    };
    let text_input = |kind: &'static str, signal: RwSignal<String>, id: String, label: Key| {
        view! {
            <label class="visually-hidden" for=id.clone()>{ui.t(label)}</label>
            <input
                id=id
                type=kind
                step=(kind == "number").then_some("any")
                prop:value=move || signal.get()
                on:input=move |ev| signal.set(event_target_value(&ev))
                aria-invalid=invalid
                aria-describedby=described.clone()
            />
        }
    };
    let inputs = match kind {
        ValueKind::None => return ().into_any(),
        ValueKind::Text => text_input("text", c.value, value_id.clone(), Key::FilterValue).into_any(),
        ValueKind::Number => text_input("number", c.value, value_id.clone(), Key::FilterValue).into_any(),
        ValueKind::NumberRange => view! {
            {text_input("number", c.value, value_id.clone(), Key::FilterValue)}
            <span class="filter-and">{ui.t(Key::FilterAnd)}</span>
            {text_input("number", c.second, format!("fb{id}-second"), Key::FilterValueEnd)}
        }
        .into_any(),
        ValueKind::Days => view! {
            <label class="visually-hidden" for=value_id.clone()>{ui.t(Key::FilterValue)}</label>
            <input
                id=value_id.clone()
                class="filter-days"
                type="number"
                min="0"
                max="36500"
                step="1"
                prop:value=move || c.value.get()
                on:input=move |ev| c.value.set(event_target_value(&ev))
                aria-invalid=invalid
                aria-describedby=described.clone()
            />
            <span class="filter-and">{ui.t(Key::FilterDays)}</span>
        }
        .into_any(),
        ValueKind::Date => date_input(ui, c.value, value_id.clone(), Key::FilterValue, invalid).into_any(),
        ValueKind::DateRange => view! {
            {date_input(ui, c.value, value_id.clone(), Key::FilterValue, invalid)}
            <span class="filter-and">{ui.t(Key::FilterAnd)}</span>
            {date_input(ui, c.second, format!("fb{id}-second"), Key::FilterValueEnd, invalid)}
        }
        .into_any(),
        ValueKind::List => view! {
            <label class="visually-hidden" for=value_id.clone()>{ui.t(Key::FilterValue)}</label>
            <input
                id=value_id.clone()
                type="text"
                placeholder=ui.t(Key::FilterListHint)
                prop:value=move || c.value.get()
                on:input=move |ev| c.value.set(event_target_value(&ev))
                aria-invalid=invalid
                aria-describedby=described.clone()
            />
        }
        .into_any(),
        ValueKind::Bool => view! {
            <label class="visually-hidden" for=value_id.clone()>{ui.t(Key::FilterValue)}</label>
            <select id=value_id.clone() on:change=move |ev| c.value.set(event_target_value(&ev))>
                <option value="true" selected=move || c.value.get() != "false">{ui.t(Key::FilterYes)}</option>
                <option value="false" selected=move || c.value.get() == "false">{ui.t(Key::FilterNo)}</option>
            </select>
        }
        .into_any(),
    };
    view! {
        <div class="filter-cell filter-value">
            <div class="filter-inputs">{inputs}</div>
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
    .into_any()
}

/// ms since the epoch as a `datetime-local` value in the browser's zone.
fn local_input(ms: &str) -> String {
    let Ok(ms) = ms.parse::<f64>() else { return String::new() };
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A `datetime-local` value (the browser's zone) as ms since the epoch; empty if invalid.
fn input_ms(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let ms = js_sys::Date::new(&JsValue::from_str(text)).get_time();
    if ms.is_finite() { format!("{}", ms as i64) } else { String::new() }
}

fn date_input(
    ui: Ui,
    value: RwSignal<String>,
    id: String,
    label: Key,
    invalid: impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let shown = RwSignal::new(local_input(&value.get_untracked()));
    view! {
        <label class="visually-hidden" for=id.clone()>{ui.t(label)}</label>
        <input
            id=id
            type="datetime-local"
            prop:value=move || shown.get()
            on:input=move |ev| {
                let text = event_target_value(&ev);
                value.set(input_ms(&text));
                shown.set(text);
            }
            aria-invalid=invalid
        />
    }
}

fn tags_view(ctx: Ctx, id: u32, t: TagsS, path: Signal<String>, remove: Callback<()>) -> AnyView {
    let ui = ctx.ui;
    let error = ctx.mistake_at(path, "tags");
    let row = move |which: &'static str, label: Key, text: RwSignal<String>, all: RwSignal<bool>| {
        let input_id = format!("fb{id}-{which}");
        let mode_id = format!("fb{id}-{which}-mode");
        view! {
            <div class="filter-tags-row">
                <label for=input_id.clone()>{ui.t(label)}</label>
                <input
                    id=input_id
                    type="text"
                    placeholder=ui.t(Key::FilterListHint)
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                    aria-invalid=move || (which == "include" && error().is_some()).then_some("true")
                />
                <label class="visually-hidden" for=mode_id.clone()>{ui.t(Key::FilterTagsMode)}</label>
                <select id=mode_id on:change=move |ev| all.set(event_target_value(&ev) == "all")>
                    <option value="any" selected=move || !all.get()>{ui.t(Key::FilterTagsAny)}</option>
                    <option value="all" selected=move || all.get()>{ui.t(Key::FilterTagsAll)}</option>
                </select>
            </div>
        }
    };
    view! {
        <div class="filter-condition filter-tags">
            <span class="filter-tags-title">{ui.t(Key::FilterTags)}</span>
            <div class="filter-tags-rows">
                {row("include", Key::FilterTagsInclude, t.include, t.include_all)}
                {row("exclude", Key::FilterTagsExclude, t.exclude, t.exclude_all)}
                <p class="field-error">{error}</p>
            </div>
            <button type="button" class="icon-button" on:click=move |_| remove.run(())>
                <span aria-hidden="true">"×"</span>
                <span class="visually-hidden">{ui.t(Key::FilterRemove)}</span>
            </button>
        </div>
    }
    .into_any()
}

fn search_view(ctx: Ctx, id: u32, s: RwSignal<String>, path: Signal<String>, remove: Callback<()>) -> AnyView {
    let ui = ctx.ui;
    let error = ctx.mistake_at(path, "search");
    let input_id = format!("fb{id}-field");
    view! {
        <div class="filter-condition">
            <label for=input_id.clone()>{ui.t(Key::FilterSearch)}</label>
            <input id=input_id type="text" prop:value=move || s.get() on:input=move |ev| s.set(event_target_value(&ev)) />
            <p class="field-error">{error}</p>
            <button type="button" class="icon-button" on:click=move |_| remove.run(())>
                <span aria-hidden="true">"×"</span>
                <span class="visually-hidden">{ui.t(Key::FilterRemove)}</span>
            </button>
        </div>
    }
    .into_any()
}

/// A saved filter in words (`Score is greater than 10 AND (…)`), dates in `zone`.
#[component]
pub fn FilterSummary(
    ui: Ui,
    fields: Signal<Vec<FieldOut>>,
    filter: FilterDoc,
    #[prop(into, optional)] zone: Signal<Option<String>>,
) -> impl IntoView {
    let words = move || {
        let date = |ms: i64| ui.time(ms, zone.get().as_deref());
        fields.with(|fields| filter_edit::describe(&filter, fields, ui.lang.get(), &date))
    };
    view! { <p class="filter-summary">{words}</p> }
}

/// "Save as segment": a name and the builder's filter, `POST …/segments`.
#[component]
fn SaveAsSegment(
    ui: Ui,
    channel: String,
    filter: RwSignal<Option<FilterDoc>>,
    mistake: RwSignal<Option<Mistake>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let problems = Problems::new(&["name"]);
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        saved.set(None);
        let segment_name = name.get_untracked().trim().to_owned();
        if segment_name.is_empty() {
            problems.set(vec![Problem::at("name", Key::SegmentNameMissing)]);
            return;
        }
        let Some(doc) = filter.get_untracked() else {
            problems.set(vec![Problem::form(Key::FilterEmpty)]);
            return;
        };
        problems.clear();
        busy.set(true);
        let path = format!("/admin/v1/channels/{}/segments", api::encode(&channel));
        spawn_local(async move {
            let body = SegmentIn { name: Some(segment_name), filter: Some(doc) };
            let answer = api::send_json::<SegmentOut>("POST", &path, &body).await;
            busy.set(false);
            match answer {
                Ok(segment) => {
                    name.set(String::new());
                    saved.set(Some(segment.name));
                }
                Err(failure) => {
                    let (problem, found) = segment_problem(failure);
                    if found.is_some() {
                        mistake.set(found);
                    }
                    problems.set(vec![problem]);
                }
            }
        });
    };
    view! {
        <form class="filter-save" novalidate on:submit=submit>
            <FormAlert ui problems />
            <TextInput ui problems name="name" label=Key::SegmentName value=name />
            <button type="submit" class="secondary" aria-disabled=move || busy.get().then_some("true")>
                {move || ui.s(if busy.get() { Key::Saving } else { Key::FilterSaveAs })}
            </button>
            <p class="notice" role="status">
                {move || saved.get().map(|n| fill(ui.s(Key::SegmentSaved), "name", &n))}
            </p>
        </form>
    }
}
