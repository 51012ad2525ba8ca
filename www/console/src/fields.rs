//! Profile settings: the channel's fields in order; add, rename, reorder (drag or
//! keyboard), hide, archive. Members read the list; the controls that change it are
//! shown to owners only (`Action::ChangeFields` is an owners' action).

use crate::api;
use crate::form::{FormAlert, Problems, TextInput};
use crate::i18n::{Key, fill};
use crate::problem::{Failure, Problem};
use crate::ui::{Ui, load_failed};
use kizuna_shared::channel::Role;
use kizuna_shared::field::{Access, FieldType, Visibility};
use kizuna_shared::permission::Action;
use kizuna_shared::wire::admin::{FieldIn, FieldOrder, FieldOut, FieldPatch};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

#[derive(Deserialize)]
struct FieldList {
    fields: Vec<FieldOut>,
}

const TYPES: [(FieldType, &str, Key); 5] = [
    (FieldType::Text, "string", Key::TypeString),
    (FieldType::Number, "number", Key::TypeNumber),
    (FieldType::Boolean, "boolean", Key::TypeBoolean),
    (FieldType::Date, "date", Key::TypeDate),
    (FieldType::List, "list", Key::TypeList),
];

fn type_key(ty: FieldType) -> Key {
    TYPES.iter().find(|(t, ..)| *t == ty).map_or(Key::TypeString, |(.., key)| *key)
}

fn access_key(access: Access) -> Key {
    match access {
        Access::SiteAndManager => Key::AccessSiteAndManager,
        Access::ManagerOnly => Key::AccessManagerOnly,
        Access::FirstTouch => Key::AccessFirstTouch,
        Access::ReadOnly => Key::AccessReadOnly,
    }
}

fn state_key(visibility: Visibility) -> Key {
    match visibility {
        Visibility::Visible => Key::FieldVisible,
        Visibility::Hidden => Key::FieldHidden,
        Visibility::Archived => Key::FieldArchived,
    }
}

/// An answer of the fields API as this screen says it.
fn field_problem(failure: Failure) -> Problem {
    if let Failure::Answered { error: Some(detail), .. } = &failure {
        let key = match (detail.code.as_str(), detail.field.as_deref()) {
            ("invalid", Some("key")) => Some(Key::FieldKeyInvalid),
            ("invalid", Some("displayName")) => Some(Key::FieldDisplayNameInvalid),
            ("invalid", Some("visibility")) => Some(Key::FieldBuiltInHide),
            _ => None,
        };
        if let (Some(key), Some(field)) = (key, detail.field.as_deref()) {
            return Problem::at(field, key);
        }
    }
    Problem::from(failure)
}

