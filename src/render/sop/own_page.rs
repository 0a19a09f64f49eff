//! Which sections of an SOP document's PDF start on a page of their own.
//!
//! A section that fills pages by itself (a referral pathway drawn for each of many
//! areas, a long service directory, one type of service in an area's directory) reads
//! and prints best from the top of a page. The page break also lets Typst lay out the
//! pages on either side of it at the same time, on separate cores: in a large
//! operation the pathway chapter is most of the SOP, and a directory document is one
//! long run of services.

use pulldown_cmark::{Event, HeadingLevel, Tag};

/// A section with at least this many flowcharts starts on a new page: a pathway drawn
/// for three areas or more.
const OWN_PAGE_CHARTS: usize = 3;

/// A section with at least this many characters of text starts on a new page: about
/// four pages of body text.
const OWN_PAGE_CHARS: usize = 16_000;

/// For each event, whether it starts the heading of a section (a Markdown heading at
/// `level`: H3 in the SOP, H2 in a directory document) that begins on a new page. The
/// first section under a higher heading follows that heading's opening text, which
/// would otherwise stand alone on its page.
pub fn sections_on_own_page(events: &[Event<'_>], level: HeadingLevel) -> Vec<bool> {
    let mut own_page = vec![false; events.len()];
    let mut open: Option<Section> = None;
    let mut first = true;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level: heading, .. }) if *heading <= level => {
                if let Some(section) = open.take() {
                    own_page[section.start] = section.is_long();
                }
                if *heading == level {
                    open = Some(Section::at(i, first));
                    first = false;
                } else {
                    first = true;
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
    /// The first section under its chapter (or its document's title).
    first: bool,
    charts: usize,
    chars: usize,
}

impl Section {
    fn at(start: usize, first: bool) -> Section {
        Section {
            start,
            first,
            charts: 0,
            chars: 0,
        }
    }

    fn is_long(&self) -> bool {
        !self.first && (self.charts >= OWN_PAGE_CHARTS || self.chars >= OWN_PAGE_CHARS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of each heading that starts a page of its own.
    fn on_own_page(markdown: &str) -> Vec<String> {
        sections_at(markdown, HeadingLevel::H3)
    }

    fn sections_at(markdown: &str, level: HeadingLevel) -> Vec<String> {
        let events: Vec<Event<'_>> = pulldown_cmark::Parser::new(markdown).collect();
        let flags = sections_on_own_page(&events, level);
        assert_eq!(flags.len(), events.len());
        (0..events.len())
            .filter(|&i| flags[i])
            .map(|i| {
                assert!(
                    matches!(events[i], Event::Start(Tag::Heading { level: l, .. }) if l == level)
                );
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
            "## Chapter\n\n### Opening\n\ntext\n\n### Two charts\n\n{}### Three charts\n\n{}\
             ### Short\n\ntext\n\n### Long text\n\n{long_text}\n\n## Next chapter\n\n\
             ### Opening\n\nshort\n\n### Last\n\n#### Sub\n\n{}",
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

    #[test]
    fn the_first_section_under_a_heading_follows_its_opening_text() {
        let markdown = format!(
            "## Chapter\n\nIntroduction.\n\n### First\n\n{}### Second\n\n{}",
            CHART.repeat(5),
            CHART.repeat(5)
        );
        assert_eq!(on_own_page(&markdown), ["Second"]);
    }

    #[test]
    fn a_directory_document_breaks_at_its_long_service_types() {
        let long_text = "word ".repeat(OWN_PAGE_CHARS / 5 + 1);
        let markdown = format!(
            "# Service directory: North\n\nCurrent on 1 March.\n\n## Child protection\n\n\
             {long_text}\n\n## Health\n\n{long_text}\n\n## Legal aid\n\nOne service.\n\n\
             ## Education\n\n{long_text}\n\n### A sub-heading\n\n{long_text}\n"
        );
        assert_eq!(
            sections_at(&markdown, HeadingLevel::H2),
            ["Health", "Education"]
        );
    }
}
