//! What the widget does, as a state machine: messages in, effects out. No browser here,
//! so every rule is tested with plain `cargo test`.
//!
//! Invariants: at most one message is on screen, and the launcher only when none is;
//! later messages wait in order behind it; a delivery is shown at most once per page,
//! except when the visitor opens it from the launcher; a view is reported at most once
//! per message (fullscreen: when displayed; bubble: when clicked; opened from the
//! launcher: when opened; a button click reports the click, which the edge counts as a
//! view too). An unviewed message the edge no longer lists as unread (read in another
//! tab, expired, or withdrawn by "delete unviewed") leaves the screen and the queue.

use kizuna_shared::campaign::Display;
use kizuna_shared::wire::public::{PREVIEW_DELIVERY, Popup};

/// How many delivery ids a page remembers to avoid showing one twice.
const REMEMBERED: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// The edge answered with messages to show.
    Received(Vec<Popup>),
    /// The visitor clicked the bubble (not one of its buttons).
    Opened,
    /// The visitor clicked the message's button with this index.
    ButtonClicked(usize),
    /// The visitor closed the message (×, Esc, or the backdrop of a fullscreen).
    Closed,
    /// The edge's list of the visitor's unread messages, oldest first.
    Unread(Vec<Popup>),
    /// The visitor opened the launcher: its oldest unread message shows.
    Launch,
    /// The visitor marked every message the launcher lists as read.
    ReadAll,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(Popup),
    Hide,
    ReportView(String),
    ReportClick(String),
    Navigate(String),
    /// Draw the launcher with this many unread messages (0: take it away).
    Launcher(usize),
    /// Tell the edge these deliveries were read.
    MarkRead(Vec<String>),
    /// Move the keyboard focus into what was just drawn (the visitor asked for it).
    Focus,
}

#[derive(Debug, Default)]
pub struct Widget {
    /// Messages behind the one on screen, in order (a few: a `Vec`, whose code the
    /// unread list shares).
    waiting: Vec<Popup>,
    current: Option<Showing>,
    seen: Vec<String>,
    /// The visitor's unread messages as the edge last listed them, less those read here.
    unread: Vec<Popup>,
    /// Deliveries read on this page, kept out of lists the edge wrote before it knew (a
    /// few per page: each is a message this visitor received).
    read: Vec<String>,
    /// The count the launcher shows (0: not drawn).
    drawn: usize,
    /// The message on screen was opened from the launcher (focus returns there).
    launched: bool,
}

#[derive(Debug)]
struct Showing {
    popup: Popup,
    viewed: bool,
}

impl Widget {
    pub fn step(&mut self, input: Input) -> Vec<Effect> {
        let mut effects = Vec::new();
        match input {
            Input::Received(popups) => {
                for popup in popups {
                    if !self.seen.contains(&popup.delivery_id) {
                        if self.seen.len() == REMEMBERED {
                            self.seen.remove(0);
                        }
                        self.seen.push(popup.delivery_id.clone());
                        self.waiting.push(popup);
                    }
                }
                if self.current.is_none() {
                    self.show_next(&mut effects);
                }
            }
            Input::Opened => {
                if let Some(showing) = self.current.as_mut().filter(|s| !s.viewed) {
                    showing.viewed = true;
                    let id = showing.popup.delivery_id.clone();
                    self.read_here(&id);
                    effects.push(Effect::ReportView(id));
                }
            }
            Input::ButtonClicked(index) => {
                let target = self.current.as_ref().and_then(|s| s.popup.buttons.get(index)).map(|b| b.url.clone());
                if let (Some(url), Some(showing)) = (target, self.current.take()) {
                    self.read_here(&showing.popup.delivery_id);
                    effects.push(Effect::ReportClick(showing.popup.delivery_id));
                    self.hide(&mut effects);
                    effects.push(Effect::Navigate(url));
                    // The page is going: no launcher is drawn for the moment it has left.
                    return effects;
                }
            }
            Input::Closed => {
                if self.current.take().is_some() {
                    self.hide(&mut effects);
                    self.show_next(&mut effects);
                }
            }
            Input::Unread(listed) => {
                self.unread = listed.into_iter().filter(|p| !self.read.contains(&p.delivery_id)).collect();
                let unread = &self.unread;
                let listed = |id: &str| id == PREVIEW_DELIVERY || unread.iter().any(|p| p.delivery_id == id);
                self.waiting.retain(|p| listed(&p.delivery_id));
                if self.current.as_ref().is_some_and(|s| !s.viewed && !listed(&s.popup.delivery_id)) {
                    self.current = None;
                    self.hide(&mut effects);
                    self.show_next(&mut effects);
                }
            }
            Input::Launch => {
                if self.current.is_none() && !self.unread.is_empty() {
                    let popup = self.unread.remove(0);
                    self.read_here(&popup.delivery_id);
                    self.drawn = 0;
                    effects.push(Effect::Show(popup.clone()));
                    effects.push(Effect::ReportView(popup.delivery_id.clone()));
                    effects.push(Effect::Focus);
                    self.current = Some(Showing { popup, viewed: true });
                    self.launched = true;
                }
            }
            Input::ReadAll => {
                let ids: Vec<String> = self.unread.iter().map(|p| p.delivery_id.clone()).collect();
                if !ids.is_empty() {
                    for id in &ids {
                        self.read_here(id);
                    }
                    effects.push(Effect::MarkRead(ids));
                }
            }
        }
        // The launcher shows while no message does, with what is left unread.
        let refocus = self.current.is_none() && std::mem::take(&mut self.launched);
        let count = if self.current.is_some() { 0 } else { self.unread.len() };
        if count != self.drawn {
            self.drawn = count;
            effects.push(Effect::Launcher(count));
            if refocus && count > 0 {
                effects.push(Effect::Focus);
            }
        }
        effects
    }