#[component]
pub fn Fields(ui: Ui, channel: String) -> impl IntoView {
    let fields = RwSignal::new(None::<Vec<FieldOut>>);
    let problem = RwSignal::new(None::<Problem>);
    let announce = RwSignal::new(String::new());
    let renaming = RwSignal::new(None::<String>);
    let rename_text = RwSignal::new(String::new());
    let rename_error = RwSignal::new(None::<Problem>);
    let dragging = StoredValue::new(None::<String>);
    let may_change = {
        let channel = channel.clone();
        Signal::derive(move || {
            ui.role(&channel).and_then(|r| Role::parse(&r)).is_some_and(|role| Action::ChangeFields.allowed(role))
        })
    };
    let base = format!("/admin/v1/channels/{}/fields", api::encode(&channel));

    {
        let base = base.clone();
        spawn_local(async move {
            match api::get::<FieldList>(&base).await {
                Ok(list) => fields.set(Some(list.fields)),
                Err(failure) => problem.set(load_failed(ui, failure)),
            }
        });
    }

    let profile = move || -> Vec<FieldOut> {
        fields.get().unwrap_or_default().into_iter().filter(|f| f.key.starts_with("profile.")).collect()
    };

    // Moves the field at `from` to `to` among the profile fields and saves the order.
    let reorder = {
        let base = base.clone();
        move |from: usize, to: usize| {
            let mut order = profile();
            if from >= order.len() || to >= order.len() || from == to {
                return;
            }
            let moved = order.remove(from);
            let name = moved.display_name.clone();
            let key = moved.key.clone();
            order.insert(to, moved);
            let keys: Vec<String> = order.iter().map(|f| f.key.clone()).collect();
            fields.update(|all| {
                if let Some(all) = all {
                    let kizuna: Vec<FieldOut> =
                        all.iter().filter(|f| !f.key.starts_with("profile.")).cloned().collect();
                    *all = kizuna.into_iter().chain(order).collect();
                }
            });
            let text = fill(&fill(ui.s(Key::FieldMoved), "name", &name), "position", &(to + 1).to_string());
            announce.set(text);
            crate::ui::focus_later(format!("handle-{key}"));
            let path = format!("{base}/order");
            spawn_local(async move {
                match api::send_json::<FieldList>("PUT", &path, &FieldOrder { keys }).await {
                    Ok(list) => {
                        problem.set(None);
                        fields.set(Some(list.fields));
                        crate::ui::focus_later(format!("handle-{key}"));
                    }
                    Err(failure) => problem.set(Some(field_problem(failure))),
                }
            });
        }
    };

    let patch = {
        let base = base.clone();
        move |key: String, body: FieldPatch| {
            let path = format!("{base}/{}", api::encode(&key));
            spawn_local(async move {
                match api::send_json::<FieldList>("PATCH", &path, &body).await {
                    Ok(list) => {
                        problem.set(None);
                        rename_error.set(None);
                        if body.display_name.is_some() {
                            renaming.set(None);
                            crate::ui::focus_later(format!("rename-{key}"));
                        }
                        fields.set(Some(list.fields));
                    }
                    Err(failure) => {
                        let found = field_problem(failure);
                        if body.display_name.is_some() {
                            rename_error.set(Some(found));
                            crate::ui::focus_later("rename-displayName");
                        } else {
                            problem.set(Some(found));
                        }
                    }
                }
            });
        }
    };

    let rows = {
        let reorder = reorder.clone();
        let patch = patch.clone();
        move || {
            let list = profile();
            let order: Vec<String> = list.iter().map(|f| f.key.clone()).collect();
            let owner = may_change.get();
            list.into_iter()
                .enumerate()
                .map(|(index, field)| {
                    let reorder = reorder.clone();
                    let patch = patch.clone();
                    row(RowArgs {
                        ui,
                        field,
                        index,
                        order: order.clone(),
                        owner,
                        renaming,
                        rename_text,
                        rename_error,
                        dragging,
                        reorder: Callback::new(move |(from, to)| reorder(from, to)),
                        patch: Callback::new(move |(key, body)| patch(key, body)),
                    })
                })
                .collect_view()
        }
    };

    let kizuna_rows = move || {
        fields
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|f| !f.key.starts_with("profile."))
            .map(|f| {
                view! {
                    <tr>
                        <th scope="row"><code>{f.key.clone()}</code></th>
                        <td>{ui.t(type_key(f.ty))}</td>
                        <td>{ui.t(access_key(f.access))}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <div class="fields-screen">
            <h1>{ui.t(Key::NavFields)}</h1>
            <p class="lead">{ui.t(Key::FieldsLead)}</p>
            <div class="alert" role="alert">{move || problem.get().map(|p| p.message(ui.lang.get()))}</div>
            <p class="visually-hidden" role="status" aria-live="assertive">{move || announce.get()}</p>
            <Show when=move || !may_change.get()>
                <p class="hint member-note">{ui.t(Key::FieldsMemberNote)}</p>
            </Show>
            <Show when=move || may_change.get()>
                <AddField ui base=base.clone() fields />
            </Show>
            <section class="panel" aria-labelledby="profile-fields-title">
                <h2 id="profile-fields-title">{ui.t(Key::FieldsProfile)}</h2>
                <Show when=move || may_change.get()>
                    <p class="hint" id="order-hint">{ui.t(Key::FieldsOrderHint)}</p>
                </Show>
                <Show
                    when=move || fields.with(Option::is_some)
                    fallback=move || view! { <p class="lead" aria-live="polite">{ui.t(Key::Loading)}</p> }
                >
                    <table class="data fields">
                        <thead>
                            <tr>
                                <th scope="col"><span class="visually-hidden">{ui.t(Key::FieldsOrderHint)}</span></th>
                                <th scope="col">{ui.t(Key::FieldDisplayName)}</th>
                                <th scope="col">{ui.t(Key::FieldTypeLabel)}</th>
                                <th scope="col">{ui.t(Key::FieldAccess)}</th>
                                <th scope="col">{ui.t(Key::FieldState)}</th>
                                <th scope="col">{ui.t(Key::SegmentActions)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows.clone()}</tbody>
                    </table>
                </Show>
            </section>
            <details class="panel kizuna-fields">
                <summary>{ui.t(Key::FieldsKizuna)}</summary>
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{ui.t(Key::FieldKey)}</th>
                            <th scope="col">{ui.t(Key::FieldTypeLabel)}</th>
                            <th scope="col">{ui.t(Key::FieldAccess)}</th>
                        </tr>
                    </thead>
                    <tbody>{kizuna_rows}</tbody>
                </table>
            </details>
        </div>
    }
}

struct RowArgs {
    ui: Ui,
    field: FieldOut,
    index: usize,
    /// Every profile field's key, in order.
    order: Vec<String>,
    owner: bool,
    renaming: RwSignal<Option<String>>,
    rename_text: RwSignal<String>,
    rename_error: RwSignal<Option<Problem>>,
    dragging: StoredValue<Option<String>>,
    reorder: Callback<(usize, usize)>,
    patch: Callback<(String, FieldPatch)>,
}

fn row(args: RowArgs) -> impl IntoView {
    let RowArgs { ui, field, index, order, owner, renaming, rename_text, rename_error, dragging, reorder, patch } =
        args;
    let count = order.len();
    let key = field.key.clone();
    let name = field.display_name.clone();
    let visibility = field.visibility;
    let is_renaming = {
        let key = key.clone();
        move || renaming.get().as_deref() == Some(key.as_str())
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            "ArrowUp" if index > 0 => {
                ev.prevent_default();
                reorder.run((index, index - 1));
            }
            "ArrowDown" if index + 1 < count => {
                ev.prevent_default();
                reorder.run((index, index + 1));
            }
            _ => {}
        }
    };
    let drag_key = key.clone();
    let state_class = format!("state state-{}", visibility.as_str());
    let set = move |key: String, visibility: Visibility| {
        move |_| patch.run((key.clone(), FieldPatch { visibility: Some(visibility), ..FieldPatch::default() }))
    };
    let visibility_buttons = owner.then(|| {
        let (k1, k2) = (key.clone(), key.clone());
        match visibility {
            Visibility::Visible => view! {
                {(!field.built_in).then(|| view! {
                    <button type="button" class="secondary small" on:click=set(k1.clone(), Visibility::Hidden)>{ui.t(Key::FieldHide)}</button>
                })}
                <button type="button" class="secondary small" on:click=set(k2, Visibility::Archived)>{ui.t(Key::FieldArchive)}</button>
            }
            .into_any(),
            Visibility::Hidden => view! {
                <button type="button" class="secondary small" on:click=set(k1, Visibility::Visible)>{ui.t(Key::FieldShow)}</button>
            }
            .into_any(),
            Visibility::Archived => view! {
                <button type="button" class="secondary small" on:click=set(k1, Visibility::Visible)>{ui.t(Key::FieldUnarchive)}</button>
            }
            .into_any(),
        }
    });
    let rename_open = {
        let (key, name) = (key.clone(), name.clone());
        move |_| {
            rename_error.set(None);
            rename_text.set(name.clone());
            renaming.set(Some(key.clone()));
            crate::ui::focus_later("rename-displayName");
        }
    };
    let rename_save = {
        let key = key.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = rename_text.get_untracked();
            if text.trim().is_empty() {
                rename_error.set(Some(Problem::at("displayName", Key::FieldDisplayNameInvalid)));
                return;
            }
            patch.run((key.clone(), FieldPatch { display_name: Some(text), ..FieldPatch::default() }));
        }
    };
    // Closing the rename puts focus back on its button.
    let close_rename = {
        let key = StoredValue::new(key.clone());
        move || {
            renaming.set(None);
            crate::ui::focus_later(format!("rename-{}", key.get_value()));
        }
    };
    let name_cell = {
        let (name, key) = (name.clone(), key.clone());
        move || {
            if is_renaming() {
                let error = move || rename_error.get().map(|p| p.message(ui.lang.get()));
                view! {
                    <form class="rename" novalidate on:submit=rename_save.clone()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close_rename() }>
                        <label class="visually-hidden" for="rename-displayName">{ui.t(Key::FieldDisplayName)}</label>
                        <input
                            id="rename-displayName"
                            type="text"
                            prop:value=move || rename_text.get()
                            on:input=move |ev| rename_text.set(event_target_value(&ev))
                            aria-invalid=move || error().is_some().then_some("true")
                            aria-describedby="rename-displayName-error"
                        />
                        <button type="submit" class="primary small">{ui.t(Key::Save)}</button>
                        <button type="button" class="secondary small" on:click=move |_| close_rename()>{ui.t(Key::Cancel)}</button>
                        <p id="rename-displayName-error" class="field-error">{error}</p>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <span class="field-name">{name.clone()}</span>
                    <code class="field-key">{key.clone()}</code>
                }
                .into_any()
            }
        }
    };
    let handle_label = fill(ui.s(Key::FieldHandle), "name", &name);
    let up_label = fill(ui.s(Key::FieldMoveUp), "name", &name);
    let down_label = fill(ui.s(Key::FieldMoveDown), "name", &name);
    view! {
        <tr
            class="field-row"
            data-key=key.clone()
            draggable=owner.then_some("true")
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if owner {
                    dragging.set_value(Some(drag_key.clone()));
                    if let Some(data) = ev.data_transfer() {
                        let _ = data.set_data("text/plain", &drag_key);
                        data.set_effect_allowed("move");
                    }
                }
            }
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if owner {
                    ev.prevent_default();
                }
            }
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                let carried = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).filter(|k| !k.is_empty());
                let Some(from_key) = carried.or_else(|| dragging.get_value()) else { return };
                dragging.set_value(None);
                if let Some(from) = order.iter().position(|k| *k == from_key) {
                    reorder.run((from, index));
                }
            }
        >
            <td class="order">
                {owner.then(|| view! {
                    <button
                        type="button"
                        id=format!("handle-{key}")
                        class="handle"
                        aria-describedby="order-hint"
                        on:keydown=keydown
                    >
                        <span aria-hidden="true">"⠿"</span>
                        <span class="visually-hidden">{handle_label}</span>
                    </button>
                    <button type="button" class="icon-button" disabled={index == 0}
                        on:click=move |_| reorder.run((index, index.saturating_sub(1)))>
                        <span aria-hidden="true">"↑"</span>
                        <span class="visually-hidden">{up_label}</span>
                    </button>
                    <button type="button" class="icon-button" disabled={index + 1 >= count}
                        on:click=move |_| reorder.run((index, index + 1))>
                        <span aria-hidden="true">"↓"</span>
                        <span class="visually-hidden">{down_label}</span>
                    </button>
                })}
                {(!owner).then(|| view! { <span class="position">{index + 1}</span> })}
            </td>
            <td class="name-cell">{name_cell}</td>
            <td>
                {ui.t(type_key(field.ty))}
                <span class="badge">{ui.t(if field.built_in { Key::FieldBuiltIn } else { Key::FieldCustom })}</span>
            </td>
            <td>
                {ui.t(access_key(field.access))}
                {field.write_once.then(|| view! { <span class="badge once">{ui.t(Key::FieldWriteOnce)}</span> })}
            </td>
            <td><span class=state_class>{ui.t(state_key(visibility))}</span></td>
            <td>
                <div class="actions">
                    {owner.then(|| view! {
                        <button type="button" id=format!("rename-{key}") class="secondary small" on:click=rename_open>
                            {ui.t(Key::FieldRename)}
                        </button>
                    })}
                    {visibility_buttons}
                </div>
            </td>
        </tr>
    }
}

