//! What the widget does, as a state machine: messages in, effects out. No browser here,
//! so every rule is tested with plain `cargo test`.
//!
//! Invariants: at most one message is on screen; later ones wait in order behind it; a
//! delivery is shown at most once per page; a view is reported at most once per message
//! (fullscreen: when displayed; bubble: when clicked; a button click reports the click,
//! which the edge counts as a view too).

use kizuna_shared::campaign::Display;
use kizuna_shared::wire::public::Popup;
use std::collections::VecDeque;

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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(Popup),
    Hide,
    ReportView(String),
    ReportClick(String),
    Navigate(String),
}

#[derive(Debug, Default)]
pub struct Widget {
    waiting: VecDeque<Popup>,
    current: Option<Showing>,
    seen: VecDeque<String>,
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
                            self.seen.pop_front();
                        }
                        self.seen.push_back(popup.delivery_id.clone());
                        self.waiting.push_back(popup);
                    }
                }
                if self.current.is_none() {
                    self.show_next(&mut effects);
                }
            }
            Input::Opened => {
                if let Some(showing) = self.current.as_mut().filter(|s| !s.viewed) {
                    showing.viewed = true;
                    effects.push(Effect::ReportView(showing.popup.delivery_id.clone()));
                }
            }
            Input::ButtonClicked(index) => {
                let target = self.current.as_ref().and_then(|s| s.popup.buttons.get(index)).map(|b| b.url.clone());
                if let (Some(url), Some(showing)) = (target, self.current.take()) {
                    effects.push(Effect::ReportClick(showing.popup.delivery_id));
                    effects.push(Effect::Hide);
                    effects.push(Effect::Navigate(url));
                }
            }
            Input::Closed => {
                if self.current.take().is_some() {
                    effects.push(Effect::Hide);
                    self.show_next(&mut effects);
                }
            }
        }
        effects
    }

    fn show_next(&mut self, effects: &mut Vec<Effect>) {
        let Some(popup) = self.waiting.pop_front() else { return };
        let viewed = popup.display == Display::Fullscreen;
        effects.push(Effect::Show(popup.clone()));
        if viewed {
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
    fn a_delivery_is_shown_once_per_page() {
        let mut w = Widget::default();
        w.step(Input::Received(vec![popup("d1", Display::Bubble)]));
        w.step(Input::Closed);
        assert_eq!(w.step(Input::Received(vec![popup("d1", Display::Bubble)])), vec![]);
    }
}