    fn hide(&mut self, effects: &mut Vec<Effect>) {
        effects.push(Effect::Hide);
        self.drawn = 0;
    }

    /// `id` was viewed or marked read here: it leaves the launcher, also when a list the
    /// edge wrote before it knew still names it.
    fn read_here(&mut self, id: &str) {
        self.unread.retain(|p| p.delivery_id != id);
        self.read.push(id.to_owned());
    }

    fn show_next(&mut self, effects: &mut Vec<Effect>) {
        if self.waiting.is_empty() {
            return;
        }
        let popup = self.waiting.remove(0);
        let viewed = popup.display == Display::Fullscreen;
        self.drawn = 0;
        effects.push(Effect::Show(popup.clone()));
        if viewed {
            self.read_here(&popup.delivery_id);
            effects.push(Effect::ReportView(popup.delivery_id.clone()));
        }
        self.current = Some(Showing { popup, viewed });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kizuna_shared::wire::public::{PopupButton, PopupSender};

    fn popup(id: &str, display: Display) -> Popup {
        Popup {
            delivery_id: id.to_owned(),
            campaign_id: "c1".to_owned(),
            display,
            sender: PopupSender { name: "Shop".to_owned(), avatar_url: None },
            text: "Hello".to_owned(),
            image_url: None,
            buttons: vec![PopupButton { label: "Go".to_owned(), url: "/sale".to_owned() }],
        }
    }

    #[test]
    fn a_bubble_is_shown_and_viewed_only_when_clicked() {
        let mut w = Widget::default();
        assert_eq!(
            w.step(Input::Received(vec![popup("d1", Display::Bubble)])),
            vec![Effect::Show(popup("d1", Display::Bubble))]
        );
        assert_eq!(w.step(Input::Opened), vec![Effect::ReportView("d1".to_owned())]);
        assert_eq!(w.step(Input::Opened), vec![], "a second click on the bubble reports nothing");
    }

    #[test]
    fn a_fullscreen_is_viewed_when_displayed() {
        let mut w = Widget::default();
        let effects = w.step(Input::Received(vec![popup("d1", Display::Fullscreen)]));
        assert_eq!(effects, vec![Effect::Show(popup("d1", Display::Fullscreen)), Effect::ReportView("d1".to_owned())]);
        assert_eq!(w.step(Input::Opened), vec![]);
    }

    #[test]
    fn a_button_click_reports_the_click_and_follows_the_link() {
        let mut w = Widget::default();
        w.step(Input::Received(vec![popup("d1", Display::Bubble)]));
        assert_eq!(
            w.step(Input::ButtonClicked(0)),
            vec![Effect::ReportClick("d1".to_owned()), Effect::Hide, Effect::Navigate("/sale".to_owned())]
        );
        assert_eq!(w.step(Input::ButtonClicked(0)), vec![], "nothing is on screen any more");
    }

    #[test]
    fn a_click_on_a_missing_button_does_nothing() {
        let mut w = Widget::default();
        w.step(Input::Received(vec![popup("d1", Display::Bubble)]));
        assert_eq!(w.step(Input::ButtonClicked(3)), vec![]);
    }

    #[test]
    fn a_second_message_waits_behind_the_first() {
        let mut w = Widget::default();
        let effects = w.step(Input::Received(vec![popup("d1", Display::Bubble), popup("d2", Display::Fullscreen)]));
        assert_eq!(effects, vec![Effect::Show(popup("d1", Display::Bubble))]);
        assert_eq!(
            w.step(Input::Closed),
            vec![Effect::Hide, Effect::Show(popup("d2", Display::Fullscreen)), Effect::ReportView("d2".to_owned())]
        );
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide]);
        assert_eq!(w.step(Input::Closed), vec![]);
    }

    #[test]
    fn messages_waiting_at_boot_show_one_after_another_and_a_poll_queues_behind_them() {
        let mut w = Widget::default();
        let boot = w.step(Input::Received(vec![popup("d1", Display::Bubble), popup("d2", Display::Bubble)]));
        assert_eq!(boot, vec![Effect::Show(popup("d1", Display::Bubble))]);
        assert_eq!(
            w.step(Input::Received(vec![popup("d2", Display::Bubble), popup("d3", Display::Bubble)])),
            vec![],
            "d1 stays on screen; d2, already waiting, is not queued twice"
        );
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide, Effect::Show(popup("d2", Display::Bubble))]);
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide, Effect::Show(popup("d3", Display::Bubble))]);
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide]);
    }

    #[test]
    fn a_bubble_closed_unread_waits_behind_the_launcher_and_opening_it_is_the_view() {
        let mut w = Widget::default();
        let d1 = popup("d1", Display::Bubble);
        assert_eq!(w.step(Input::Received(vec![d1.clone()])), vec![Effect::Show(d1.clone())]);
        assert_eq!(w.step(Input::Unread(vec![d1.clone()])), vec![], "no launcher while the message shows");
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide, Effect::Launcher(1)]);
        assert_eq!(
            w.step(Input::Launch),
            vec![Effect::Show(d1.clone()), Effect::ReportView("d1".to_owned()), Effect::Focus]
        );
        assert_eq!(w.step(Input::Opened), vec![], "viewed once");
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide], "nothing left unread");
        assert_eq!(w.step(Input::Unread(vec![d1])), vec![], "a list written before the view arrived changes nothing");
        assert_eq!(w.step(Input::Launch), vec![]);
    }

    #[test]
    fn another_tab_lists_the_unread_messages_and_focus_returns_to_the_launcher() {
        let mut w = Widget::default();
        let (d1, d2) = (popup("d1", Display::Bubble), popup("d2", Display::Bubble));
        assert_eq!(w.step(Input::Unread(vec![d1.clone(), d2.clone()])), vec![Effect::Launcher(2)]);
        assert_eq!(w.step(Input::Unread(vec![d1.clone(), d2.clone()])), vec![], "the same count is not drawn again");
        assert_eq!(w.step(Input::Launch), vec![Effect::Show(d1), Effect::ReportView("d1".to_owned()), Effect::Focus]);
        assert_eq!(w.step(Input::Closed), vec![Effect::Hide, Effect::Launcher(1), Effect::Focus]);
        assert_eq!(w.step(Input::Unread(vec![])), vec![Effect::Launcher(0)], "read in another tab");
    }

    #[test]
    fn an_unviewed_message_no_longer_unread_leaves_the_screen_and_the_queue() {
        let mut w = Widget::default();
        let (d1, d2, d3) = (popup("d1", Display::Bubble), popup("d2", Display::Bubble), popup("d3", Display::Bubble));
        w.step(Input::Received(vec![d1.clone(), d2.clone(), d3.clone()]));
        w.step(Input::Unread(vec![d1.clone(), d2.clone(), d3.clone()]));
        assert_eq!(
            w.step(Input::Unread(vec![d3.clone()])),
            vec![Effect::Hide, Effect::Show(d3.clone())],
            "d1 on screen and d2 behind it were withdrawn"
        );
        w.step(Input::Opened);
        assert_eq!(w.step(Input::Unread(vec![])), vec![], "a viewed message stays");
        let mut w = Widget::default();
        let preview = popup(PREVIEW_DELIVERY, Display::Bubble);
        w.step(Input::Received(vec![preview]));
        assert_eq!(w.step(Input::Unread(vec![])), vec![], "a preview is never unread, and stays");
    }

    #[test]
    fn mark_all_read_names_what_the_launcher_listed() {
        let mut w = Widget::default();
        let (d1, d2, d3) = (popup("d1", Display::Bubble), popup("d2", Display::Bubble), popup("d3", Display::Bubble));
        w.step(Input::Unread(vec![d1.clone(), d2.clone()]));
        assert_eq!(
            w.step(Input::ReadAll),
            vec![Effect::MarkRead(vec!["d1".to_owned(), "d2".to_owned()]), Effect::Launcher(0)]
        );
        assert_eq!(w.step(Input::ReadAll), vec![]);
        assert_eq!(w.step(Input::Unread(vec![d1, d2, d3])), vec![Effect::Launcher(1)], "only the new one");
    }

    #[test]
    fn a_delivery_is_shown_once_per_page() {
        let mut w = Widget::default();
        w.step(Input::Received(vec![popup("d1", Display::Bubble)]));
        w.step(Input::Closed);
        assert_eq!(w.step(Input::Received(vec![popup("d1", Display::Bubble)])), vec![]);
    }
}
