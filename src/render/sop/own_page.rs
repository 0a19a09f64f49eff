//! Which sections of the SOP's PDF start on a page of their own.
//!
//! A section that fills pages by itself (a referral pathway drawn for each of many
//! areas, a long service directory) reads and prints best from the top of a page. The
//! page break also lets Typst lay out the pages on either side of it at the same time,
//! on separate cores: in a large operation the pathway chapter is most of the SOP.

use pulldown_cmark::{Event, HeadingLevel, Tag};

/// A section with at least this many flowcharts starts on a new page: a pathway drawn
/// for three areas or more.
const OWN_PAGE_CHARTS: usize = 3;

/// A section with at least this many characters of text starts on a new page: about
/// four pages of body text.
const OWN_PAGE_CHARS: usize = 16_000;

/// For each event, whether it starts the heading of a section (a Markdown H3) that
/// begins on a new page.
pub fn sections_on_own_page(events: &[Event<'_>]) -> Vec<bool> {
    let mut own_page = vec![false; events.len()];
    let mut open: Option<Section> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, .. }) if *level <= HeadingLevel::H3 => {
                if let Some(section) = open.take() {
                    own_page[section.start] = section.is_long();
                }
                if *level == HeadingLevel::H3 {
                    open = Some(Section::at(i));
                }
            }
            Event::Start(Tag::Image { .. }) => {
                if let Some(section) = &mut open {
                    section.charts += 1;
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(section) = &mut open {
                    section.chars += text.chars().count();
                }
            }
            _ => {}
        }
    }
    if let Some(section) = open {
        own_page[section.start] = section.is_long();
    }
    own_page
}

/// A section being measured: where its heading starts, and what it holds so far.
struct Section {
    start: usize,
    charts: usize,
    chars: usize,
}

impl Section {
    fn at(start: usize) -> Section {
        Section {
            start,
            charts: 0,
            chars: 0,
        }
    }

    fn is_long(&self) -> bool {
        self.charts >= OWN_PAGE_CHARTS || self.chars >= OWN_PAGE_CHARS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each heading that starts a page of its own.
    fn on_own_page(markdown: &str) -> Vec<String> {
        let events: Vec<Event<'_>> = pulldown_cmark::Parser::new(markdown).collect();
        let flags = sections_on_own_page(&events);
        assert_eq!(flags.len(), events.len());
        (0..events.len())
            .filter(|&i| flags[i])
            .map(|i| {
                assert!(matches!(
                    events[i],
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H3,
                        ..
                    })
                ));
                match &events[i + 1] {
                    Event::Text(text) => text.to_string(),
                    other => format!("{other:?}"),
                }
            })
            .collect()
    }

    const CHART: &str = "![A pathway](flowcharts/a.svg)\n\n";

    #[test]
    fn sections_with_three_charts_or_four_pages_of_text_start_a_page() {
        let long_text = "word ".repeat(OWN_PAGE_CHARS / 5 + 1);
        let markdown = format!(
            "## Chapter\n\n### Two charts\n\n{}### Three charts\n\n{}### Short\n\ntext\n\n\
             ### Long text\n\n{long_text}\n\n## Next chapter\n\n### Last\n\n#### Sub\n\n{}",
            CHART.repeat(2),
            CHART.repeat(3),
            CHART.repeat(3),
        );
        assert_eq!(
            on_own_page(&markdown),
            ["Three charts", "Long text", "Last"]
        );
    }

    #[test]
    fn chapters_and_their_opening_text_never_do() {
        let markdown = format!(
            "## Chapter\n\n{}### Short\n\ntext\n\n## Next\n\n{}",
            CHART.repeat(4),
            CHART.repeat(4)
        );
        assert!(on_own_page(&markdown).is_empty());
    }
}