/// "Add profile field": data key, display name, type, write once (`POST …/fields`).
#[component]
fn AddField(ui: Ui, base: String, fields: RwSignal<Option<Vec<FieldOut>>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let key = RwSignal::new("profile.".to_owned());
    let display = RwSignal::new(String::new());
    let ty = RwSignal::new("string".to_owned());
    let write_once = RwSignal::new(false);
    let problems = Problems::new(&["key", "displayName", "type"]);
    let busy = RwSignal::new(false);
    let added = RwSignal::new(false);
    let close = move || {
        open.set(false);
        crate::ui::focus_later("add-field-open");
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        added.set(false);
        let new_key = key.get_untracked().trim().to_owned();
        let name = new_key.strip_prefix("profile.").unwrap_or_default();
        let mut found = Vec::new();
        if name.is_empty() || name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            found.push(Problem::at("key", Key::FieldKeyInvalid));
        }
        let display_name = display.get_untracked().trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 80 {
            found.push(Problem::at("displayName", Key::FieldDisplayNameInvalid));
        }
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        let field_type = TYPES.iter().find(|(_, s, _)| *s == ty.get_untracked()).map_or(FieldType::Text, |(t, ..)| *t);
        let body = FieldIn { key: new_key, display_name, ty: field_type, write_once: write_once.get_untracked() };
        problems.clear();
        busy.set(true);
        let path = base.clone();
        spawn_local(async move {
            let answer = api::send_json::<FieldList>("POST", &path, &body).await;
            busy.set(false);
            match answer {
                Ok(list) => {
                    fields.set(Some(list.fields));
                    key.set("profile.".to_owned());
                    display.set(String::new());
                    write_once.set(false);
                    added.set(true);
                    open.set(false);
                    crate::ui::focus_later("add-field-open");
                }
                Err(failure) => problems.set(vec![field_problem(failure)]),
            }
        });
    };
    view! {
        <p class="notice" role="status">{move || added.get().then(|| ui.s(Key::FieldAdded))}</p>
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" id="add-field-open" class="primary add-field-open" on:click=move |_| {
                    open.set(true);
                    crate::ui::focus_later("key");
                }>
                    "+ " {ui.t(Key::FieldAdd)}
                </button>
            }
        >
            <section class="panel add-field" aria-labelledby="add-field-title">
                <h2 id="add-field-title">{ui.t(Key::FieldAdd)}</h2>
                <FormAlert ui problems />
                <form class="form add-field-form" novalidate on:submit=submit.clone()
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close() }>
                    <TextInput ui problems name="key" label=Key::FieldKey value=key hint=Key::FieldKeyHint required=true />
                    <TextInput ui problems name="displayName" label=Key::FieldDisplayName value=display required=true />
                    <div class="field">
                        <label for="type">{ui.t(Key::FieldTypeLabel)}</label>
                        <select id="type" on:change=move |ev| ty.set(event_target_value(&ev))>
                            {TYPES
                                .iter()
                                .map(|(_, value, label)| {
                                    let value = *value;
                                    view! { <option value=value selected=move || ty.get() == value>{ui.t(*label)}</option> }
                                })
                                .collect_view()}
                        </select>
                        <p class="field-error">{problems.beside(ui, "type")}</p>
                    </div>
                    <div class="field checkbox">
                        <label>
                            <input
                                id="writeOnce"
                                type="checkbox"
                                prop:checked=move || write_once.get()
                                on:change=move |ev| write_once.set(event_target_checked(&ev))
                                aria-describedby="writeOnce-hint"
                            />
                            " " {ui.t(Key::FieldWriteOnce)}
                        </label>
                        <p id="writeOnce-hint" class="hint">{ui.t(Key::FieldWriteOnceHint)}</p>
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" aria-disabled=move || busy.get().then_some("true")>
                            {move || ui.s(if busy.get() { Key::Saving } else { Key::FieldAdd })}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| close()>{ui.t(Key::Cancel)}</button>
                    </div>
                </form>
            </section>
        </Show>
    }
}
