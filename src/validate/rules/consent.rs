//! Consent and assent bands must cover every age from 0 to 17 exactly once.

use super::Context;

pub fn check(cx: &mut Context<'_>) {
    let bands = cx.config.data_protection.consent_bands.as_slice();
    let mut order: Vec<usize> = (0..bands.len()).collect();
    order.sort_by_key(|&i| (bands[i].min_age, bands[i].max_age));

    let mut next_age: u16 = 0;
    for &i in &order {
        let band = &bands[i];
        let p = format!("/data_protection/consent_bands/{i}");
        if band.min_age > band.max_age {
            cx.error(
                "consent-band",
                &format!("{p}/max_age"),
                format!(
                    "the band {}–{} ends before it starts",
                    band.min_age, band.max_age
                ),
                "set `min_age` ≤ `max_age`",
            );
            continue;
        }
        if band.max_age > 17 {
            cx.error(
                "consent-band",
                &format!("{p}/max_age"),
                format!(
                    "the band {}–{} goes past 17: consent bands cover children only",
                    band.min_age, band.max_age
                ),
                "end the last band at 17",
            );
        }
        let (min, max) = (u16::from(band.min_age), u16::from(band.max_age));
        if min > next_age {
            cx.error(
                "consent-band-gap",
                &format!("{p}/min_age"),
                format!(
                    "no consent band covers age {}{}",
                    next_age,
                    if min - 1 > next_age {
                        format!("–{}", min - 1)
                    } else {
                        String::new()
                    }
                ),
                "bands must cover 0 to 17 without gaps; extend the previous band or add one",
            );
        } else if min < next_age {
            cx.error(
                "consent-band-overlap",
                &format!("{p}/min_age"),
                format!("age {min} is covered by two consent bands"),
                "each age belongs to one band: start this band where the previous one ends, plus one",
            );
        }
        next_age = next_age.max(max + 1);
    }
    if next_age <= 17 && !bands.is_empty() {
        cx.error(
            "consent-band-gap",
            "/data_protection/consent_bands",
            format!("no consent band covers ages {next_age}–17"),
            "extend the last band to 17",
        );
    }
    if bands.is_empty() {
        cx.error(
            "consent-band-gap",
            "/data_protection/consent_bands",
            "no consent bands are configured",
            "omit `consent_bands` to use the built-in bands, or cover 0 to 17",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{MINIMAL, codes_for};

    fn bands(ranges: &[(u8, u8)]) -> String {
        let mut text = format!("{MINIMAL}\n[data_protection]\n");
        for (min, max) in ranges {
            text.push_str(&format!(
                "[[data_protection.consent_bands]]\nmin_age = {min}\nmax_age = {max}\nconsent_from = \"caregiver\"\nchild_part = \"informed\"\n"
            ));
        }
        text
    }

    #[test]
    fn bands_covering_0_to_17_pass() {
        let codes = codes_for(&bands(&[(0, 5), (6, 11), (12, 17)]));
        assert!(
            !codes.iter().any(|c| c.starts_with("consent-band")),
            "{codes:?}"
        );
    }

    #[test]
    fn gaps_overlaps_and_overruns_are_errors() {
        assert!(codes_for(&bands(&[(0, 5), (7, 17)])).contains(&"consent-band-gap"));
        assert!(codes_for(&bands(&[(0, 5), (6, 14)])).contains(&"consent-band-gap"));
        assert!(codes_for(&bands(&[(1, 17)])).contains(&"consent-band-gap"));
        assert!(codes_for(&bands(&[(0, 6), (6, 17)])).contains(&"consent-band-overlap"));
        assert!(codes_for(&bands(&[(0, 18)])).contains(&"consent-band"));
        assert!(codes_for(&bands(&[(0, 17), (12, 5)])).contains(&"consent-band"));
    }
}
