//! The console's addresses: which [`Screen`] a path under `/console/` shows, and the path
//! of each. The worker answers every path under `/console/` with the same `index.html`,
//! so this is the one place that decides what a URL means. Pure.

pub const BASE: &str = "/console/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The signed-in account's home; sends to [`Screen::SignIn`] when there is no session.
    Home,
    SignIn,
    NotFound,
}

impl Screen {
    pub fn from_path(path: &str) -> Screen {
        match path.strip_prefix("/console").map(|rest| rest.trim_end_matches('/')) {
            Some("") => Screen::Home,
            Some("/sign-in") => Screen::SignIn,
            _ => Screen::NotFound,
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Screen::Home => BASE,
            Screen::SignIn => "/console/sign-in",
            Screen::NotFound => "/console/not-found",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_is_found_at_its_own_path() {
        for screen in [Screen::Home, Screen::SignIn] {
            assert_eq!(Screen::from_path(screen.path()), screen);
        }
    }

    #[test]
    fn trailing_slashes_do_not_matter() {
        assert_eq!(Screen::from_path("/console"), Screen::Home);
        assert_eq!(Screen::from_path("/console/sign-in/"), Screen::SignIn);
    }

    #[test]
    fn other_paths_are_not_found() {
        assert_eq!(Screen::from_path("/console/nope"), Screen::NotFound);
        assert_eq!(Screen::from_path("/consoles"), Screen::NotFound);
        assert_eq!(Screen::from_path("/"), Screen::NotFound);
    }
}
