//! Browser, OS and device from a User-Agent header, read at the edge so the widget
//! ships no detection code. Coarse on purpose: names and major versions for segments.

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agent {
    /// `Chrome`, `Safari`, `Firefox`, `Edge`, `Opera`, `Samsung Internet`.
    pub browser_name: Option<&'static str>,
    /// Name and major version: `Chrome 156`.
    pub browser: Option<String>,
    /// `Windows`, `macOS`, `iOS`, `iPadOS`, `Android`, `ChromeOS`, `Linux`.
    pub os_name: Option<&'static str>,
    /// Name and version where the header tells it: `Android 14`, `macOS 10.15.7`.
    pub os: Option<String>,
    /// `desktop`, `mobile` or `tablet`.
    pub device: &'static str,
}

/// The version right after `marker` (digits and dots, or underscores read as dots).
fn version_after(ua: &str, marker: &str) -> Option<String> {
    let start = ua.find(marker)? + marker.len();
    let version: String = ua[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
        .map(|c| if c == '_' { '.' } else { c })
        .collect();
    let version = version.trim_end_matches('.').to_owned();
    (!version.is_empty()).then_some(version)
}

fn major(version: &str) -> &str {
    version.split('.').next().unwrap_or(version)
}

pub fn parse(ua: &str) -> Agent {
    const BROWSERS: [(&str, &str); 9] = [
        ("Edg/", "Edge"),
        ("EdgiOS/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("HeadlessChrome/", "Chrome"),
        ("Chrome/", "Chrome"),
    ];
    let mut browser =
        BROWSERS.iter().find_map(|(marker, name)| ua.contains(marker).then(|| (*name, version_after(ua, marker))));
    if browser.is_none() && ua.contains("Safari/") {
        browser = Some(("Safari", version_after(ua, "Version/")));
    }
    let os: Option<(&'static str, Option<String>)> = if ua.contains("iPad") {
        Some(("iPadOS", version_after(ua, "CPU OS ")))
    } else if ua.contains("iPhone") || ua.contains("iPod") {
        Some(("iOS", version_after(ua, "iPhone OS ")))
    } else if ua.contains("Android") {
        Some(("Android", version_after(ua, "Android ")))
    } else if ua.contains("Windows") {
        Some(("Windows", version_after(ua, "Windows NT ").map(|v| if v == "10.0" { "10".into() } else { v })))
    } else if ua.contains("Mac OS X") {
        Some(("macOS", version_after(ua, "Mac OS X ")))
    } else if ua.contains("CrOS") {
        Some(("ChromeOS", None))
    } else if ua.contains("Linux") {
        Some(("Linux", None))
    } else {
        None
    };
    let device = if ua.contains("iPad") || (ua.contains("Android") && !ua.contains("Mobile")) || ua.contains("Tablet") {
        "tablet"
    } else if ua.contains("Mobi") || ua.contains("iPhone") || ua.contains("iPod") {
        "mobile"
    } else {
        "desktop"
    };
    let with_version = |name: &str, version: &Option<String>, major_only: bool| match version {
        Some(v) if major_only => format!("{name} {}", major(v)),
        Some(v) => format!("{name} {v}"),
        None => name.to_owned(),
    };
    Agent {
        browser_name: browser.as_ref().map(|(name, _)| *name),
        browser: browser.as_ref().map(|(name, version)| with_version(name, version, true)),
        os_name: os.as_ref().map(|(name, _)| *name),
        os: os.as_ref().map(|(name, version)| with_version(name, version, false)),
        device,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(ua: &str, browser: &str, os: &str, device: &str) {
        let a = parse(ua);
        assert_eq!(
            (a.browser.as_deref().unwrap_or("?"), a.os.as_deref().unwrap_or("?"), a.device),
            (browser, os, device),
            "{ua}"
        );
    }

    #[test]
    fn common_browsers_are_recognised() {
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.8078.73 Safari/537.36",
            "Chrome 156",
            "Windows 10",
            "desktop",
        );
        check(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 Edg/156.0.0.0",
            "Edge 156",
            "Windows 10",
            "desktop",
        );
        check(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Safari 18",
            "macOS 10.15.7",
            "desktop",
        );
        check(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari 18",
            "iOS 18.1",
            "mobile",
        );
        check(
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17",
            "iPadOS 17.5",
            "tablet",
        );
        check(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome 131",
            "Android 14",
            "mobile",
        );
        check(
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox 133",
            "Linux",
            "desktop",
        );
        check(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
            "Chrome 156",
            "Linux",
            "desktop",
        );
    }

    #[test]
    fn an_unknown_agent_gives_no_names() {
        assert_eq!(parse("curl/8.5.0"), Agent { device: "desktop", ..Agent::default() });
    }
}
